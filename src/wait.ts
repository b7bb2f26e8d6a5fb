/**
 * Waiting: a small polling state machine with injected time, so tests run instantly.
 * It polls sooner early on and at a capped interval later, and never sleeps past its deadline.
 */

/** The passage of time, injected so that tests never really sleep. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/**
 * A clock on which time passes `scale` times faster: sleeps shrink and `now` runs ahead.
 * Lets a deployment against an emulator whose clock is scaled the same way wait hours in seconds.
 */
export function scaledClock(scale: number, base: Clock = systemClock, origin = base.now()): Clock {
  return {
    now: () => origin + (base.now() - origin) * scale,
    sleep: (ms, signal) => base.sleep(ms / scale, signal),
  };
}

/** The environment variables that scale the provider's clock (emulators and tests only). */
export const CLOCK_SCALE_VARIABLE = "GLUE_MV_REFRESH_CLOCK_SCALE";
/** The real epoch ms the scaled clock starts from, so that it agrees with an emulator's. */
export const CLOCK_ORIGIN_VARIABLE = "GLUE_MV_REFRESH_CLOCK_ORIGIN";

/** The system clock, or a scaled one when the provider host's environment asks for it. */
export function clockFromEnvironment(env: NodeJS.ProcessEnv = process.env): Clock {
  const scale = Number(env[CLOCK_SCALE_VARIABLE]);
  if (!(Number.isFinite(scale) && scale > 0 && scale !== 1)) return systemClock;
  const origin = Number(env[CLOCK_ORIGIN_VARIABLE]);
  return scaledClock(scale, systemClock, Number.isFinite(origin) && origin > 0 ? origin : undefined);
}

export interface PollSchedule {
  /** The shortest pause between polls, and the pause before the first one. */
  readonly minDelayMs: number;
  /** The longest pause between polls. */
  readonly maxDelayMs: number;
  /**
   * Pause as a fraction of the time waited so far, so a run that ends is noticed within that
   * fraction of its duration while long waits need few polls.
   */
  readonly elapsedFraction: number;
}

export const DEFAULT_SCHEDULE: PollSchedule = { minDelayMs: 2_000, maxDelayMs: 60_000, elapsedFraction: 0.04 };

/**
 * The pause before the next poll: a fraction of the time waited so far, within [min, max],
 * jittered downwards (never upwards) so that many waiters spread out without noticing later.
 */
export function nextDelay(elapsedMs: number, schedule: PollSchedule, random: () => number): number {
  const target = Math.min(schedule.maxDelayMs, Math.max(schedule.minDelayMs, elapsedMs * schedule.elapsedFraction));
  const jittered = target * (0.75 + 0.25 * random());
  return Math.max(schedule.minDelayMs, Math.round(jittered));
}

export type WaitOutcome<T> =
  | { readonly state: "done"; readonly value: T }
  | { readonly state: "timeout"; readonly value: T }
  | { readonly state: "aborted"; readonly value: T };

export interface WaitOptions<T> {
  /** Epoch milliseconds after which no more polls are made. */
  readonly deadline: number;
  readonly clock: Clock;
  readonly schedule?: PollSchedule;
  readonly random?: () => number;
  readonly signal?: AbortSignal;
  /** Called with every polled value that is not yet done. */
  readonly onPoll?: (value: T, elapsedMs: number) => void;
}

/**
 * Polls until `isDone(value)`, starting from a value the caller already holds.
 * Before the deadline it sleeps at most until the deadline and polls once more there.
 */
export async function waitUntil<T>(
  initial: T,
  poll: () => Promise<T>,
  isDone: (value: T) => boolean,
  options: WaitOptions<T>,
): Promise<WaitOutcome<T>> {
  const { clock, deadline, signal } = options;
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  const random = options.random ?? Math.random;
  const start = clock.now();
  let value = initial;
  for (;;) {
    if (isDone(value)) return { state: "done", value };
    if (signal?.aborted) return { state: "aborted", value };
    const remaining = deadline - clock.now();
    if (remaining <= 0) return { state: "timeout", value };
    await clock.sleep(Math.min(nextDelay(clock.now() - start, schedule, random), remaining), signal);
    if (signal?.aborted) return { state: "aborted", value };
    value = await poll();
    if (!isDone(value)) options.onPoll?.(value, clock.now() - start);
  }
}

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
  /** The longest pause between polls when the run's duration cannot be predicted. */
  readonly maxDelayMs: number;
  /**
   * Pause as a fraction of the time waited so far, so a run that ends is noticed within that
   * fraction of its duration while long waits need few polls.
   */
  readonly elapsedFraction: number;
  /**
   * With an expected duration: the fraction of it before which polls are sparse, there only to
   * notice an early end (a failure, say); from it on the pause is `elapsedFraction` again.
   */
  readonly approach: number;
  /** Before the approach, the pause as a multiple of the time waited (2: the waited time triples). */
  readonly earlyFactor: number;
  /** Before the approach, the longest pause as a fraction of the expected duration (or maxDelayMs if more). */
  readonly earlyMaxFraction: number;
}

/**
 * Polls sooner early on and at a capped interval later. With an expected duration (a previous
 * run's), a 5-minute run costs about 14 polls and an 8-hour one about 30, and a run ending as
 * expected is still noticed within 5% of its duration.
 */
export const DEFAULT_SCHEDULE: PollSchedule = {
  minDelayMs: 2_000,
  maxDelayMs: 60_000,
  elapsedFraction: 0.04,
  approach: 0.9,
  earlyFactor: 2,
  earlyMaxFraction: 1 / 16,
};

/** The schedule's pause after `elapsedMs`, before jitter. */
function targetDelay(elapsedMs: number, schedule: PollSchedule, expectedMs: number | undefined): number {
  const { minDelayMs, maxDelayMs, elapsedFraction } = schedule;
  const within = (value: number, max: number) => Math.min(max, Math.max(minDelayMs, value));
  if (expectedMs === undefined || !(expectedMs > 0)) return within(elapsedMs * elapsedFraction, maxDelayMs);
  const approachAt = schedule.approach * expectedMs;
  if (elapsedMs < approachAt) {
    const early = within(
      elapsedMs * schedule.earlyFactor,
      Math.max(maxDelayMs, expectedMs * schedule.earlyMaxFraction),
    );
    // Land on the approach rather than jump past it.
    return Math.max(minDelayMs, Math.min(early, approachAt - elapsedMs));
  }
  return within(elapsedMs * elapsedFraction, Math.max(maxDelayMs, expectedMs * elapsedFraction));
}

/**
 * The pause before the next poll: a fraction of the time waited so far, within [min, max],
 * jittered downwards (never upwards) so that many waiters spread out without noticing later.
 * With `expectedMs`, the time the wait is expected to take, polls are sparse until near it.
 */
export function nextDelay(
  elapsedMs: number,
  schedule: PollSchedule,
  random: () => number,
  expectedMs?: number,
): number {
  const jittered = targetDelay(elapsedMs, schedule, expectedMs) * (0.75 + 0.25 * random());
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
  /**
   * When the awaited thing began (epoch ms), e.g. a run adopted or picked up again: the schedule
   * counts elapsed time from there. @default when waiting began
   */
  readonly origin?: number;
  /** How long the awaited thing is expected to take from its origin, e.g. a previous run's duration. @default unknown */
  readonly expectedMs?: number;
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
  const origin = Math.min(options.origin ?? start, start);
  let value = initial;
  for (;;) {
    if (isDone(value)) return { state: "done", value };
    if (signal?.aborted) return { state: "aborted", value };
    const remaining = deadline - clock.now();
    if (remaining <= 0) return { state: "timeout", value };
    const pause = nextDelay(clock.now() - origin, schedule, random, options.expectedMs);
    await clock.sleep(Math.min(pause, remaining), signal);
    if (signal?.aborted) return { state: "aborted", value };
    value = await poll();
    if (!isDone(value)) options.onPoll?.(value, clock.now() - start);
  }
}

/**
 * What every unit of a view's refresh shares at deploy time, passed to each as one explicit object:
 * the clock, where lines are printed, jitter, the polling schedule, the interrupt signal, what
 * messages call the refresh, and where and as whom AWS is called (the stack config and its caches).
 */
import { hostInterruptSignal } from "./interrupt";
import { subject, type Named } from "../model/progress";
import type { RetryContext } from "../aws/retry";
import type { ResolvedSettings } from "../model/state";
import { TargetResolver } from "../aws/targets";
import { clockFromEnvironment, DEFAULT_SCHEDULE, type Clock, type PollSchedule } from "../model/wait";

/** How the refresh meets the world: time, output, jitter, polling, interruptions. */
export interface RefreshContextOptions {
  /** The passage of time. @default the system clock, scaled by GLUE_MV_REFRESH_CLOCK_SCALE when set */
  readonly clock?: Clock;
  /** Where progress lines go; the provider host shows its stdout to the user. @default console.log */
  readonly print?: (line: string) => void;
  /** The source of jitter for poll and retry delays. @default Math.random */
  readonly random?: () => number;
  /** How often to poll a run. @default DEFAULT_SCHEDULE */
  readonly schedule?: PollSchedule;
  /** Gives the signal that ends waits and retries early. @default SIGINT or SIGTERM to the process */
  readonly interrupts?: () => AbortSignal;
  /** What messages call a refresh. @default "MaterializedViewRefresh" */
  readonly kind?: string;
}

/** The shared state of one provider's refreshes, every option resolved. */
export interface RefreshContext {
  readonly clock: Clock;
  readonly print: (line: string) => void;
  readonly random: () => number;
  readonly schedule: PollSchedule;
  readonly interrupts: () => AbortSignal;
  readonly kind: string;
  /** Where and as whom AWS is called: the stack config, read at configure, and its lookups' caches. */
  readonly targets: TargetResolver;
}

const MINUTE = 60_000;

export function createRefreshContext(options: RefreshContextOptions = {}): RefreshContext {
  const kind = options.kind ?? "MaterializedViewRefresh";
  return {
    clock: options.clock ?? clockFromEnvironment(),
    print: options.print ?? ((line: string) => console.log(line)),
    random: options.random ?? Math.random,
    schedule: options.schedule ?? DEFAULT_SCHEDULE,
    interrupts: options.interrupts ?? hostInterruptSignal,
    kind,
    targets: new TargetResolver(kind),
  };
}

/** The retry budget of one operation: bounded by the resource's timeout from now. */
export function within(ctx: RefreshContext, timeoutMinutes: number, signal?: AbortSignal): RetryContext {
  return { deadline: ctx.clock.now() + timeoutMinutes * MINUTE, clock: ctx.clock, random: ctx.random, signal };
}

/** Prints a progress line about a refresh, unless it is quiet. */
export function say(ctx: Pick<RefreshContext, "print">, s: Named & { readonly quiet: boolean }, text: string): void {
  if (!s.quiet) ctx.print(`${s.resourceName} (${s.databaseName}.${s.tableName}): ${text}`);
}

/** The error of a refresh whose host was told to stop before it started a run. */
export function interrupted(ctx: Pick<RefreshContext, "kind">, s: ResolvedSettings): Error {
  return new Error(
    `${subject(ctx.kind, s)}: interrupted (the provider host was told to stop) before a refresh was started`,
  );
}

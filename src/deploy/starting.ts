/**
 * Starting a view's run: after the upstream views' runs ended, Start, with a lost answer never
 * starting a second refresh, and the ifRunning policy applied to a run already in progress.
 */
import { findActiveRun, serviceClockOffset, startRun, stopRun, viewOf, type AwsTarget } from "../aws/glue";
import { awaitListed, settle } from "./following";
import { READ_LAG_MS, relistDelay, type UncertainStart } from "../aws/lost-start";
import { subject } from "../model/progress";
import { interrupted, say, type RefreshContext } from "./refresh-context";
import type { RetryContext } from "../aws/retry";
import type { RefreshRun } from "../model/run";
import type { ResolvedSettings } from "../model/state";
import { awaitUpstreams } from "./upstreams";
import { UnknownRunError } from "./watch";

/**
 * Starts (or adopts) a run for the view once the upstream views' runs ended: the run, and when
 * this began (the run's start time when Glue does not give one).
 */
export async function begin(
  ctx: RefreshContext,
  s: ResolvedSettings,
  target: AwsTarget,
  budget: RetryContext,
): Promise<{ run: RefreshRun; began: number }> {
  await awaitUpstreams(ctx, s, budget);
  const began = ctx.clock.now();
  return { run: await startOwnRun(ctx, s, target, budget), began };
}

/**
 * Starts a run for the view, applying the ifRunning policy when one is already in progress.
 * Returns our run, or the adopted one; throws when no run could be started before the deadline.
 */
export async function startOwnRun(
  ctx: RefreshContext,
  s: ResolvedSettings,
  target: AwsTarget,
  budget: RetryContext,
): Promise<RefreshRun> {
  const { clock, schedule } = ctx;
  let unsettled: UncertainStart | undefined;
  for (;;) {
    if (budget.signal?.aborted) throw interrupted(ctx, s);
    const started = await startRun(target, viewOf(s), s.fullRefresh, budget, unsettled);
    if ("unsettled" in started) {
      if (!unsettled) {
        say(
          ctx,
          s,
          `the answer to a Start request was lost; waiting up to ${READ_LAG_MS / 1000}s for Glue to list the ` +
            "refresh run it may have started, before starting one",
        );
      }
      unsettled = started.unsettled;
      const delay = relistDelay(unsettled, clock.now());
      if (clock.now() + delay > budget.deadline) {
        throw new Error(
          `${subject(ctx.kind, s)}: gave up after ${s.timeoutMinutes} minutes (timeoutMinutes) waiting for Glue to ` +
            "list the refresh run that an unanswered Start request may have started; no second refresh was started. " +
            "Raise timeoutMinutes",
        );
      }
      await clock.sleep(delay, budget.signal);
      continue;
    }
    unsettled = undefined;
    if ("runId" in started) {
      say(ctx, s, `started ${s.fullRefresh ? "full " : ""}refresh run ${started.runId}`);
      // On the service's clock, as Glue's StartTime is: the wait and the state take it for one.
      const startTime = new Date(clock.now() + serviceClockOffset(target, clock));
      return { runId: started.runId, status: "STARTING", startTime };
    }
    if ("recovered" in started) return recognised(ctx, s, started.recovered);
    if (started.uncertainSince !== undefined) {
      const listed = await awaitListed(ctx, s, target, started.uncertainSince, budget);
      if (listed.value) return recognised(ctx, s, listed.value);
      if (listed.state === "aborted") throw interrupted(ctx, s);
      if (clock.now() >= budget.deadline) {
        throw new Error(
          `${subject(ctx.kind, s)}: gave up after ${s.timeoutMinutes} minutes (timeoutMinutes) waiting for Glue to ` +
            "list the refresh run that an unanswered Start request may have started; a refresh is in progress and " +
            "may be this resource's. Raise timeoutMinutes",
        );
      }
      // The window has passed and List shows no run of ours: the run in progress is someone else's.
    }
    const active = await findActiveRun(target, viewOf(s), budget);
    if (!active) {
      // The other run ended between our Start and List, or Glue does not list it yet: pause
      // briefly, then start again.
      if (clock.now() + schedule.minDelayMs > budget.deadline) break;
      await clock.sleep(schedule.minDelayMs, budget.signal);
      continue;
    }
    const next = await meetRunning(ctx, s, target, active, budget);
    if (next === "adopted") return active;
    if (next === "timeout") break;
  }
  throw new Error(
    `${subject(ctx.kind, s)}: gave up after ${s.timeoutMinutes} minutes (timeoutMinutes) waiting for the refresh ` +
      `already in progress to end; no refresh was started. Raise timeoutMinutes or set ifRunning to "stop"`,
  );
}

/**
 * The ifRunning policy, applied to a run in progress that is not ours: `adopted` (adopt), an
 * error (fail), or, once that run ended (wait, stop), `again` to start ours; `timeout` when it did
 * not end within the budget.
 */
export async function meetRunning(
  ctx: RefreshContext,
  s: ResolvedSettings,
  target: AwsTarget,
  active: RefreshRun,
  budget: RetryContext,
): Promise<"adopted" | "again" | "timeout"> {
  const since = active.startTime ? ` since ${active.startTime.toISOString()}` : "";
  switch (s.ifRunning) {
    case "fail":
      throw new Error(
        `${subject(ctx.kind, s)}: refresh run ${active.runId} is already ${active.status}${since}, ` +
          `and ifRunning is "fail"; no refresh was started`,
      );
    case "adopt":
      say(ctx, s, `adopted refresh run ${active.runId}, already ${active.status}${since}`);
      return "adopted";
    case "stop": {
      const stop = await stopRun(target, viewOf(s), budget);
      say(
        ctx,
        s,
        stop === "stopping"
          ? `stopping refresh run ${active.runId} to start a new one`
          : `refresh run ${active.runId} ended before it could be stopped`,
      );
      break;
    }
    case "wait":
      say(
        ctx,
        s,
        `waiting for refresh run ${active.runId}, already ${active.status}${since}, before starting a new one`,
      );
      break;
  }
  const other = await settle(ctx, s, target, active, budget).catch((error: unknown) => {
    if (error instanceof UnknownRunError) return undefined; // gone: nothing left to wait for
    throw error;
  });
  if (!other) return "again";
  if (other.state === "aborted") throw interrupted(ctx, s);
  if (other.state === "timeout") return "timeout";
  say(ctx, s, `refresh run ${active.runId} ended ${other.value.status}`);
  return "again";
}

function recognised(ctx: RefreshContext, s: ResolvedSettings, run: RefreshRun): RefreshRun {
  say(ctx, s, `recognised refresh run ${run.runId}, started by an earlier attempt whose answer was lost`);
  return run;
}

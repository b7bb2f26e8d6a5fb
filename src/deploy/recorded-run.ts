/**
 * The run a resource's state records: picking it up when the last deployment did not see it
 * finish, and reading it back for `pulumi refresh`, where and as whom it was started.
 */
import { getRun, serviceClockOffset, viewOf, VISIBILITY_WINDOW_MS, type AwsTarget } from "../aws/glue";
import { formatDuration } from "../model/progress";
import { say, type RefreshContext } from "./refresh-context";
import type { RetryContext } from "../aws/retry";
import type { RefreshRun } from "../model/run";
import { buildState, runFields, type RefreshState, type ResolvedSettings } from "../model/state";

/** How to go on from a run the last deployment did not see finish. */
export type PickUp =
  | { readonly kind: "follow"; readonly run: RefreshRun }
  | { readonly kind: "ended"; readonly state: RefreshState }
  | { readonly kind: "restart"; readonly reason: string };

/**
 * How to go on from a waited-for run the last deployment did not see finish: follow it again,
 * take its end, or start a new refresh.
 */
export async function pickUp(
  ctx: Pick<RefreshContext, "clock" | "print">,
  s: ResolvedSettings,
  target: AwsTarget,
  olds: RefreshState,
  budget: RetryContext,
): Promise<PickUp> {
  const run = await getRun(target, viewOf(s), olds.runId, budget);
  // The recorded start is on the service's clock, as Glue gave it.
  const startedFor = ctx.clock.now() + serviceClockOffset(target, ctx.clock) - Date.parse(olds.startedAt);
  if (!run && startedFor < VISIBILITY_WINDOW_MS) {
    // Started moments ago: Glue's reads have not caught up with it yet.
    const recorded: RefreshRun = { runId: olds.runId, status: olds.status, startTime: new Date(olds.startedAt) };
    if (!s.waitForCompletion)
      return { kind: "ended", state: buildState(s, runFields(recorded, new Date(olds.startedAt))) };
    say(
      ctx,
      s,
      `waiting for refresh run ${olds.runId}, started ${formatDuration(startedFor)} ago and not yet known to Glue`,
    );
    return { kind: "follow", run: recorded };
  }
  if (!run || run.status === "FAILED" || run.status === "STOPPED") {
    return {
      kind: "restart",
      reason: `refresh run ${olds.runId} ${run ? `ended ${run.status}` : "is unknown to Glue"}`,
    };
  }
  if (run.status === "SUCCEEDED" || !s.waitForCompletion)
    return { kind: "ended", state: buildState(s, runFields(run, new Date(olds.startedAt))) };
  say(ctx, s, `waiting again for refresh run ${run.runId}, still ${run.status}`);
  return { kind: "follow", run };
}

/** The recorded run as Glue has it now (`pulumi refresh`), read where and as whom it was started. */
export async function readBack(
  ctx: Pick<RefreshContext, "targets">,
  props: RefreshState,
  budget: RetryContext,
): Promise<RefreshRun | undefined> {
  const target = await ctx.targets.recordedTarget(props, budget);
  return getRun(target, viewOf(props), props.runId, budget);
}

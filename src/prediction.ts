/**
 * How long a run is expected to take, from runs Glue listed: the view's own newest successful run.
 * Only paces polling (sparse until near the expected end), so a wrong guess costs lateness, never
 * a result. Pure.
 */
import { newest, type RefreshRun } from "./run";

const durationOf = (run: RefreshRun) => run.endTime!.getTime() - run.startTime!.getTime();

/** Runs that succeeded with known start and end, other than `runId`; FULL ones when asked for and any exist. */
function finished(runs: readonly RefreshRun[], runId: string, fullRefresh: boolean): RefreshRun[] {
  const done = runs.filter((r) => r.runId !== runId && r.status === "SUCCEEDED" && r.startTime && r.endTime);
  const full = done.filter((r) => r.refreshType === "FULL");
  return fullRefresh && full.length > 0 ? full : done;
}

/** How long the view's newest successful refresh other than `runId` took, among the view's runs. */
export function fromOwnRuns(runs: readonly RefreshRun[], runId: string, fullRefresh: boolean): number | undefined {
  const last = newest(finished(runs, runId, fullRefresh));
  return last && durationOf(last);
}

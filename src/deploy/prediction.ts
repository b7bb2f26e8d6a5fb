/**
 * How long a run is expected to take, from runs Glue listed: the view's own newest successful run,
 * else, for a view's first refresh, a first guess from the other views of its database. Only paces
 * polling (sparse until near the expected end), so a wrong guess costs lateness, never a result.
 * Pure.
 */
import { newest, type RefreshRun } from "../model/run";

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

/**
 * A first guess for a view with no run of its own: the shortest of the newest successful runs of
 * the database's other views. The shortest, because a guess too long keeps polls sparse past the
 * run's end, while one too short only polls as densely as no guess would once it is passed.
 */
export function fromDatabaseRuns(
  runs: readonly RefreshRun[],
  tableName: string,
  runId: string,
  fullRefresh: boolean,
): number | undefined {
  const byView = new Map<string, RefreshRun[]>();
  for (const run of runs) {
    if (run.tableName === undefined || run.tableName === tableName) continue;
    byView.set(run.tableName, [...(byView.get(run.tableName) ?? []), run]);
  }
  const durations = [...byView.values()]
    .map((viewRuns) => fromOwnRuns(viewRuns, runId, fullRefresh))
    .filter((d) => d !== undefined);
  return durations.length > 0 ? Math.min(...durations) : undefined;
}

/** A run as the service model's MaterializedViewRefreshTaskRun, timestamps in epoch seconds. */
import { runStateAt, type RunRecord } from "../catalog";

/** Emulated compute: DPUs a refresh uses while RUNNING, and bytes it scans per second. */
export const RUN_DPUS = 10;
export const BYTES_PER_SECOND = { FULL: 256 * 1024 * 1024, INCREMENTAL: 16 * 1024 * 1024 } as const;

/** The SDK parses epoch seconds (fractions allowed); ISO strings would break it. */
const epochSeconds = (ms: number): number => ms / 1000;

export function wireRun(run: RunRecord, at: number, accountId: string): Record<string, unknown> {
  const state = runStateAt(run, at);
  const runningSeconds = state.runningMs / 1000;
  return {
    CustomerId: accountId,
    MaterializedViewRefreshTaskRunId: run.runId,
    DatabaseName: run.view.databaseName,
    TableName: run.view.tableName,
    CatalogId: run.view.catalogId,
    Role: `arn:aws:iam::${accountId}:role/service-role/AWSGlueMaterializedViewRefreshRole`,
    Status: state.status,
    CreationTime: epochSeconds(run.createdAt),
    LastUpdated: epochSeconds(state.lastUpdated),
    StartTime: epochSeconds(run.createdAt),
    ...(state.endTime !== undefined ? { EndTime: epochSeconds(state.endTime) } : {}),
    ...(state.errorMessage !== undefined ? { ErrorMessage: state.errorMessage } : {}),
    DPUSeconds: Math.round(runningSeconds * RUN_DPUS * 1000) / 1000,
    // Glue decides FULL or INCREMENTAL when the run leaves STARTING.
    ...(state.runningSince !== undefined ? { RefreshType: run.refreshType } : {}),
    ProcessedBytes: Math.floor(runningSeconds * BYTES_PER_SECOND[run.refreshType]),
  };
}

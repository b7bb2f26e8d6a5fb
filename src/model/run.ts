/**
 * A refresh run as the provider keeps it: where it is in its life and what Glue reported of it.
 * Shared by the AWS calls that read runs, the recorded state and the waits that follow them.
 */

/** Where a refresh run is in its life, as Glue reports it. */
export type RunStatus = "STARTING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "STOPPED";

/** What we keep of a MaterializedViewRefreshTaskRun. */
export interface RefreshRun {
  readonly runId: string;
  readonly status: RunStatus;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly refreshType?: string;
  readonly dpuSeconds?: number;
  readonly processedBytes?: number;
  readonly errorMessage?: string;
  /** The view the run refreshed, as a List of a whole database reports it. */
  readonly tableName?: string;
}

/** Whether a run is still going: STARTING or RUNNING. */
export const isActive = (status: RunStatus): boolean => status === "STARTING" || status === "RUNNING";

const startedAt = (run: RefreshRun) => run.startTime?.getTime() ?? 0;

/** The run that started last. */
export const newest = (runs: readonly RefreshRun[]): RefreshRun | undefined =>
  runs.reduce<RefreshRun | undefined>((a, b) => (!a || startedAt(b) > startedAt(a) ? b : a), undefined);

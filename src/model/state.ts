/**
 * The resource's recorded state (its outputs), and how it is built from settings and a run.
 * Outputs carry every input later steps need, because diff and update receive old outputs only.
 */
import type { IfRunningPolicy, RefreshSettings, AssumeRoleArgs } from "./inputs";
import { compact } from "./json";
import type { RefreshRun, RunStatus } from "./run";

/** The fields of the state that describe the recorded run. */
export interface RunFields {
  readonly runId: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly refreshType?: string;
  readonly endTime?: string;
  readonly dpuSeconds?: number;
  readonly processedBytes?: number;
  readonly errorMessage?: string;
}

export interface RefreshState extends RunFields {
  readonly resourceName: string;
  readonly catalogId: string;
  readonly databaseName: string;
  readonly tableName: string;
  readonly region: string;
  readonly endpoint?: string;
  /** Kept for `pulumi refresh`, which reads with the outputs only; its externalId stays secret in state. */
  readonly assumeRole?: AssumeRoleArgs;
  readonly fullRefresh: boolean;
  readonly triggers: Record<string, unknown>;
  readonly waitForCompletion: boolean;
  readonly timeoutMinutes: number;
  readonly ifRunning: IfRunningPolicy;
  readonly quiet: boolean;
}

/** Settings whose catalog id and region have been looked up. */
export type ResolvedSettings = RefreshSettings & { readonly catalogId: string; readonly region: string };

/** The state's run fields for a run record; `startedAt` falls back to when we started it. */
export function runFields(run: RefreshRun, startedAt: Date): RunFields {
  return {
    runId: run.runId,
    status: run.status,
    startedAt: (run.startTime ?? startedAt).toISOString(),
    refreshType: run.refreshType,
    endTime: run.endTime?.toISOString(),
    dpuSeconds: run.dpuSeconds,
    processedBytes: run.processedBytes,
    errorMessage: run.errorMessage,
  };
}

/** The state for these settings and this run. Absent values are left out: state holds no undefined. */
export function buildState(settings: ResolvedSettings, run: RunFields): RefreshState {
  return compact({
    resourceName: settings.resourceName,
    catalogId: settings.catalogId,
    databaseName: settings.databaseName,
    tableName: settings.tableName,
    region: settings.region,
    endpoint: settings.endpoint,
    assumeRole: settings.assumeRole,
    fullRefresh: settings.fullRefresh,
    triggers: settings.triggers,
    waitForCompletion: settings.waitForCompletion,
    timeoutMinutes: settings.timeoutMinutes,
    ifRunning: settings.ifRunning,
    quiet: settings.quiet,
    ...run,
  });
}

const RUN_FIELD_NAMES: readonly (keyof RunFields)[] = [
  "runId",
  "status",
  "startedAt",
  "refreshType",
  "endTime",
  "dpuSeconds",
  "processedBytes",
  "errorMessage",
];

/** The run fields of a recorded state. */
export function pickRunFields(state: RefreshState): RunFields {
  return compact(Object.fromEntries(RUN_FIELD_NAMES.map((k) => [k, state[k]]))) as unknown as RunFields;
}

/** A recorded state with its run fields replaced by a fresher record of the same run. */
export function withRunFields(state: RefreshState, run: RunFields): RefreshState {
  const settings = Object.fromEntries(
    Object.entries(state).filter(([k]) => !(RUN_FIELD_NAMES as string[]).includes(k)),
  );
  return compact({ ...settings, ...run }) as RefreshState;
}

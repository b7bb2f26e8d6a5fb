/**
 * What a MaterializedViewRefreshGroup's deployment tells: its progress line, and at the end the
 * group's state and, when members failed, the error naming each of them. Pure.
 */
import { RefreshFailedError } from "../model/errors";
import { formatDuration } from "../model/progress";
import type { RefreshRun } from "../model/run";
import type { RefreshState, ResolvedSettings } from "../model/state";

/** The group's recorded state: each member's, as a MaterializedViewRefresh records its own. */
export interface GroupState {
  readonly resourceName: string;
  readonly maxConcurrent?: number;
  /** Each member's state, by member key: its run and the settings it ran with. */
  readonly runs: Readonly<Record<string, RefreshState>>;
}

/** A member as a report names it: its key and view. */
export interface MemberName {
  readonly key: string;
  readonly settings: Pick<ResolvedSettings, "databaseName" | "tableName">;
}

/** How a member's part of a deployment ended: the state it leaves, and why it failed if it did. */
export interface MemberResult {
  readonly state?: RefreshState;
  readonly failed?: string;
}

/** The member still going that started first: what the progress line names as the slowest. */
export interface Slowest {
  readonly member: MemberName;
  readonly run: RefreshRun;
  readonly elapsedMs: number;
}

/** The group's progress line: how many members are where, and the slowest one still going. */
export function progressLine(
  name: string,
  all: readonly MemberName[],
  statuses: ReadonlyMap<string, string>,
  slowest: Slowest | undefined,
): string {
  const count = (...of: string[]) => all.filter((m) => of.includes(statuses.get(m.key) ?? "")).length;
  const counts =
    `${count("waiting", "STARTING")} starting, ${count("RUNNING")} running, ` +
    `${count("SUCCEEDED")} done, ${count("failed")} failed`;
  const oldest = slowest
    ? `; slowest: ${slowest.member.key} (${slowest.member.settings.databaseName}.${slowest.member.settings.tableName}) ` +
      `${slowest.run.status}, ${formatDuration(slowest.elapsedMs)}`
    : "";
  return `${name}: ${all.length} members: ${counts}${oldest}`;
}

/**
 * The group's state after a deployment, from each member's result (a member without state is
 * left out); and, when members failed, the partial-state error with one line per failed member.
 */
export function groupOutcome(
  name: string,
  maxConcurrent: number | undefined,
  all: readonly MemberName[],
  results: readonly MemberResult[],
): { readonly state: GroupState; readonly failure?: RefreshFailedError } {
  const state: GroupState = {
    resourceName: name,
    ...(maxConcurrent !== undefined ? { maxConcurrent } : {}),
    runs: Object.fromEntries(all.flatMap((m, i) => (results[i].state ? [[m.key, results[i].state] as const] : []))),
  };
  const lines = all.flatMap((m, i) => {
    const { databaseName, tableName } = m.settings;
    return results[i].failed === undefined ? [] : [`  ${m.key} (${databaseName}.${tableName}): ${results[i].failed}`];
  });
  if (lines.length === 0) return { state };
  const failure = new RefreshFailedError(
    `MaterializedViewRefreshGroup "${name}": ${lines.length} of ${all.length} members did not refresh:\n` +
      lines.join("\n"),
    name,
    { ...state },
  );
  return { state, failure };
}

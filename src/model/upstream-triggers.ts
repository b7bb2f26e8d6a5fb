/**
 * The triggers a view's sources record: one per source, under `source:<database>.<table>`. For an
 * upstream view it is the upstream's run id, so the view refreshes whenever its upstream did. Pure:
 * the TypeScript resource computes these in the program, the provider plugin in `check`.
 */
import { containsUnknown, UNKNOWN, type UpstreamRun } from "./inputs";

/** The prefix of the trigger keys that record the sources, e.g. `source:sales.orders`. */
export const SOURCE_TRIGGER_PREFIX = "source:";

/** The source triggers for these sources, each `[table, value]`; refuses a table named twice. */
export function sourceTriggers(entries: readonly (readonly [string, string])[]): Record<string, string> {
  const named = new Map<string, string>();
  for (const [table, value] of entries) {
    if (named.has(table)) throw new Error(`sources name ${table} twice`);
    named.set(table, value);
  }
  return Object.fromEntries([...named].map(([table, value]) => [`${SOURCE_TRIGGER_PREFIX}${table}`, value]));
}

/** An upstream view's entry: its table and the run that last refreshed it. */
export const upstreamEntry = (u: Pick<UpstreamRun, "databaseName" | "tableName" | "runId">): [string, string] => [
  `${u.databaseName}.${u.tableName}`,
  u.runId,
];

/**
 * The triggers with the upstreams' runs added, as the program-side `sources` adds them; unknown
 * while any upstream is (in a preview, the upstream's new run).
 */
export function withUpstreamTriggers(
  triggers: Record<string, unknown> | undefined,
  upstreams: readonly UpstreamRun[] | undefined,
): Record<string, unknown> | typeof UNKNOWN | undefined {
  if (upstreams === undefined || upstreams.length === 0) return triggers;
  if (containsUnknown(upstreams) || (triggers as unknown) === UNKNOWN) return UNKNOWN;
  return { ...triggers, ...sourceTriggers(upstreams.map(upstreamEntry)) };
}

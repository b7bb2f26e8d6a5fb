/**
 * A MaterializedViewRefreshGroup's input rules, and each member's settings: the member's own
 * properties, and the group's for those it does not set. Pure functions only.
 */
import {
  RULES,
  validateProperties,
  withDefaults,
  UNKNOWN,
  type InputFailure,
  type PropertySet,
  type RefreshInputs,
  type RefreshSettings,
} from "./inputs";
import type { Rule } from "./rules";

/** What a member may set; the rest comes from the group. */
export const MEMBER_PROPERTIES = [
  "catalogId",
  "databaseName",
  "tableName",
  "region",
  "fullRefresh",
  "triggers",
  "upstreams",
  "ifRunning",
  "timeoutMinutes",
] as const;
/** What the group sets for every member that does not set it itself. */
export const SHARED_PROPERTIES = [
  "waitForCompletion",
  "timeoutMinutes",
  "ifRunning",
  "region",
  "endpoint",
  "assumeRole",
  "quiet",
] as const;

/** A member's inputs, as the provider receives them. */
export type MemberInputs = Pick<RefreshInputs, (typeof MEMBER_PROPERTIES)[number]>;

/** The group's inputs, as the provider receives them. */
export interface GroupInputs extends Pick<RefreshInputs, (typeof SHARED_PROPERTIES)[number]> {
  readonly resourceName?: string;
  /** The members, by key. */
  readonly views: Readonly<Record<string, MemberInputs>>;
  /** Runs of this group in flight at once. */
  readonly maxConcurrent?: number;
}

const pick = <K extends keyof RefreshInputs>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, RULES[key]])) as Record<K, Rule>;

const maxConcurrent: Rule = (v) =>
  typeof v === "number" && Number.isInteger(v) && v >= 1 ? undefined : "must be a whole number of runs, at least 1";

const views: Rule = (v) =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? undefined : "must be a map of member keys to views";

/** The properties of a group's member. */
export const MEMBER_SET: PropertySet<(typeof MEMBER_PROPERTIES)[number]> = {
  of: "a MaterializedViewRefreshGroup member",
  rules: pick(MEMBER_PROPERTIES),
  required: ["databaseName", "tableName"],
  internal: ["upstreams"],
};

/** The properties of a group. */
export const GROUP_SET: PropertySet<keyof GroupInputs> = {
  of: "MaterializedViewRefreshGroup",
  rules: { ...pick(SHARED_PROPERTIES), resourceName: RULES.resourceName, views, maxConcurrent },
  required: ["views"],
  internal: ["resourceName"],
};

/** Checks the group's properties and each member's, naming a member's as `views.<key>.<property>`. */
export function validateGroupInputs(news: Record<string, unknown>): InputFailure[] {
  const failures = validateProperties(news, GROUP_SET);
  // Members not known yet (a preview) are judged at create or update, once they are.
  if (news.views === UNKNOWN || failures.some((f) => f.property === "views")) return failures;
  for (const [key, member] of Object.entries(news.views as Record<string, unknown>)) {
    if (member === UNKNOWN) continue;
    if (typeof member !== "object" || member === null || Array.isArray(member)) {
      failures.push({ property: `views.${key}`, reason: `views.${key} must be a view to refresh` });
      continue;
    }
    failures.push(...validateProperties(member as Record<string, unknown>, MEMBER_SET, `views.${key}.`));
  }
  return failures;
}

/** The member's name in messages: the group's name and the member's key. */
export const memberName = (group: GroupInputs, key: string): string => `${group.resourceName ?? "group"}.${key}`;

/** A member's settings: its own, then the group's, then the defaults. */
export function memberSettings(group: GroupInputs, key: string): RefreshSettings {
  const shared = Object.fromEntries(SHARED_PROPERTIES.map((p) => [p, group[p]]));
  const own = Object.fromEntries(Object.entries(group.views[key]).filter(([, v]) => v !== undefined && v !== null));
  return withDefaults({ ...shared, ...own, resourceName: memberName(group, key) } as RefreshInputs);
}

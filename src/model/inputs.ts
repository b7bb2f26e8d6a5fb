/**
 * Input rules: what `check` accepts, and the defaults every later step applies.
 * Pure functions only; nothing here talks to AWS.
 */
import { readRole, RESOURCE_ROLE_FIELDS } from "./roles";
import { endpointRule, regionRule, shorten, showValue, type Rule } from "./rules";

/** The answers to a refresh already in progress: wait for it, stop it, adopt it, or fail. */
export const IF_RUNNING_POLICIES = ["wait", "stop", "adopt", "fail"] as const;
/** What to do when the view already has a refresh run in progress. */
export type IfRunningPolicy = (typeof IF_RUNNING_POLICIES)[number];

/** The sentinel Pulumi puts in place of values that are not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The longest wait we accept: a week, well past any Glue refresh. */
export const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;

/** A role a refresh assumes after the stack config's `aws:assumeRoles`, e.g. to hop into a target account. */
export interface AssumeRoleArgs {
  /** The role's ARN, e.g. `arn:aws:iam::222222222222:role/deploy`; the default catalog is its account. */
  readonly roleArn: string;
  /**
   * The external id the role's trust policy requires (2-1224 characters); kept secret in state.
   * @default none
   */
  readonly externalId?: string;
  /**
   * The session name CloudTrail shows (2-64 characters of letters, digits and `_+=,.@-`).
   * @default "pulumi-glue-mv-refresh"
   */
  readonly sessionName?: string;
  /**
   * How long each session lasts, 900-43200 seconds (at most 3600 when the stack config assumes a role
   * first: AWS limits chained sessions to an hour); sessions are renewed before they end.
   * @default 3600
   */
  readonly durationSeconds?: number;
}

/** What a downstream refresh needs of an upstream view: the run that last refreshed it. */
export interface UpstreamRun {
  /** The id of the upstream view's last refresh run. */
  readonly runId: string;
  /** That run's status when last seen. */
  readonly status: string;
  /** The upstream view's Data Catalog. */
  readonly catalogId: string;
  /** The upstream view's database. */
  readonly databaseName: string;
  /** The upstream view's name. */
  readonly tableName: string;
  /** The upstream view's region. */
  readonly region: string;
}

/** The resource's inputs as the provider receives them, once Pulumi has resolved them. */
export interface RefreshInputs {
  readonly resourceName?: string;
  readonly catalogId?: string;
  readonly databaseName: string;
  readonly tableName: string;
  readonly fullRefresh?: boolean;
  readonly triggers?: Record<string, unknown>;
  readonly waitForCompletion?: boolean;
  readonly timeoutMinutes?: number;
  readonly ifRunning?: IfRunningPolicy;
  readonly region?: string;
  readonly endpoint?: string;
  readonly assumeRole?: AssumeRoleArgs;
  readonly quiet?: boolean;
  /**
   * The upstream views this view is built on, each the `upstream` output of their refresh: the view
   * refreshes after them, in the same deployment, whenever one of them refreshed.
   * @default none
   */
  readonly upstreams?: readonly UpstreamRun[];
}

/** The inputs with every default applied, except the two that need a lookup (catalog id, region). */
export interface RefreshSettings {
  readonly resourceName: string;
  readonly catalogId?: string;
  readonly databaseName: string;
  readonly tableName: string;
  readonly fullRefresh: boolean;
  readonly triggers: Record<string, unknown>;
  readonly waitForCompletion: boolean;
  readonly timeoutMinutes: number;
  readonly ifRunning: IfRunningPolicy;
  readonly region?: string;
  readonly endpoint?: string;
  readonly assumeRole?: AssumeRoleArgs;
  readonly quiet: boolean;
  readonly upstreams: readonly UpstreamRun[];
}

export const DEFAULTS = {
  fullRefresh: false,
  waitForCompletion: true,
  timeoutMinutes: 60,
  ifRunning: "wait",
  quiet: false,
} as const;

/**
 * The settings for these inputs. A null input is an absent one, as `check` judges it: an Output
 * can resolve to null (a table's unset `catalogId` or `region`, say).
 */
export function withDefaults(given: RefreshInputs): RefreshSettings {
  const inputs = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null)) as RefreshInputs;
  return {
    resourceName: inputs.resourceName ?? `${inputs.databaseName}.${inputs.tableName}`,
    catalogId: inputs.catalogId,
    databaseName: inputs.databaseName,
    tableName: inputs.tableName,
    fullRefresh: inputs.fullRefresh ?? DEFAULTS.fullRefresh,
    triggers: inputs.triggers ?? {},
    waitForCompletion: inputs.waitForCompletion ?? DEFAULTS.waitForCompletion,
    timeoutMinutes: inputs.timeoutMinutes ?? DEFAULTS.timeoutMinutes,
    ifRunning: inputs.ifRunning ?? DEFAULTS.ifRunning,
    region: inputs.region,
    endpoint: inputs.endpoint,
    // A field left out may arrive as null (a secret Output of undefined): absent, as in stack config.
    assumeRole: inputs.assumeRole
      ? (Object.fromEntries(
          Object.entries(inputs.assumeRole).filter(([, v]) => v !== undefined && v !== null && v !== ""),
        ) as unknown as AssumeRoleArgs)
      : undefined,
    quiet: inputs.quiet ?? DEFAULTS.quiet,
    upstreams: inputs.upstreams ?? [],
  };
}

export interface InputFailure {
  readonly property: string;
  readonly reason: string;
}

const NAME_RULE =
  "must be a string of 1-255 characters, none of them a control character U+0000-U+001F other than tab, " +
  "U+FFFE, U+FFFF or an unpaired surrogate";

/** The service's pattern for names: tab, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF. */
function isServiceName(value: unknown): boolean {
  if (typeof value !== "string") return false;
  let length = 0;
  for (const char of value) {
    const code = char.codePointAt(0)!;
    const allowed =
      code === 0x09 || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    if (!allowed) return false;
    length++;
  }
  return length >= 1 && length <= 255;
}

const serviceName: Rule = (v) => (isServiceName(v) ? undefined : NAME_RULE);
const boolean: Rule = (v) => (typeof v === "boolean" ? undefined : "must be true or false");

const timeoutMinutes: Rule = (v) =>
  typeof v === "number" && Number.isFinite(v) && v > 0 && v <= MAX_TIMEOUT_MINUTES
    ? undefined
    : `must be a positive number of minutes, at most ${MAX_TIMEOUT_MINUTES} (7 days)`;

const ifRunning: Rule = (v) =>
  typeof v === "string" && (IF_RUNNING_POLICIES as readonly string[]).includes(v)
    ? undefined
    : `must be one of ${IF_RUNNING_POLICIES.map((p) => `"${p}"`).join(", ")}`;

const triggers: Rule = (v) =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? undefined : "must be a map of JSON values";

const UPSTREAM_FIELDS = ["runId", "status", "catalogId", "databaseName", "tableName", "region"] as const;

// An upstream not known yet (a preview, while the upstream view is still to deploy) passes: it is
// judged at create or update, when it is known. A field not known yet is a string, the sentinel.
const upstreams: Rule = (v) =>
  Array.isArray(v) &&
  v.every(
    (u: unknown) =>
      u === UNKNOWN ||
      (typeof u === "object" &&
        u !== null &&
        UPSTREAM_FIELDS.every((field) => typeof (u as Record<string, unknown>)[field] === "string")),
  )
    ? undefined
    : `must be a list of upstream runs, each with ${UPSTREAM_FIELDS.join(", ")}`;

/** Each input's rule. */
export const RULES: Record<keyof RefreshInputs, Rule> = {
  resourceName: (v) => (typeof v === "string" ? undefined : "must be a string"),
  upstreams,
  catalogId: serviceName,
  databaseName: serviceName,
  tableName: serviceName,
  fullRefresh: boolean,
  triggers,
  waitForCompletion: boolean,
  timeoutMinutes,
  ifRunning,
  region: regionRule,
  endpoint: endpointRule,
  assumeRole: (v) => (readRole(v, "resource").problems.length === 0 ? undefined : "is not a role to assume"),
  quiet: boolean,
};

/** A kind of object `check` judges: its properties' rules, those it requires, and how to name it. */
export interface PropertySet<K extends string> {
  /** How a message names the object: "MaterializedViewRefresh", say. */
  readonly of: string;
  readonly rules: Readonly<Record<K, Rule>>;
  readonly required: readonly K[];
  /** Properties the resource class sets, left out of the list of known properties. */
  readonly internal: readonly K[];
}

/** The inputs of a MaterializedViewRefresh. */
export const REFRESH_PROPERTIES: PropertySet<keyof RefreshInputs> = {
  of: "MaterializedViewRefresh",
  rules: RULES,
  required: ["databaseName", "tableName"],
  internal: ["resourceName", "upstreams"],
};

/** Properties Pulumi itself adds to a dynamic resource's inputs. */
const ENGINE_PROPERTIES = new Set(["__provider"]);

/**
 * Checks every input against its rule. Values not known yet (preview) pass untouched.
 * Never throws: every problem becomes a failure naming the property, the value and the rule.
 */
export function validateInputs(news: Record<string, unknown>): InputFailure[] {
  return validateProperties(news, REFRESH_PROPERTIES);
}

/**
 * Checks an object's properties against a set of rules; `path` prefixes each property's name in
 * failures (`views.daily.` for a group's member).
 */
export function validateProperties<K extends string>(
  news: Record<string, unknown>,
  set: PropertySet<K>,
  path = "",
): InputFailure[] {
  const failures: InputFailure[] = [];
  const fail = (property: string, reason: string) =>
    failures.push({ property: path + property, reason: path + reason });
  for (const property of set.required) {
    if (news[property] === undefined || news[property] === null) {
      fail(property, `${property} is required (${set.rules[property](undefined)})`);
    }
  }
  for (const [property, value] of Object.entries(news)) {
    if (ENGINE_PROPERTIES.has(property) || value === UNKNOWN) continue;
    if (!Object.prototype.hasOwnProperty.call(set.rules, property)) {
      const known = Object.keys(set.rules).filter((p) => !(set.internal as readonly string[]).includes(p));
      fail(property, `${shorten(property)} is not a property of ${set.of} (known: ${known.join(", ")})`);
      continue;
    }
    if (value === undefined || value === null) continue;
    if (property === "assumeRole") {
      // Judged field by field, never showing the external id; the first problem, and how many more.
      let problems;
      try {
        problems = knownRoleProblems(value);
      } catch {
        problems = [{ field: "", reason: "must be an object with roleArn; it could not be read" }];
      }
      if (problems.length > 0) {
        const [{ field, reason }] = problems;
        const more =
          problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
        fail(property, `assumeRole${field ? `.${shorten(field, 40)}` : ""} ${reason}${more}`);
      }
      continue;
    }
    const rule = set.rules[property as K](value);
    const shown = property === "endpoint" ? withoutCredentials(value) : value;
    if (rule !== undefined) fail(property, `${property} ${rule}; got ${showValue(shown)}`);
  }
  return failures;
}

/** A role's problems, but those of fields not known yet (a preview): they are judged once known. */
function knownRoleProblems(value: unknown) {
  const { problems } = readRole(value, "resource");
  const fields = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const unknown = (field: string) =>
    (RESOURCE_ROLE_FIELDS as readonly string[]).includes(field) && containsUnknown(fields[field]);
  return problems.filter((p) => !unknown(p.field));
}

/** A URL with any user name and password masked, so that a refused endpoint never prints them. */
function withoutCredentials(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    const url = new URL(value);
    if (!url.username && !url.password) return value;
    url.username = url.username ? "***" : "";
    url.password = url.password ? "***" : "";
    return url.toString();
  } catch {
    return value;
  }
}

/** True when any part of a value is still unknown (preview). */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

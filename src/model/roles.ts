/**
 * Roles to assume: their shape in stack config (`aws:assumeRoles`, as @pulumi/aws v7 reads it) and
 * in a resource's `assumeRole`, and the limits STS AssumeRole puts on each field. Pure.
 */

/** One role the provider assumes with STS AssumeRole, after those before it in the chain. */
export interface RoleToAssume {
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly externalId?: string;
  readonly durationSeconds?: number;
  readonly policy?: string;
  readonly policyArns?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
  readonly sourceIdentity?: string;
}

/** The session name when none is given: what CloudTrail shows for the provider's calls. */
export const DEFAULT_SESSION_NAME = "pulumi-glue-mv-refresh";

/** A problem with one field, named by its path under the value that was read. */
export interface RoleProblem {
  readonly field: string;
  readonly reason: string;
}

/** Which fields a role object may have: all of @pulumi/aws's in stack config, four on a resource. */
export type RoleFields = "stackConfig" | "resource";

const STACK_FIELDS = [
  "roleArn",
  "sessionName",
  "externalId",
  "duration",
  "durationSeconds",
  "policy",
  "policyArns",
  "tags",
  "transitiveTagKeys",
  "sourceIdentity",
] as const;
/** The fields of a resource's `assumeRole`. */
export const RESOURCE_ROLE_FIELDS = ["roleArn", "externalId", "sessionName", "durationSeconds"] as const;

// Limits from the AWS STS API reference for AssumeRole.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
export const MIN_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 43_200;

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}… (${text.length} characters)` : text;
};

const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * A Go duration ("1h", "90m", "1h30m", "2.5h"), as @pulumi/aws reads `duration`, in seconds; or
 * undefined when the text is not one.
 */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!match) return text === "0" ? 0 : undefined;
  let seconds = 0;
  for (const [, amount, unit] of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    seconds += Number(amount) * GO_UNITS[unit];
  return match[1] === "-" ? -seconds : seconds;
}

/** Reads one role object, returning it and every problem found (never the external id's or policy's value). */
export function readRole(value: unknown, fields: RoleFields): { role?: RoleToAssume; problems: RoleProblem[] } {
  const problems: RoleProblem[] = [];
  const fail = (field: string, reason: string) => problems.push({ field, reason });
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(
      "",
      `must be an object with roleArn${fields === "resource" ? ", and optionally externalId, sessionName, durationSeconds" : ""}; got ${shown(value)}`,
    );
    return { problems };
  }
  const known: readonly string[] = fields === "resource" ? RESOURCE_ROLE_FIELDS : STACK_FIELDS;
  // Absent, null and "" all mean "not set", as they do in Pulumi config.
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && v !== null && v !== "",
  );
  const given = Object.fromEntries(entries);
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) fail(key, `is not a field of a role to assume (known: ${known.join(", ")})`);
  }

  const text = (key: string, pattern: RegExp, rule: string, secret = false): string | undefined => {
    const v = given[key];
    if (v === undefined) return undefined;
    if (typeof v === "string" && pattern.test(v)) return v;
    fail(key, `${rule}; ${secret ? "the value given does not (it is not shown)" : `got ${shown(v)}`}`);
    return undefined;
  };
  const strings = (key: string, max: number): string[] | undefined => {
    const v = given[key];
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.length <= max && v.every((s) => typeof s === "string" && s.length > 0))
      return v as string[];
    fail(key, `must be a list of at most ${max} non-empty strings; got ${shown(v)}`);
    return undefined;
  };

  const roleArn = text("roleArn", ROLE_ARN, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy");
  if (given.roleArn === undefined) fail("roleArn", "is required: the ARN of the role to assume");
  const sessionName = text("sessionName", SESSION_NAME, "must be 2-64 characters of letters, digits and _+=,.@-");
  const externalId = text(
    "externalId",
    EXTERNAL_ID,
    "must be 2-1224 characters of letters, digits and _+=,.@:/-",
    true,
  );
  const sourceIdentity = text("sourceIdentity", SESSION_NAME, "must be 2-64 characters of letters, digits and _+=,.@-");
  const policy = given.policy;
  if (policy !== undefined && (typeof policy !== "string" || !isJsonObject(policy)))
    fail("policy", "must be an IAM policy document as a JSON string (value not shown)");
  const policyArns = strings("policyArns", 10);
  const transitiveTagKeys = strings("transitiveTagKeys", 50);
  const tags = given.tags;
  const tagsOk =
    tags === undefined ||
    (typeof tags === "object" &&
      tags !== null &&
      !Array.isArray(tags) &&
      Object.keys(tags).length <= 50 &&
      Object.values(tags).every((t) => typeof t === "string"));
  if (!tagsOk) fail("tags", `must be a map of at most 50 string values; got ${shown(tags)}`);

  const durationSeconds = readDuration(given, fail);
  if (problems.length > 0 || roleArn === undefined) return { problems };
  const role: RoleToAssume = {
    roleArn,
    ...(sessionName !== undefined ? { sessionName } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(typeof policy === "string" ? { policy } : {}),
    ...(policyArns !== undefined ? { policyArns } : {}),
    ...(tags !== undefined ? { tags: tags as Record<string, string> } : {}),
    ...(transitiveTagKeys !== undefined ? { transitiveTagKeys } : {}),
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  };
  return { role, problems };
}

/** `duration` (a Go duration, @pulumi/aws v7) or `durationSeconds` (older @pulumi/aws docs), not both. */
function readDuration(
  given: Record<string, unknown>,
  fail: (field: string, reason: string) => void,
): number | undefined {
  const { duration, durationSeconds } = given;
  if (duration !== undefined && durationSeconds !== undefined) {
    fail("duration", "and durationSeconds both set the session's length: give one");
    return undefined;
  }
  const range = `between ${MIN_SESSION_SECONDS / 60} minutes and ${MAX_SESSION_SECONDS / 3600} hours`;
  if (duration !== undefined) {
    const seconds = typeof duration === "string" ? parseGoDuration(duration) : undefined;
    if (seconds === undefined || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
      fail("duration", `must be a duration ${range}, such as "1h" or "90m" (units h, m, s); got ${shown(duration)}`);
      return undefined;
    }
    return Math.floor(seconds);
  }
  if (durationSeconds !== undefined) {
    if (
      typeof durationSeconds !== "number" ||
      !Number.isInteger(durationSeconds) ||
      durationSeconds < MIN_SESSION_SECONDS ||
      durationSeconds > MAX_SESSION_SECONDS
    ) {
      fail(
        "durationSeconds",
        `must be a whole number of seconds ${range} (${MIN_SESSION_SECONDS}-${MAX_SESSION_SECONDS}); got ${shown(durationSeconds)}`,
      );
      return undefined;
    }
    return durationSeconds;
  }
  return undefined;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * The `aws:` stack config the provider reads, with the key names and value shapes of @pulumi/aws
 * v7's own config module. The engine hands a dynamic provider every stack config value as a string,
 * structured ones (lists, objects) as JSON text. Pure: nothing here talks to AWS.
 */
import { compact } from "../model/json";
import { readRole, type RoleToAssume } from "../model/roles";
import { endpointRule, regionRule, showValue } from "../model/rules";

/** Static keys, as `aws:accessKey`, `aws:secretKey` and `aws:token` give them. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** What the stack's `aws:` config says about where and as whom to call AWS. */
export interface StackAwsConfig {
  readonly region?: string;
  readonly profile?: string;
  readonly credentials?: StaticCredentials;
  /** Roles assumed in order before any call: `aws:assumeRoles`, or the single `aws:assumeRole`. */
  readonly assumeRoles?: readonly RoleToAssume[];
  readonly allowedAccountIds?: readonly string[];
  readonly forbiddenAccountIds?: readonly string[];
  readonly sharedCredentialsFile?: string;
  readonly sharedConfigFile?: string;
  /** `aws:endpoints`' glue and sts entries. */
  readonly endpoints?: { readonly glue?: string; readonly sts?: string };
  readonly stsRegion?: string;
}

/** Every `aws:` key the provider reads, in the order docs/installation-configuration.md lists them. */
export const STACK_CONFIG_KEYS = [
  "aws:region",
  "aws:profile",
  "aws:accessKey",
  "aws:secretKey",
  "aws:token",
  "aws:sharedCredentialsFiles",
  "aws:sharedConfigFiles",
  "aws:assumeRoles",
  "aws:assumeRole",
  "aws:allowedAccountIds",
  "aws:forbiddenAccountIds",
  "aws:endpoints",
  "aws:stsRegion",
] as const;

/** Keys whose values are secret: a problem with them never shows the value, and schemas mark them secret. */
export const SECRET_KEYS = new Set(["aws:accessKey", "aws:secretKey", "aws:token"]);

/** One problem with the stack config: the key (a path such as `aws:assumeRoles[0].roleArn`) and the rule. */
export interface StackConfigProblem {
  readonly key: string;
  readonly reason: string;
}

/** Stack config the provider cannot use, with every problem named: key, value (unless secret) and rule. */
export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
  constructor(readonly problems: readonly StackConfigProblem[]) {
    super(
      `MaterializedViewRefresh: the stack config cannot be used: ${problems.map((p) => `${p.key} ${p.reason}`).join("; ")}. ` +
        "Nothing was called in AWS",
    );
  }
}

/**
 * Reads the stack config through `get` (the dynamic provider's `config.get`). Throws a
 * StackConfigError naming every problem; empty values count as not set, as they do for @pulumi/aws.
 */
export function readStackConfig(get: (key: string) => unknown): StackAwsConfig {
  const problems: StackConfigProblem[] = [];
  const fail = (key: string, reason: string) => problems.push({ key, reason });
  const raw = (key: string): unknown => {
    const value = get(key);
    return value === "" || value === null ? undefined : value;
  };
  const text = (key: string): string | undefined => {
    const value = raw(key);
    if (value === undefined || typeof value === "string") return value;
    fail(key, `must be a string; got ${SECRET_KEYS.has(key) ? typeof value : showValue(value)}`);
    return undefined;
  };
  /** A structured value: JSON text as the engine sends it, or the value itself. */
  const structured = (key: string, shape: string): unknown => {
    const value = raw(key);
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      // The text may hold an external id or a policy: never show it.
      fail(key, `must be ${shape} (JSON, as \`pulumi config set --path\` writes it); the value is not valid JSON`);
      return undefined;
    }
  };
  const stringList = (key: string, item: (s: string) => boolean, rule: string): string[] | undefined => {
    const value = structured(key, `a list of ${rule}`);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((s) => typeof s === "string" && item(s))) return value as string[];
    fail(key, `must be a list of ${rule}; got ${showValue(value)}`);
    return undefined;
  };

  const region = text("aws:region");
  const regionProblem = region === undefined ? undefined : regionRule(region);
  if (regionProblem) fail("aws:region", `${regionProblem}; got ${showValue(region)}`);
  const stsRegion = text("aws:stsRegion");
  const stsRegionProblem = stsRegion === undefined ? undefined : regionRule(stsRegion);
  if (stsRegionProblem) fail("aws:stsRegion", `${stsRegionProblem}; got ${showValue(stsRegion)}`);
  const profile = text("aws:profile");

  const accessKeyId = text("aws:accessKey");
  const secretAccessKey = text("aws:secretKey");
  const sessionToken = text("aws:token");
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
    fail(
      accessKeyId ? "aws:secretKey" : "aws:accessKey",
      "must be set too: aws:accessKey and aws:secretKey go together",
    );
  if (sessionToken !== undefined && accessKeyId === undefined)
    fail("aws:token", "applies only with aws:accessKey and aws:secretKey");

  const accountIds = (key: string): string[] | undefined => {
    const value = structured(key, "a list of 12-digit AWS account ids");
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      fail(key, `must be a list of 12-digit AWS account ids; got ${showValue(value)}`);
      return undefined;
    }
    const ids = value.map((item, index) => {
      const read = readAccountId(item);
      if (read.problem) fail(`${key}[${index}]`, read.problem);
      return read.id;
    });
    return ids.every((id) => id !== undefined) ? ids : undefined;
  };
  const allowedAccountIds = accountIds("aws:allowedAccountIds");
  const forbiddenAccountIds = accountIds("aws:forbiddenAccountIds");
  if (allowedAccountIds && forbiddenAccountIds)
    fail("aws:allowedAccountIds", "conflicts with aws:forbiddenAccountIds: set one of them, as @pulumi/aws requires");

  const oneFile = (key: string): string | undefined => {
    const files = stringList(key, (s) => s.length > 0, "file paths");
    if (files && files.length > 1)
      fail(key, `lists ${files.length} files; the AWS SDK for JavaScript reads one of each kind, so give one`);
    return files?.[0];
  };
  const sharedCredentialsFile = oneFile("aws:sharedCredentialsFiles");
  const sharedConfigFile = oneFile("aws:sharedConfigFiles");

  const assumeRoles = readRoles(structured, fail);
  const endpoints = readEndpoints(structured("aws:endpoints", "a list of objects of service endpoints"), fail);

  if (problems.length > 0) throw new StackConfigError(problems);
  const credentials =
    accessKeyId && secretAccessKey
      ? { accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) }
      : undefined;
  return compact({
    region,
    profile,
    credentials,
    assumeRoles,
    allowedAccountIds,
    forbiddenAccountIds,
    sharedCredentialsFile,
    sharedConfigFile,
    endpoints,
    stsRegion,
  });
}

/**
 * An AWS account id: 12 digits, as text or as the number `pulumi config set --path` stores (it keeps
 * an id with a leading zero as text, so a number is never short of its zeros).
 */
export function readAccountId(value: unknown): { id?: string; problem?: string } {
  const text = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof text !== "string") return { problem: `must be a 12-digit AWS account id; got ${showValue(value)}` };
  if (/^\d{12}$/.test(text)) return { id: text };
  const digits = /^\d+$/.test(text) ? `${text.length} digits` : "not only digits";
  return { problem: `must be a 12-digit AWS account id; got ${showValue(value)} (${digits})` };
}

/** `aws:assumeRoles` (a list, @pulumi/aws v7) or `aws:assumeRole` (one role, @pulumi/aws v6), not both. */
function readRoles(
  structured: (key: string, shape: string) => unknown,
  fail: (key: string, reason: string) => void,
): RoleToAssume[] | undefined {
  const list = structured("aws:assumeRoles", "a list of roles to assume");
  const single = structured("aws:assumeRole", "a role to assume");
  if (list !== undefined && single !== undefined) {
    fail("aws:assumeRole", "and aws:assumeRoles are both set: keep aws:assumeRoles, which @pulumi/aws v7 reads");
    return undefined;
  }
  if (list === undefined && single === undefined) return undefined;
  const key = list !== undefined ? "aws:assumeRoles" : "aws:assumeRole";
  if (list !== undefined && !Array.isArray(list)) {
    fail(key, `must be a list of roles to assume, each with roleArn; got ${showValue(list)}`);
    return undefined;
  }
  const items = list !== undefined ? (list as unknown[]) : [single];
  const roles: RoleToAssume[] = [];
  items.forEach((item, index) => {
    const at = list !== undefined ? `${key}[${index}]` : key;
    const { role, problems } = readRole(item, "stackConfig");
    for (const p of problems) fail(p.field ? `${at}.${p.field}` : at, p.reason);
    if (role) roles.push(role);
  });
  return roles;
}

/** The glue and sts entries of `aws:endpoints`: a list of objects in @pulumi/aws v7 (one object accepted too). */
function readEndpoints(
  value: unknown,
  fail: (key: string, reason: string) => void,
): { glue?: string; sts?: string } | undefined {
  if (value === undefined) return undefined;
  const blocks = Array.isArray(value) ? (value as unknown[]) : [value];
  const found: { glue?: string; sts?: string } = {};
  for (const [index, block] of blocks.entries()) {
    const at = Array.isArray(value) ? `aws:endpoints[${index}]` : "aws:endpoints";
    if (typeof block !== "object" || block === null || Array.isArray(block)) {
      fail(at, `must be an object of service endpoints such as {"glue": "https://..."}; got ${showValue(block)}`);
      continue;
    }
    for (const service of ["glue", "sts"] as const) {
      const url = (block as Record<string, unknown>)[service];
      if (url === undefined || url === null || url === "") continue;
      const problem = endpointRule(url);
      if (problem) fail(`${at}.${service}`, `${problem}; got ${showValue(url)}`);
      else if (found[service] !== undefined && found[service] !== url)
        fail(`${at}.${service}`, `conflicts with an earlier ${service} endpoint (${found[service]})`);
      else found[service] = url as string;
    }
  }
  return found.glue === undefined && found.sts === undefined ? undefined : found;
}

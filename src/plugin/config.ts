/**
 * The provider plugin's configuration: `glue-mv-refresh:region` and its siblings in stack config, or
 * the inputs of an explicit provider resource. The same settings, shapes and rules as the dynamic
 * provider's `aws:` stack config (aws-config.ts), under the plugin's own names. Pure.
 */
import { readStackConfig, STACK_CONFIG_KEYS, StackConfigError } from "../aws/aws-config";
import { containsUnknown, UNKNOWN, type InputFailure } from "../model/inputs";
import { BUDGET_KEYS, BUDGET_NAMESPACE, readBudget } from "../model/budget";

/** The plugin's name: its package in schemas, its namespace in stack config. */
export const PLUGIN_NAME = "glue-mv-refresh";

/** A service's endpoint, in place of the AWS SDK's for the region. */
export interface PluginEndpoints {
  /** The endpoint of AWS Glue, e.g. `http://127.0.0.1:4566` for a local emulator. */
  readonly glue?: string;
  /** The endpoint of AWS STS. */
  readonly sts?: string;
}

/** A role the provider assumes with STS AssumeRole before any call, after those before it. */
export interface PluginRoleToAssume {
  /** The role's ARN, e.g. `arn:aws:iam::222222222222:role/deploy`. */
  readonly roleArn: string;
  /** The session name CloudTrail shows. */
  readonly sessionName?: string;
  /** The external id the role's trust policy requires. */
  readonly externalId?: string;
  /** How long each session lasts, in seconds (900-43200). */
  readonly durationSeconds?: number;
}

/**
 * Where and as whom the provider calls AWS, for every refresh it serves; a resource's own `region`,
 * `endpoint` and `assumeRole` apply on top. What is not set comes from the AWS SDK's own chain
 * (environment variables, shared config and credentials files, SSO, an instance or task role).
 */
export interface PluginConfig {
  /**
   * The region of the views, unless a resource sets its own.
   * @default the AWS SDK's own chain (AWS_REGION, the profile's region)
   */
  readonly region?: string;
  /** The profile of the shared config and credentials files to use. */
  readonly profile?: string;
  /** An access key id; use a secret. Goes with `secretKey`. */
  readonly accessKey?: string;
  /** The secret access key of `accessKey`; use a secret. */
  readonly secretKey?: string;
  /** The session token of temporary keys; use a secret. */
  readonly token?: string;
  /** The shared credentials file to read, as a list of one path. */
  readonly sharedCredentialsFiles?: readonly string[];
  /** The shared config file to read, as a list of one path. */
  readonly sharedConfigFiles?: readonly string[];
  /** Roles assumed in order before any call, e.g. to reach a deployment account. */
  readonly assumeRoles?: readonly PluginRoleToAssume[];
  /** The only AWS account ids the provider may act in; any other fails before a Glue call. */
  readonly allowedAccountIds?: readonly string[];
  /** AWS account ids the provider must not act in. */
  readonly forbiddenAccountIds?: readonly string[];
  /** Endpoints for Glue and STS in place of the AWS SDK's, as a list of one object. */
  readonly endpoints?: readonly PluginEndpoints[];
  /** The region of STS calls, when it differs from the views' region. */
  readonly stsRegion?: string;
  /**
   * The most the refreshes a deployment would start may be expected to cost, in USD: preview and
   * update fail before any Start when their forecasts add up to more, naming the views and figures.
   * @default none: no limit
   */
  readonly maxCostUsd?: number;
  /**
   * The most DPU-hours the refreshes a deployment would start may be expected to use, as `maxCostUsd`.
   * @default none: no limit
   */
  readonly maxDpuHours?: number;
  /**
   * The price of a DPU-hour in USD that forecasts are costed at.
   * @default Glue's published price for the region (0.44 in us-east-1)
   */
  readonly dpuHourPriceUsd?: number;
}

/** The plugin's configuration keys, those of the `aws:` config the dynamic provider reads. */
export const PLUGIN_CONFIG_KEYS = [
  ...STACK_CONFIG_KEYS.filter((key) => key !== "aws:assumeRole").map((key) => key.slice("aws:".length)),
  ...BUDGET_KEYS,
] as (keyof PluginConfig)[];

/** Keys the engine adds to every provider's inputs, which are not configuration. */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL"]);

/**
 * The configuration as the dynamic provider's config reader asks for it: `aws:region` is the
 * plugin's `region`. `values` are keyed by the plain name (`region`); null and "" are unset.
 */
export function awsConfigGetter(values: Readonly<Record<string, unknown>>): (key: string) => unknown {
  const budget = new Set<string>(BUDGET_KEYS.map((k) => `${BUDGET_NAMESPACE}:${k}`));
  return (key) =>
    (key.startsWith("aws:") && key !== "aws:assumeRole") || budget.has(key)
      ? values[key.slice(key.indexOf(":") + 1)]
      : undefined;
}

/** `aws:region` and the other config keys the dynamic provider reads, but not an ARN's `arn:aws:iam`. */
const CONFIG_KEY_NAMES = new RegExp(`\\baws:(${STACK_CONFIG_KEYS.map((k) => k.slice(4)).join("|")})\\b`, "g");

/** Whether a provider of this name is the engine's default one, configured by stack config (`default_0_1_0`). */
const isDefaultProvider = (name: string | undefined): boolean => name === undefined || /^default(_|$)/.test(name);

/**
 * Rewrites the dynamic provider's config names in a message or description into the plugin's: for
 * any provider (the schema's descriptions), its configuration `glue-mv-refresh:region`; for the
 * default provider, the stack config `glue-mv-refresh:region` its user set; for a provider resource
 * named `provider`, its own argument (`the region argument of provider "east"`).
 */
export function inPluginTerms(text: string, provider?: string): string {
  const keys = text.replace(CONFIG_KEY_NAMES, `${PLUGIN_NAME}:$1`);
  if (provider === undefined) return keys.replace(/\bstack config\b/g, "provider configuration");
  if (isDefaultProvider(provider)) return keys;
  const named = `provider "${provider}"`;
  return text
    .replace(/ \(pulumi config set aws:\w+[^)]*\)/g, "")
    .replace(new RegExp(`the stack config ${CONFIG_KEY_NAMES.source}`, "g"), `the $1 argument of ${named}`)
    .replace(/\bthe stack config\b/g, `the arguments of ${named}`)
    .replace(CONFIG_KEY_NAMES, "$1");
}

/** The value at a problem's key (`aws:assumeRoles[0].roleArn`) in the plugin's configuration; UNKNOWN inside what is not known. */
function valueAt(values: Readonly<Record<string, unknown>>, key: string): unknown {
  let value: unknown = values;
  for (const part of key.slice("aws:".length).match(/[^.[\]]+/g) ?? []) {
    if (value === UNKNOWN) return UNKNOWN;
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/**
 * The problems with a configuration, each naming the key, the value (unless secret) and the rule:
 * a key the plugin does not know, then whatever the `aws:` rules refuse. A value not known yet (a
 * preview, with an explicit provider's argument from another resource) is not judged, nor a rule
 * that names it: the engine configures no provider until every value is known.
 */
export function checkPluginConfig(values: Readonly<Record<string, unknown>>, provider?: string): InputFailure[] {
  const failures: InputFailure[] = [];
  for (const key of Object.keys(values)) {
    if (ENGINE_KEYS.has(key) || (PLUGIN_CONFIG_KEYS as string[]).includes(key)) continue;
    failures.push({
      property: key,
      reason: isDefaultProvider(provider)
        ? `${PLUGIN_NAME}:${key} is not a setting of the ${PLUGIN_NAME} provider (known: ${PLUGIN_CONFIG_KEYS.join(", ")})`
        : `${key} is not an argument of the ${PLUGIN_NAME} provider (known: ${PLUGIN_CONFIG_KEYS.join(", ")})`,
    });
  }
  for (const p of readBudget((key) => values[key]).problems)
    if (!containsUnknown(values[p.key]))
      failures.push({
        property: p.key,
        reason: isDefaultProvider(provider) ? `${PLUGIN_NAME}:${p.key} ${p.reason}` : `${p.key} ${p.reason}`,
      });
  try {
    readStackConfig(awsConfigGetter(values));
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    const unknown = (key: string) => containsUnknown(valueAt(values, key));
    const known = error.problems.filter(
      (p) => !unknown(p.key) && ![...p.reason.matchAll(CONFIG_KEY_NAMES)].some(([key]) => unknown(key)),
    );
    if (known.length > 0)
      failures.push({ property: "", reason: inPluginTerms(new StackConfigError(known).message, provider) });
  }
  return failures;
}

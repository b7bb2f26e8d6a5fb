/**
 * Errors as the user sees them: one line per AWS failure that names what failed and what to do
 * about it, and the partial-state error that keeps a failed refresh's run id in the stack so the
 * next deployment tries again.
 */
import { unknownRegionHint } from "./regions";

/** The IAM action each operation needs, for AccessDenied messages. */
const IAM_ACTIONS: Record<string, string> = {
  StartMaterializedViewRefreshTaskRun: "glue:StartMaterializedViewRefreshTaskRun",
  GetMaterializedViewRefreshTaskRun: "glue:GetMaterializedViewRefreshTaskRun",
  ListMaterializedViewRefreshTaskRuns: "glue:ListMaterializedViewRefreshTaskRuns",
  StopMaterializedViewRefreshTaskRun: "glue:StopMaterializedViewRefreshTaskRun",
  GetCallerIdentity: "sts:GetCallerIdentity",
  AssumeRole: "sts:AssumeRole",
};

/** Where a call went and as whom, as far as a message may tell (never a secret). */
export interface CallContext {
  readonly region?: string;
  /** The resource's endpoint input, when set. */
  readonly endpoint?: string;
  /** The stack config's aws:profile, when set. */
  readonly profile?: string;
  /** Whether the stack config's aws:accessKey and aws:secretKey sign the calls. */
  readonly staticKeys?: boolean;
  /** The ARN of the role whose credentials sign the calls, when roles are assumed. */
  readonly assumedRole?: string;
  /** The view the call was about. */
  readonly view?: { readonly catalogId?: string; readonly databaseName: string; readonly tableName: string };
}

/** An AWS call that failed, described on one line: what failed, AWS's own words, what to do. */
export class AwsCallError extends Error {
  override readonly name = "AwsCallError";
  constructor(
    /** Operation, subject, error name, message and request id. */
    readonly summary: string,
    /** The AWS error name, e.g. `ThrottlingException`, or the network error code. */
    readonly errorName: string,
    readonly operation: string,
    readonly requestId: string | undefined,
    readonly httpStatus: number | undefined,
    /** What to check or change, when the error says. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(summary + (hint ? `. ${hint}` : ""), options);
  }

  /** The same error, saying how many attempts were made and for how long before giving up. */
  afterAttempts(description: string): AwsCallError {
    return new AwsCallError(
      `${this.summary}; ${description}`,
      this.errorName,
      this.operation,
      this.requestId,
      this.httpStatus,
      this.hint,
      { cause: this.cause },
    );
  }
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  hostname?: string;
  address?: string;
  port?: number;
  $metadata?: { requestId?: string; httpStatusCode?: number };
}

/** Collapses whitespace so a message stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Wraps whatever the SDK threw into an AwsCallError, naming the operation and the subject. */
export function describeAwsError(
  operation: string,
  subject: string,
  error: unknown,
  context: CallContext = {},
  env: NodeJS.ProcessEnv = process.env,
): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  const errorName = e.code && (!e.name || e.name === "Error") ? e.code : (e.name ?? "Error");
  const requestId = e.$metadata?.requestId;
  const summary =
    `${operation} for ${subject} failed: ${errorName}: ${oneLine(e.message ?? "") || "(no message)"}` +
    (requestId ? ` (request id ${requestId})` : "");
  const hint = hintFor(operation, errorName, e, context, env);
  return new AwsCallError(summary, errorName, operation, requestId, e.$metadata?.httpStatusCode, hint, {
    cause: error,
  });
}

const REGION_SOURCES = "the resource's region, the stack config aws:region, or AWS_REGION";

/** What the user should check or change for this error, when we know. */
function hintFor(
  operation: string,
  errorName: string,
  e: SdkErrorShape,
  context: CallContext,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (errorName.includes("AccessDenied")) {
    const action = IAM_ACTIONS[operation] ?? `the ${operation} permission`;
    if (action === "sts:AssumeRole") {
      return (
        "The caller needs IAM permission sts:AssumeRole on the role, and the role's trust policy must allow " +
        "the caller (with the externalId it requires)"
      );
    }
    return (
      `The caller needs IAM permission ${action}: grant it to the identity that runs pulumi up ` +
      "(refreshPolicy() returns the policy)" +
      (action.startsWith("glue:")
        ? "; Lake Formation grants on the view and its source tables may also be the cause"
        : "")
    );
  }
  switch (errorName) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ECONNREFUSED":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return unreachableHint(errorName, e, context);
    case "CredentialsProviderError":
      return noCredentialsHint(context, env);
    case "UnrecognizedClientException":
    case "InvalidClientTokenId":
      return `AWS does not recognise the access key id of ${credentialSource(context, env)}: check that it is a current key of the intended account`;
    case "InvalidSignatureException":
    case "SignatureDoesNotMatch":
    case "IncompleteSignature":
    case "IncompleteSignatureException":
      return /expired|skew|future/i.test(e.message ?? "")
        ? "Check this machine's clock: AWS refuses requests signed more than 5 minutes off its time"
        : `The secret access key does not belong to the access key id of ${credentialSource(context, env)}: check the pair`;
    case "ExpiredToken":
    case "ExpiredTokenException":
      return `The session token of ${credentialSource(context, env)} has expired: renew the temporary credentials (aws sso login, or assume the role again) and run pulumi up again`;
    case "EntityNotFoundException": {
      const view = context.view;
      if (!view || operation === "GetMaterializedViewRefreshTaskRun") return undefined;
      const where = `${view.catalogId ? ` in catalog ${view.catalogId}` : ""}${context.region ? ` in region ${context.region}` : ""}`;
      return (
        `Glue has no table ${view.databaseName}.${view.tableName}${where}: check databaseName and tableName, ` +
        `catalogId, and the region (${REGION_SOURCES})`
      );
    }
    case "InvalidInputException":
      if (operation !== "StartMaterializedViewRefreshTaskRun" || !context.view) return undefined;
      return (
        `Glue refreshes only materialized views: check that ${context.view.databaseName}.${context.view.tableName} ` +
        "is one (created with CREATE MATERIALIZED VIEW), not a table or a plain view"
      );
    default:
      return undefined;
  }
}

/** The host a network error was about, with its port when it names one. */
function hostOf(e: SdkErrorShape): string | undefined {
  if (e.hostname) return e.hostname;
  if (e.address) return e.port ? `${e.address}:${e.port}` : e.address;
  return undefined;
}

function unreachableHint(code: string, e: SdkErrorShape, context: CallContext): string {
  const host = hostOf(e) ?? "the endpoint";
  const region = context.region ? ` (region ${context.region})` : "";
  const what =
    code === "ENOTFOUND"
      ? `The host ${host}${region} does not resolve`
      : code === "EAI_AGAIN"
        ? `DNS did not answer for the host ${host}${region}`
        : code === "ECONNREFUSED"
          ? `Nothing accepts connections at ${host}${region}`
          : `No network route to ${host}${region}`;
  const unknown = context.region ? unknownRegionHint(context.region) : undefined;
  const check = context.endpoint
    ? `check the resource's endpoint (${context.endpoint}) and that the service there is running`
    : unknown
      ? `check ${REGION_SOURCES}`
      : "check this machine's network, DNS and proxy settings (HTTPS_PROXY) for access to AWS";
  return `${what}${unknown ? `. ${unknown}` : ""}: ${check}`;
}

/** Where the SDK was told to take credentials from, as the user set it. */
function credentialSource(context: CallContext, env: NodeJS.ProcessEnv): string {
  if (context.assumedRole) return `the role ${context.assumedRole}, as assumed`;
  if (context.staticKeys) return "the stack config aws:accessKey and aws:secretKey";
  if (env.AWS_ACCESS_KEY_ID) return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  if (context.profile) return `the profile "${context.profile}" (stack config aws:profile)`;
  if (env.AWS_PROFILE) return `the profile "${env.AWS_PROFILE}" (AWS_PROFILE)`;
  return "the credentials the AWS SDK found";
}

function noCredentialsHint(context: CallContext, env: NodeJS.ProcessEnv): string {
  const profile = context.profile
    ? `"${context.profile}" (stack config aws:profile)`
    : env.AWS_PROFILE
      ? `"${env.AWS_PROFILE}" (AWS_PROFILE)`
      : undefined;
  if (profile) {
    return `The profile ${profile} gave no credentials: check it in ~/.aws/config and ~/.aws/credentials, or sign in again (aws sso login --profile ${context.profile ?? env.AWS_PROFILE})`;
  }
  return (
    "No AWS credentials found: set AWS_PROFILE or the stack config aws:profile, or AWS_ACCESS_KEY_ID and " +
    "AWS_SECRET_ACCESS_KEY, or the stack config aws:accessKey and aws:secretKey (as secrets), or run where " +
    "an IAM role is provided (OIDC in CI, an instance or task role)"
  );
}

/** Whether AWS refused a call because its credentials had expired. */
export function isExpiredCredentials(error: unknown): boolean {
  return (
    error instanceof AwsCallError && (error.errorName === "ExpiredTokenException" || error.errorName === "ExpiredToken")
  );
}

/**
 * A failure after the resource already exists in Glue's eyes (a run was started or adopted).
 * The dynamic provider host turns an error with `id` into a partial-state result, so the engine
 * records `properties` (run id included) and the next deployment retries.
 */
export class RefreshFailedError extends Error {
  override readonly name = "RefreshFailedError";
  readonly reasons: string[];
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
  ) {
    super(message);
    this.reasons = [message];
  }
}

/**
 * Partial state must carry the serialized provider like any other state: the provider host loads
 * the provider from the recorded properties for a later refresh or delete.
 */
export async function keepingProvider<T>(inputs: object, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const provider = (inputs as Record<string, unknown>).__provider;
    if (!(error instanceof RefreshFailedError) || provider === undefined) throw error;
    throw new RefreshFailedError(error.message, error.id, { ...error.properties, __provider: provider });
  }
}

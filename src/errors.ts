/**
 * Errors as the user sees them: one line per AWS failure, and the partial-state error that keeps a
 * failed refresh's run id in the stack so the next deployment tries again.
 */

/** The IAM action each operation needs, for AccessDenied messages. */
const IAM_ACTIONS: Record<string, string> = {
  StartMaterializedViewRefreshTaskRun: "glue:StartMaterializedViewRefreshTaskRun",
  GetMaterializedViewRefreshTaskRun: "glue:GetMaterializedViewRefreshTaskRun",
  ListMaterializedViewRefreshTaskRuns: "glue:ListMaterializedViewRefreshTaskRuns",
  StopMaterializedViewRefreshTaskRun: "glue:StopMaterializedViewRefreshTaskRun",
  GetCallerIdentity: "sts:GetCallerIdentity",
  AssumeRole: "sts:AssumeRole",
};

/** An AWS call that failed, described on one line: operation, view, error name, message, request id. */
export class AwsCallError extends Error {
  override readonly name = "AwsCallError";
  constructor(
    message: string,
    /** The AWS error name, e.g. `ThrottlingException`, or the network error code. */
    readonly errorName: string,
    readonly operation: string,
    readonly requestId: string | undefined,
    readonly httpStatus: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { requestId?: string; httpStatusCode?: number };
}

/** Collapses whitespace so a message stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Wraps whatever the SDK threw into an AwsCallError, naming the operation and the subject. */
export function describeAwsError(operation: string, subject: string, error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  const errorName = e.code && (!e.name || e.name === "Error") ? e.code : (e.name ?? "Error");
  const requestId = e.$metadata?.requestId;
  let message =
    `${operation} for ${subject} failed: ${errorName}: ${oneLine(e.message ?? "") || "(no message)"}` +
    ` (request id ${requestId ?? "none"})`;
  if (errorName.includes("AccessDenied")) {
    const action = IAM_ACTIONS[operation] ?? `the ${operation} permission`;
    message +=
      `. The caller needs IAM permission ${action}` +
      (action.startsWith("glue:")
        ? "; Lake Formation grants on the view and its source tables may also be the cause"
        : action === "sts:AssumeRole"
          ? " on the role, and the role's trust policy must allow the caller (with the externalId it requires)"
          : "");
  }
  return new AwsCallError(message, errorName, operation, requestId, e.$metadata?.httpStatusCode, { cause: error });
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

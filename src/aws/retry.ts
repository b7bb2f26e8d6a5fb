/**
 * Retrying AWS calls until the resource's deadline instead of the SDK's three attempts: which
 * failures deserve another attempt (smithy's classification plus Glue's own transient errors),
 * full-jitter backoff on injected time, never sleeping past the deadline. An endpoint that cannot
 * be reached at all gets a few attempts, not an hour: a typo in a region or an endpoint must fail
 * the deployment in seconds.
 */
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { AwsCallError } from "../model/errors";
import type { Clock } from "../model/wait";

/** Glue's modeled errors that mean "not now" rather than "never". */
const GLUE_TRANSIENT = new Set([
  "ThrottlingException",
  "OperationTimeoutException",
  "ResourceNumberLimitExceededException",
  "InternalServiceException",
  "ServiceUnavailableException",
]);

/**
 * Failures that say the request never reached the service, so it cannot have taken effect, and
 * that the endpoint cannot be reached: a name that does not resolve, a refused connection, no
 * route. Smithy counts them transient, and a blip deserves another try, but not until the timeout.
 */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * How long an unreachable endpoint (or a request signed with a clock too far off, which the SDK
 * corrects once) is retried: at most this many attempts, none started past the window that began
 * with the first of them.
 */
export const FEW_ATTEMPTS = { attempts: 3, windowMs: 20_000 } as const;

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
}

/** The SDK's own error behind one of ours. */
function sdkError(error: unknown): ErrorShape {
  const inner = error instanceof AwsCallError ? error.cause : error;
  return typeof inner === "object" && inner !== null ? inner : {};
}

/** Whether another attempt may succeed. Validation, missing entities and denials never do. */
export function isRetryable(error: unknown): boolean {
  const e = sdkError(error);
  if (GLUE_TRANSIENT.has(e.name ?? "")) return true;
  const classified = e as Parameters<typeof isTransientError>[0];
  return isThrottlingError(classified) || isTransientError(classified) || isServerError(classified);
}

/**
 * Whether a failed request may still have done its work: it was sent, and no answer says it was
 * refused (a dropped connection, a timeout, a 5xx, Glue's OperationTimeout).
 */
export function mayHaveTakenEffect(error: unknown): boolean {
  const e = sdkError(error);
  if (!isRetryable(error)) return false;
  if (e.name === "ResourceNumberLimitExceededException") return false;
  if (isThrottlingError(e as Parameters<typeof isThrottlingError>[0]) || e.name === "ThrottlingException") return false;
  return !UNREACHABLE.has(e.code ?? "");
}

/**
 * Whether another attempt is worth only a few tries: the endpoint cannot be reached, or the
 * signature was refused as signed too far from AWS's time (clock skew, which the SDK corrects on
 * the next attempt), or an error is retried only because the SDK just corrected its clock with it.
 * The SDK marks an error so whenever its measure of the skew changes while the skew is 4 minutes
 * or more, which at whole-second Date headers is often: an AccessDenied must not then be retried
 * until the timeout.
 */
export function deservesFewAttempts(error: unknown): boolean {
  const e = sdkError(error);
  if (UNREACHABLE.has(e.code ?? "")) return true;
  if (/^Signature (expired|not yet current)/i.test(e.message ?? "")) return true;
  if (!e.$metadata?.clockSkewCorrected) return false;
  return !isRetryable({ ...e, $metadata: { ...e.$metadata, clockSkewCorrected: false } });
}

/** Backoff bounds: the SDK's own for throttling (1 s base, 20 s cap). */
export const BACKOFF = { baseMs: 1_000, maxMs: 20_000 } as const;

/** Full jitter: a random pause up to min(cap, base x 2^(attempt-1)). */
export function backoffDelay(attempt: number, random: () => number): number {
  return Math.round(random() * Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** (attempt - 1)));
}

export interface RetryContext {
  /** Epoch milliseconds after which no attempt starts. */
  readonly deadline: number;
  readonly clock: Clock;
  readonly random: () => number;
  /** Stops retrying when the provider host is told to stop. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `attempt` until it succeeds, fails for good, the deadline passes, or the signal aborts.
 * The error that ends it is the last one, saying how many attempts were made when it gave up.
 */
export async function retrying<T>(attempt: (n: number) => Promise<T>, context: RetryContext): Promise<T> {
  const { clock, deadline, signal } = context;
  const began = clock.now();
  let few = 0;
  let fewSince = 0;
  for (let n = 1; ; n++) {
    const attemptStart = clock.now();
    try {
      return await attempt(n);
    } catch (error) {
      if (!isRetryable(error) || signal?.aborted) throw error;
      if (deservesFewAttempts(error)) {
        if (few++ === 0) fewSince = attemptStart;
        if (few >= FEW_ATTEMPTS.attempts || clock.now() - fewSince >= FEW_ATTEMPTS.windowMs)
          throw gaveUp(error, n, `tried ${n} times in ${seconds(clock.now() - began)}`);
      } else {
        few = 0;
      }
      const remaining = deadline - clock.now();
      if (remaining <= 0) throw gaveUp(error, n, `gave up after ${n} attempts at the timeout (timeoutMinutes)`);
      await clock.sleep(Math.min(backoffDelay(n, context.random), remaining), signal);
      if (signal?.aborted) throw error;
    }
  }
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

function gaveUp(error: unknown, attempts: number, description: string): unknown {
  if (!(error instanceof AwsCallError) || attempts === 1) return error;
  return error.afterAttempts(description);
}

/**
 * One request, from its bytes to its answer: protocol, authentication, routing, input, faults,
 * the operation itself. Returns the answer (or none, for a dropped connection) and its log entry;
 * the HTTP server only moves bytes.
 */
import type { Catalog, ViewRef } from "./catalog";
import type { EmulatedClock } from "./clock";
import { ServiceError, type CommonErrorKind } from "./errors";
import type { FaultError, FaultInjector } from "./faults";
import type { Identities } from "./identities";
import { findOperation } from "./operations";
import type { OperationContext } from "./operations/operation";
import { awsJsonProtocol } from "./protocols/aws-json";
import { awsQueryProtocol, isQueryRequest } from "./protocols/aws-query";
import { header, type Headers, type Protocol, type Rendered } from "./protocols/protocol";
import { checkAuthorization, parseAuthorization, type SignedRequest } from "./sigv4";
import type { RequestLogEntry } from "./types";

export interface DispatchState {
  readonly catalog: Catalog;
  readonly clock: EmulatedClock;
  readonly faults: FaultInjector;
  /** The keys, roles and temporary credentials: whose signatures are verified, and as whom a request acts. */
  readonly identities: Identities;
  /** The views faults deny, resolved. */
  deniedViews(): readonly ViewRef[];
}

export interface Outcome {
  /** The answer to write, or undefined to destroy the connection without one. */
  readonly answer?: Rendered;
  readonly entry: RequestLogEntry;
}

/** Identifies a request before it is processed: its protocol and what the log says of it. */
export interface RequestIdentity {
  readonly requestId: string;
  /** Real epoch ms of arrival. */
  readonly time: number;
}

export const protocolFor = (headers: Headers): Protocol =>
  isQueryRequest(headers) ? awsQueryProtocol : awsJsonProtocol;

/** The access key named in the Authorization header, for the log, even when the header is otherwise broken. */
function accessKeyIdOf(headers: Headers): string | undefined {
  const authorization = header(headers, "authorization");
  if (!authorization) return undefined;
  const parsed = parseAuthorization(authorization);
  return "problem" in parsed ? /Credential=([^/,\s]+)/.exec(authorization)?.[1] : parsed.accessKeyId;
}

function baseEntry(headers: Headers, identity: RequestIdentity, operation: string, input: unknown): RequestLogEntry {
  const attempt = header(headers, "amz-sdk-request");
  const accessKeyId = accessKeyIdOf(headers);
  return {
    time: identity.time,
    operation,
    requestId: identity.requestId,
    input,
    status: 0,
    ...(attempt !== undefined ? { attempt } : {}),
    ...(accessKeyId !== undefined ? { accessKeyId } : {}),
  };
}

function errorOutcome(protocol: Protocol, error: ServiceError, entry: RequestLogEntry): Outcome {
  const answer = protocol.renderError(error, entry.requestId);
  return {
    answer,
    entry: {
      ...entry,
      status: answer.status,
      errorType: error.code,
      ...(error.fault !== undefined ? { fault: error.fault } : {}),
    },
  };
}

const commonError = (protocol: Protocol, kind: CommonErrorKind, message: string, fault?: string): ServiceError => {
  const { code, status } = protocol.errors[kind];
  return new ServiceError(code, message, status, fault);
};

const FAULT_MESSAGES: Readonly<Record<FaultError, string>> = {
  throttling: "Rate exceeded",
  internalError: "An internal service error occurred (emulated)",
  serviceUnavailable: "The service is unavailable; try again later (emulated)",
  operationTimeout: "The operation timed out (emulated)",
};

/** The answer to a request whose body was refused unread for its size. */
export function tooLarge(headers: Headers, identity: RequestIdentity, limitBytes: number): Outcome {
  const protocol = protocolFor(headers);
  const entry = baseEntry(headers, identity, protocol.operationOf(headers), undefined);
  return errorOutcome(
    protocol,
    commonError(protocol, "requestTooLarge", `Request body exceeds the limit of ${limitBytes} bytes`),
    entry,
  );
}

export async function dispatch(
  request: SignedRequest,
  identity: RequestIdentity,
  state: DispatchState,
): Promise<Outcome> {
  const protocol = protocolFor(request.headers);
  const operationName = protocol.operationOf(request.headers, request.body);
  const input = protocol.parseInput(request.body);
  let entry = baseEntry(request.headers, identity, operationName, input.ok ? input.value : input.raw);
  const fail = (error: ServiceError) => errorOutcome(protocol, error, entry);

  const auth = await checkAuthorization(request, protocol.service, state.identities.secrets, state.clock.wallNow());
  if (!auth.ok) return fail(commonError(protocol, auth.kind, auth.message));
  const now = state.clock.now();
  entry = { ...entry, emulatedTime: now };
  const authenticated = state.identities.authenticate(
    auth.accessKeyId,
    header(request.headers, "x-amz-security-token"),
    now,
  );
  if (!authenticated.ok) return fail(commonError(protocol, authenticated.kind, authenticated.message));
  const { caller } = authenticated;

  const operation = request.method === "POST" ? findOperation(protocol.service, operationName) : undefined;
  if (!operation) {
    const what = request.method === "POST" ? `operation ${JSON.stringify(operationName)}` : `method ${request.method}`;
    return fail(commonError(protocol, "unknownOperation", `The emulator does not know ${what}`));
  }
  if (!input.ok) return fail(commonError(protocol, "serialization", input.message));

  const fault = state.faults.beforeProcessing(operation.name, { canTimeOut: protocol.service === "glue" });
  if (fault?.kind === "drop") return { entry: { ...entry, fault: fault.fault } };
  if (fault?.kind === "error") {
    const message = FAULT_MESSAGES[fault.error];
    return fail(
      fault.error === "operationTimeout"
        ? new ServiceError("OperationTimeoutException", message, 400, fault.fault)
        : commonError(protocol, fault.error, message, fault.fault),
    );
  }

  const context: OperationContext = {
    catalog: state.catalog,
    now,
    readAt: now - state.faults.consistencyLagMs(),
    accountId: caller.accountId,
    region: auth.region,
    accessKeyId: auth.accessKeyId,
    caller,
    identities: state.identities,
    ...(state.faults.current.maxConcurrentRuns !== undefined
      ? { maxConcurrentRuns: state.faults.current.maxConcurrentRuns }
      : {}),
    deniedViews: state.deniedViews(),
    accessDenied: (view) =>
      new ServiceError(
        "AccessDeniedException",
        `User: ${caller.arn} is not authorized to perform: glue:${operation.name} ` +
          `on resource: arn:aws:glue:${auth.region}:${view.catalogId}:table/${view.databaseName}/${view.tableName} ` +
          `because no ${view.catalogId === caller.accountId ? "identity-based" : "resource-based"} policy allows ` +
          `the glue:${operation.name} action`,
        400,
        "accessDenied",
      ),
  };
  let processed: Outcome;
  try {
    const output = operation.handle(input.value, context);
    const answer = protocol.renderOutput(operation.name, output, entry.requestId);
    processed = { answer, entry: { ...entry, status: answer.status } };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    processed = fail(error);
  }

  const after = state.faults.afterProcessing(operation.name);
  if (after === "dropAfterProcessingRatio") return { entry: { ...entry, fault: after } };
  if (after === "serverErrorAfterProcessingRatio")
    return fail(commonError(protocol, "internalError", FAULT_MESSAGES.internalError, after));
  return processed;
}

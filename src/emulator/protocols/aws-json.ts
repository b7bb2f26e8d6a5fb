/** Glue's awsJson1_1 protocol: `X-Amz-Target: AWSGlue.<Operation>`, JSON bodies, `__type` errors. */
import type { ServiceError } from "../errors";
import { header, type Headers, type ParsedInput, type Protocol, type Rendered } from "./protocol";

export const GLUE_TARGET_PREFIX = "AWSGlue.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

function json(status: number, body: unknown, extraHeaders: Record<string, string> = {}): Rendered {
  return { status, headers: { "Content-Type": CONTENT_TYPE, ...extraHeaders }, body: JSON.stringify(body) };
}

export const awsJsonProtocol: Protocol = {
  service: "glue",
  errors: {
    missingAuthenticationToken: { code: "MissingAuthenticationTokenException", status: 400 },
    incompleteSignature: { code: "IncompleteSignatureException", status: 400 },
    invalidSignature: { code: "InvalidSignatureException", status: 400 },
    throttling: { code: "ThrottlingException", status: 400 },
    internalError: { code: "InternalServiceException", status: 500 },
    serviceUnavailable: { code: "ServiceUnavailableException", status: 503 },
    unknownOperation: { code: "UnknownOperationException", status: 400 },
    serialization: { code: "SerializationException", status: 400 },
    requestTooLarge: { code: "RequestEntityTooLargeException", status: 413 },
    // The common errors of AWS JSON services for a session token that is unknown or past its expiry.
    invalidToken: { code: "UnrecognizedClientException", status: 403 },
    expiredToken: { code: "ExpiredTokenException", status: 403 },
  },

  operationOf(headers: Headers): string {
    const target = header(headers, "x-amz-target") ?? "";
    return target.startsWith(GLUE_TARGET_PREFIX) ? target.slice(GLUE_TARGET_PREFIX.length) : target;
  },

  parseInput(body: Buffer): ParsedInput {
    const text = body.toString("utf8");
    // The SDK always sends at least "{}"; an empty body reads as an empty input, as Coral services do.
    if (text.trim() === "") return { ok: true, value: {} };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, message: `The request body is not valid JSON: ${(error as Error).message}`, raw: text };
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return {
        ok: false,
        message: "Start of structure or map found where not expected: the request body must be a JSON object",
        raw: text,
      };
    }
    return { ok: true, value: value as Record<string, unknown> };
  },

  renderOutput(_operation, output): Rendered {
    return json(200, output);
  },

  renderError(error: ServiceError): Rendered {
    return json(error.status, { __type: error.code, Message: error.message }, { "x-amzn-ErrorType": error.code });
  },
};

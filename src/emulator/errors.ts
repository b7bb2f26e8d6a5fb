/**
 * Errors the emulator answers. A ServiceError carries the AWS error code and HTTP status; the
 * protocol (JSON for Glue, XML for STS) decides how it is written.
 */

export class ServiceError extends Error {
  constructor(
    /** The AWS error code, e.g. "EntityNotFoundException". */
    readonly code: string,
    message: string,
    readonly status = 400,
    /** The injected fault that caused it, for the request log. */
    readonly fault?: string,
  ) {
    super(message);
  }
}

/** Errors every endpoint can answer, whose code and status differ between Glue (JSON) and STS (XML). */
export type CommonErrorKind =
  | "missingAuthenticationToken"
  | "incompleteSignature"
  | "invalidSignature"
  | "throttling"
  | "internalError"
  | "serviceUnavailable"
  | "unknownOperation"
  | "serialization"
  | "requestTooLarge"
  | "invalidToken"
  | "expiredToken";

/** A common error's code and HTTP status in one protocol. */
export type CommonErrorTable = Readonly<Record<CommonErrorKind, { readonly code: string; readonly status: number }>>;

export const invalidInput = (message: string) => new ServiceError("InvalidInputException", message);
export const entityNotFound = (message: string) => new ServiceError("EntityNotFoundException", message);

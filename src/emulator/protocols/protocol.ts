/**
 * A wire protocol: how a request names its operation and carries its input, and how answers and
 * errors are written. Glue speaks awsJson1_1; STS (in the installed SDK) speaks awsQuery.
 */
import type { CommonErrorTable, ServiceError } from "../errors";

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export interface Rendered {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type ParsedInput =
  | { readonly ok: true; readonly value: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly message: string; readonly raw: string };

export interface Protocol {
  /** The SigV4 service name the request must be scoped to. */
  readonly service: "glue" | "sts";
  readonly errors: CommonErrorTable;
  /** The operation the request names ("" when it names none); the body is absent when it was refused unread. */
  operationOf(headers: Headers, body?: Buffer): string;
  /** The operation's input, or why it cannot be read. */
  parseInput(body: Buffer): ParsedInput;
  renderOutput(operation: string, output: Readonly<Record<string, unknown>>, requestId: string): Rendered;
  renderError(error: ServiceError, requestId: string): Rendered;
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

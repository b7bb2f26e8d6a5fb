/** STS's awsQuery protocol: form-encoded `Action=...&Version=...` bodies, XML answers and errors. */
import type { ServiceError } from "../errors";
import { header, type Headers, type ParsedInput, type Protocol, type Rendered } from "./protocol";

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
export const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!,
  );
}

function xml(status: number, body: string): Rendered {
  return { status, headers: { "Content-Type": "text/xml" }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n` };
}

/** Members as XML elements, structures nested (AssumeRole's Credentials and AssumedRoleUser). */
function xmlFields(members: Readonly<Record<string, unknown>>, indent: string): string {
  return Object.entries(members)
    .map(([name, value]) =>
      typeof value === "object" && value !== null
        ? `${indent}<${name}>\n${xmlFields(value as Record<string, unknown>, `${indent}  `)}\n${indent}</${name}>`
        : `${indent}<${name}>${escapeXml(String(value))}</${name}>`,
    )
    .join("\n");
}

function formFields(body: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
}

/** True when the request is form-encoded, which is how the query protocol (STS) sends it. */
export function isQueryRequest(headers: Headers): boolean {
  return (header(headers, "content-type") ?? "").toLowerCase().startsWith(FORM_CONTENT_TYPE);
}

export const awsQueryProtocol: Protocol = {
  service: "sts",
  errors: {
    missingAuthenticationToken: { code: "MissingAuthenticationToken", status: 403 },
    incompleteSignature: { code: "IncompleteSignature", status: 400 },
    invalidSignature: { code: "SignatureDoesNotMatch", status: 403 },
    throttling: { code: "Throttling", status: 400 },
    internalError: { code: "InternalFailure", status: 500 },
    serviceUnavailable: { code: "ServiceUnavailable", status: 503 },
    unknownOperation: { code: "InvalidAction", status: 400 },
    serialization: { code: "MalformedInput", status: 400 },
    requestTooLarge: { code: "RequestEntityTooLarge", status: 413 },
    // STS names them InvalidClientTokenId and ExpiredToken.
    invalidToken: { code: "InvalidClientTokenId", status: 403 },
    expiredToken: { code: "ExpiredToken", status: 403 },
  },

  operationOf(_headers: Headers, body?: Buffer): string {
    return body ? (formFields(body).Action ?? "") : "";
  },

  parseInput(body: Buffer): ParsedInput {
    return { ok: true, value: formFields(body) };
  },

  renderOutput(operation, output, requestId): Rendered {
    const fields = xmlFields(output, "    ");
    return xml(
      200,
      `<${operation}Response xmlns="${NAMESPACE}">\n  <${operation}Result>\n${fields}\n  </${operation}Result>\n` +
        `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${operation}Response>`,
    );
  },

  renderError(error: ServiceError, requestId): Rendered {
    const type = error.status >= 500 ? "Receiver" : "Sender";
    return xml(
      error.status,
      `<ErrorResponse xmlns="${NAMESPACE}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(error.code)}</Code>\n` +
        `    <Message>${escapeXml(error.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>`,
    );
  },
};

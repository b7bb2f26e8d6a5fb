/**
 * Request authentication as AWS does it: the Authorization header must be a well-formed SigV4
 * header scoped to the right service, and for the access keys the emulator knows, the signature
 * is recomputed with the SDK's own signer and must match.
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from "crypto";

export interface SignedRequest {
  readonly method: string;
  /** The request target as received, e.g. "/" or "/?a=b". */
  readonly url: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export type AuthFailureKind = "missingAuthenticationToken" | "incompleteSignature" | "invalidSignature";

export type AuthCheck =
  | { readonly ok: true; readonly accessKeyId: string; readonly region: string }
  | { readonly ok: false; readonly kind: AuthFailureKind; readonly message: string; readonly accessKeyId?: string };

const ALGORITHM = "AWS4-HMAC-SHA256";
const AMZ_DATE = /^(\d{8})T\d{6}Z$/;

export const SIGNATURE_MISMATCH_MESSAGE =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

export function headerValue(headers: SignedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`, or says what is wrong. */
export function parseAuthorization(header: string): ParsedAuthorization | { readonly problem: string } {
  const space = header.indexOf(" ");
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM)
    return { problem: `Unsupported AWS 'algorithm': '${algorithm}'. Authorization=${header}` };
  const parameters = new Map<string, string>();
  for (const part of header.slice(space + 1).split(",")) {
    const equals = part.indexOf("=");
    if (equals > 0) parameters.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((name) => !parameters.get(name));
  if (missing.length > 0) {
    return {
      problem:
        missing.map((name) => `Authorization header requires '${name}' parameter.`).join(" ") +
        ` Authorization=${header}`,
    };
  }
  const credential = parameters.get("Credential")!;
  const scope = credential.split("/");
  if (scope.length !== 5 || scope.some((element) => element === "")) {
    return {
      problem: `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    };
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: parameters.get("SignedHeaders")!.split(";"),
    signature: parameters.get("Signature")!,
  };
}

/**
 * Checks a request's authentication for `service` ("glue" or "sts"). Keys in `secrets` have their
 * signatures verified; any other key is accepted once its header is well formed.
 */
export async function checkAuthorization(
  request: SignedRequest,
  service: string,
  secrets: ReadonlyMap<string, string>,
  /** The service's wall clock, epoch ms, that the request's time is checked against; none, no check. */
  serviceNow?: number,
): Promise<AuthCheck> {
  const header = headerValue(request.headers, "authorization");
  if (!header) return { ok: false, kind: "missingAuthenticationToken", message: "Missing Authentication Token" };
  const parsed = parseAuthorization(header);
  if ("problem" in parsed) return { ok: false, kind: "incompleteSignature", message: parsed.problem };
  const accessKeyId = parsed.accessKeyId;
  const incomplete = (message: string): AuthCheck => ({ ok: false, kind: "incompleteSignature", message, accessKeyId });
  const invalid = (message: string): AuthCheck => ({ ok: false, kind: "invalidSignature", message, accessKeyId });

  const amzDate = headerValue(request.headers, "x-amz-date");
  if (!amzDate)
    return incomplete(
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${header}`,
    );
  const dateMatch = AMZ_DATE.exec(amzDate);
  if (!dateMatch) return incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  if (!parsed.signedHeaders.includes("host"))
    return incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (parsed.terminator !== "aws4_request") {
    return invalid(`Credential should be scoped with a valid terminator: 'aws4_request', not '${parsed.terminator}'.`);
  }
  if (parsed.service !== service) return invalid(`Credential should be scoped to correct service: '${service}'.`);
  if (parsed.date !== dateMatch[1]) {
    return invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.date}' != '${dateMatch[1]}', from '${amzDate}'.`,
    );
  }
  const skew = serviceNow === undefined ? undefined : signingSkew(amzDate, serviceNow);
  if (skew) return invalid(skew);

  const secretAccessKey = secrets.get(accessKeyId);
  if (secretAccessKey !== undefined && !(await signatureMatches(request, parsed, amzDate, secretAccessKey))) {
    return invalid(SIGNATURE_MISMATCH_MESSAGE);
  }
  return { ok: true, accessKeyId, region: parsed.region };
}

async function signatureMatches(
  request: SignedRequest,
  auth: ParsedAuthorization,
  amzDate: string,
  secretAccessKey: string,
): Promise<boolean> {
  // The signer trusts x-amz-content-sha256 as the payload hash, so hold that header to the body.
  const declaredHash = headerValue(request.headers, "x-amz-content-sha256");
  if (declaredHash !== undefined && declaredHash !== createHash("sha256").update(request.body).digest("hex"))
    return false;

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const url = new URL(request.url, "http://emulator.invalid");
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  // Loaded only here, when a signature is verified: nothing on the package's deploy-time path, or
  // an emulator that knows no keys, loads the signer.
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: headers.host ?? "",
      path: decodeURIComponent(url.pathname),
      query,
      headers,
      body: request.body,
    },
    {
      signingDate: parseAmzDate(amzDate),
      signableHeaders: new Set(auth.signedHeaders),
      signingRegion: auth.region,
      signingService: auth.service,
    },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? "";
  return (
    expected.length === auth.signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))
  );
}

/**
 * How far a request's time may be from the service's: "a request must reach AWS within five
 * minutes of the time stamp in the request. Otherwise, AWS denies the request"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html). Glue answers
 * InvalidSignatureException and STS SignatureDoesNotMatch, in AWS's own words; S3 alone allows 15
 * minutes and calls it RequestTimeTooSkewed (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
export const MAX_SIGNING_SKEW_MS = 5 * 60_000;

/** AWS's message for a request signed too far from `serviceNow`, or undefined when it is in time. */
function signingSkew(amzDate: string, serviceNow: number): string | undefined {
  const signedAt = parseAmzDate(amzDate).getTime();
  const basic = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");
  if (signedAt < serviceNow - MAX_SIGNING_SKEW_MS)
    return `Signature expired: ${amzDate} is now earlier than ${basic(serviceNow - MAX_SIGNING_SKEW_MS)} (${basic(serviceNow)} - 5 min.)`;
  if (signedAt > serviceNow + MAX_SIGNING_SKEW_MS)
    return `Signature not yet current: ${amzDate} is still later than ${basic(serviceNow + MAX_SIGNING_SKEW_MS)} (${basic(serviceNow)} + 5 min.)`;
  return undefined;
}

/** `20260101T000000Z` as a Date. */
function parseAmzDate(value: string): Date {
  return new Date(
    `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`,
  );
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (data: SourceData): Buffer =>
  typeof data === "string"
    ? Buffer.from(data, "utf8")
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 and HMAC-SHA256 from Node's crypto, in the shape the signer wants. */
export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }

  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(this.secret));
  }
}

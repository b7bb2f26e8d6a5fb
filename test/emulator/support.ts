/** Shared pieces of the emulator tests: credentials, views, real SDK clients, raw HTTP. */
import { GlueClient } from "@aws-sdk/client-glue";
import { STSClient } from "@aws-sdk/client-sts";
import { request } from "http";
import { startEmulator, type EmulatorOptions, type GlueEmulator } from "../../src/emulator";

export const CREDENTIALS = { accessKeyId: "AKIDEMULATORTEST", secretAccessKey: "emulator-test-secret" };
export const DAILY = { databaseName: "sales", tableName: "daily_mv" };
export const WEEKLY = { databaseName: "sales", tableName: "weekly_mv" };
export const REGION = "us-east-1";

/** Starts an emulator that knows the test credentials and serves DAILY and WEEKLY; closed after each test. */
export function useEmulator(options: EmulatorOptions = {}): { readonly current: GlueEmulator } {
  const holder: { current: GlueEmulator } = { current: undefined as unknown as GlueEmulator };
  beforeEach(async () => {
    holder.current = await startEmulator({ views: [DAILY, WEEKLY], credentials: [CREDENTIALS], ...options });
  });
  afterEach(async () => {
    await holder.current.close();
  });
  return holder;
}

const clients: { destroy(): void }[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

type ClientOverrides = Partial<{
  maxAttempts: number;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}>;

export function glueClient(emulator: Pick<GlueEmulator, "endpoint">, overrides: ClientOverrides = {}): GlueClient {
  const client = new GlueClient({
    endpoint: emulator.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    ...overrides,
  });
  clients.push(client);
  return client;
}

export function stsClient(emulator: Pick<GlueEmulator, "endpoint">, overrides: ClientOverrides = {}): STSClient {
  const client = new STSClient({ endpoint: emulator.endpoint, region: REGION, credentials: CREDENTIALS, ...overrides });
  clients.push(client);
  return client;
}

/** The SDK's retry backoff is random x base; a zero draw retries at once, so retry tests never wait. */
export function retryWithoutBackoff(): void {
  beforeEach(() => jest.spyOn(Math, "random").mockReturnValue(0));
  afterEach(() => jest.restoreAllMocks());
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A syntactically valid SigV4 header for an access key the emulator does not verify. */
export function unverifiedAuthorization(service = "glue"): Record<string, string> {
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  return {
    "x-amz-date": amzDate,
    authorization:
      `AWS4-HMAC-SHA256 Credential=AKIDUNVERIFIED/${amzDate.slice(0, 8)}/${REGION}/${service}/aws4_request, ` +
      "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef",
  };
}

/** One HTTP request without the SDK, for what the SDK never sends. */
export function rawRequest(
  endpoint: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body ?? "";
    const req = request(
      endpoint,
      {
        method: options.method ?? "POST",
        headers: {
          ...(options.chunked
            ? { "transfer-encoding": "chunked" }
            : { "content-length": String(Buffer.byteLength(body)) }),
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export const glueHeaders = (operation: string): Record<string, string> => ({
  "content-type": "application/x-amz-json-1.1",
  "x-amz-target": `AWSGlue.${operation}`,
});

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

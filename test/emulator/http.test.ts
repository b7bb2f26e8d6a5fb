/** What the SDK never sends: unsigned, malformed, oversize and unknown requests, over raw HTTP. */
import { ListMaterializedViewRefreshTaskRunsCommand } from "@aws-sdk/client-glue";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  CREDENTIALS,
  glueClient,
  glueHeaders,
  rawRequest,
  stsClient,
  unverifiedAuthorization,
  useEmulator,
  UUID,
} from "./support";

const emulator = useEmulator();
const LIST_BODY = JSON.stringify({ CatalogId: "123456789012" });
const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";
const STS_HEADERS = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

/** The emulator still answers a real SDK call. */
async function stillServing(): Promise<void> {
  await expect(
    glueClient(emulator.current).send(new ListMaterializedViewRefreshTaskRunsCommand({ CatalogId: "123456789012" })),
  ).resolves.toBeDefined();
}

const jsonError = (body: string) => JSON.parse(body) as { __type: string; Message: string };

describe("authentication", () => {
  it("refuses a Glue request without Authorization: 400 MissingAuthenticationTokenException", async () => {
    const res = await rawRequest(emulator.current.endpoint, {
      headers: glueHeaders("ListMaterializedViewRefreshTaskRuns"),
      body: LIST_BODY,
    });
    expect(res.status).toBe(400);
    expect(jsonError(res.body)).toEqual({
      __type: "MissingAuthenticationTokenException",
      Message: "Missing Authentication Token",
    });
    expect(res.headers["x-amzn-errortype"]).toBe("MissingAuthenticationTokenException");
    expect(res.headers["x-amzn-requestid"]).toMatch(UUID);
    expect(Math.abs(Date.parse(String(res.headers.date)) - Date.now())).toBeLessThan(5_000);
    expect(emulator.current.requests[0]).toMatchObject({
      operation: "ListMaterializedViewRefreshTaskRuns",
      status: 400,
      errorType: "MissingAuthenticationTokenException",
    });
  });

  it("refuses a malformed Authorization header or a missing x-amz-date: IncompleteSignatureException", async () => {
    const malformed = await rawRequest(emulator.current.endpoint, {
      headers: {
        ...glueHeaders("ListMaterializedViewRefreshTaskRuns"),
        authorization: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/glue/aws4_request",
      },
      body: LIST_BODY,
    });
    expect(malformed.status).toBe(400);
    expect(jsonError(malformed.body)).toMatchObject({
      __type: "IncompleteSignatureException",
      Message: expect.stringContaining("'Signature'"),
    });

    const { authorization } = unverifiedAuthorization();
    const undated = await rawRequest(emulator.current.endpoint, {
      headers: { ...glueHeaders("ListMaterializedViewRefreshTaskRuns"), authorization: authorization },
      body: LIST_BODY,
    });
    expect(jsonError(undated.body)).toMatchObject({
      __type: "IncompleteSignatureException",
      Message: expect.stringContaining("X-Amz-Date"),
    });
  });

  it("refuses a credential scoped to another service: InvalidSignatureException", async () => {
    const res = await rawRequest(emulator.current.endpoint, {
      headers: { ...glueHeaders("ListMaterializedViewRefreshTaskRuns"), ...unverifiedAuthorization("s3") },
      body: LIST_BODY,
    });
    expect(jsonError(res.body)).toEqual({
      __type: "InvalidSignatureException",
      Message: "Credential should be scoped to correct service: 'glue'.",
    });
  });

  it("accepts an unknown access key's well-formed header without verifying it", async () => {
    const res = await rawRequest(emulator.current.endpoint, {
      headers: { ...glueHeaders("ListMaterializedViewRefreshTaskRuns"), ...unverifiedAuthorization() },
      body: LIST_BODY,
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ MaterializedViewRefreshTaskRuns: [] });
    expect(res.headers["content-type"]).toBe("application/x-amz-json-1.1");
  });

  it("verifies a known key's signature: a wrong secret is refused by Glue and STS", async () => {
    const wrong = { credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: "not-the-secret" } };
    await expect(
      glueClient(emulator.current, wrong).send(
        new ListMaterializedViewRefreshTaskRunsCommand({ CatalogId: "123456789012" }),
      ),
    ).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: expect.stringContaining("does not match"),
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    await expect(stsClient(emulator.current, wrong).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      $metadata: { httpStatusCode: 403 },
    });
    await expect(stsClient(emulator.current).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
  });

  it("answers STS's XML error form for an unsigned STS request: 403 MissingAuthenticationToken", async () => {
    const res = await rawRequest(emulator.current.endpoint, { headers: STS_HEADERS, body: STS_BODY });
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toBe("text/xml");
    const requestId = res.headers["x-amzn-requestid"] as string;
    expect(res.body).toContain(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>MissingAuthenticationToken</Code>\n` +
        `    <Message>Missing Authentication Token</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>`,
    );
    expect(emulator.current.requests[0]).toMatchObject({
      operation: "GetCallerIdentity",
      input: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    });
  });
});

describe("malformed requests", () => {
  it("answers malformed JSON with SerializationException and keeps serving", async () => {
    const res = await rawRequest(emulator.current.endpoint, {
      headers: { ...glueHeaders("ListMaterializedViewRefreshTaskRuns"), ...unverifiedAuthorization() },
      body: '{"CatalogId": ',
    });
    expect(res.status).toBe(400);
    expect(jsonError(res.body).__type).toBe("SerializationException");
    expect(emulator.current.requests[0]).toMatchObject({
      input: '{"CatalogId": ',
      errorType: "SerializationException",
    });
    await stillServing();
  });

  it("answers an unknown X-Amz-Target with UnknownOperationException, logged by its raw target", async () => {
    const res = await rawRequest(emulator.current.endpoint, {
      headers: { ...glueHeaders("DeleteEverything"), ...unverifiedAuthorization() },
      body: "{}",
    });
    expect(res.status).toBe(400);
    expect(jsonError(res.body).__type).toBe("UnknownOperationException");
    expect(emulator.current.requests[0]).toMatchObject({
      operation: "DeleteEverything",
      errorType: "UnknownOperationException",
    });
    const other = await rawRequest(emulator.current.endpoint, {
      headers: { ...glueHeaders("x"), "x-amz-target": "DynamoDB_20120810.ListTables", ...unverifiedAuthorization() },
      body: "{}",
    });
    expect(jsonError(other.body).__type).toBe("UnknownOperationException");
    expect(emulator.current.requests[1]?.operation).toBe("DynamoDB_20120810.ListTables");
    await stillServing();
  });

  it("answers an unknown STS Action with InvalidAction", async () => {
    const res = await rawRequest(emulator.current.endpoint, {
      headers: { ...STS_HEADERS, ...unverifiedAuthorization("sts") },
      body: "Action=AssumeRoleWithSAML&Version=2011-06-15",
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("<Code>InvalidAction</Code>");
  });

  it("refuses a body over 1 MiB with 413, declared or chunked, and keeps serving", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, "a");
    const headers = { ...glueHeaders("ListMaterializedViewRefreshTaskRuns"), ...unverifiedAuthorization() };
    const declared = await rawRequest(emulator.current.endpoint, { headers, body: big });
    expect(declared.status).toBe(413);
    expect(jsonError(declared.body).__type).toBe("RequestEntityTooLargeException");
    const chunked = await rawRequest(emulator.current.endpoint, { headers, body: big, chunked: true });
    expect(chunked.status).toBe(413);
    expect(emulator.current.requests.map((r) => [r.operation, r.status, r.input])).toEqual([
      ["ListMaterializedViewRefreshTaskRuns", 413, undefined],
      ["ListMaterializedViewRefreshTaskRuns", 413, undefined],
    ]);
    await stillServing();
  });
});

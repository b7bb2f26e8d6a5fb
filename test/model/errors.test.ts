import { OperationTimeoutException } from "@aws-sdk/client-glue";
import { AwsCallError, describeAwsError, type CallContext } from "../../src/model/errors";

const VIEW = { catalogId: "123456789012", databaseName: "sales", tableName: "daily_mv" };
const named = (name: string, message: string, requestId?: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400, ...(requestId ? { requestId } : {}) } });
const network = (code: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(`${code} message`), { code, ...fields });
/** No AWS variables: what the message says must come from the context alone. */
const NO_ENV: NodeJS.ProcessEnv = {};

function describe_(error: unknown, context: CallContext = {}, operation = "StartMaterializedViewRefreshTaskRun") {
  return describeAwsError(operation, "view sales.daily_mv", error, context, NO_ENV).message;
}

describe("describeAwsError", () => {
  it("puts operation, subject, error name, message and request id on one line", () => {
    const error = describeAwsError(
      "GetMaterializedViewRefreshTaskRun",
      "run r-1 of view sales.daily_mv",
      Object.assign(new Error("Rate exceeded,\n  slow down"), {
        name: "ThrottlingException",
        $metadata: { requestId: "abc-123", httpStatusCode: 400 },
      }),
    );
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).toBe(
      "GetMaterializedViewRefreshTaskRun for run r-1 of view sales.daily_mv failed: ThrottlingException: Rate exceeded, slow down (request id abc-123)",
    );
    expect(error).toMatchObject({ errorName: "ThrottlingException", requestId: "abc-123", httpStatus: 400 });
  });

  it("names the network error code, and says nothing of a request id there is none of", () => {
    const error = describeAwsError(
      "StartMaterializedViewRefreshTaskRun",
      "view a.b",
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    );
    expect(error.message).toBe("StartMaterializedViewRefreshTaskRun for view a.b failed: ECONNRESET: socket hang up");
  });

  it("says which IAM action an AccessDenied needs and who needs it; Lake Formation only for Glue", () => {
    const sts = describe_(named("AccessDenied", "denied"), {}, "GetCallerIdentity");
    expect(sts).toMatch(
      /The caller needs IAM permission sts:GetCallerIdentity: grant it to the identity that runs pulumi up \(refreshPolicy\(\) returns the policy\)$/,
    );
    const glue = describe_(named("AccessDeniedException", "denied"), {}, "ListMaterializedViewRefreshTaskRuns");
    expect(glue).toContain("glue:ListMaterializedViewRefreshTaskRuns: grant it");
    expect(glue).toMatch(/Lake Formation grants on the view and its source tables may also be the cause$/);
  });

  it("keeps the SDK's error as the cause and does not wrap twice", () => {
    const sdk = new OperationTimeoutException({ message: "slow", $metadata: {} });
    const once = describeAwsError("GetCallerIdentity", "x", sdk);
    expect(once.cause).toBe(sdk);
    expect(describeAwsError("Other", "y", once)).toBe(once);
  });
});

describe("what a message tells the user to do", () => {
  it("names the host and the unknown region, with the nearest known ones", () => {
    const message = describe_(
      network("ENOTFOUND", { hostname: "glue.us-est-1.amazonaws.com", syscall: "getaddrinfo" }),
      { region: "us-est-1" },
    );
    expect(message).toContain("The host glue.us-est-1.amazonaws.com (region us-est-1) does not resolve");
    expect(message).toContain('Region "us-est-1" is not one the AWS SDK knows; did you mean us-east-1 or us-west-1?');
    expect(message).toMatch(/check the resource's region, the stack config aws:region, or AWS_REGION$/);
  });

  it("points at the network, not the region, when the region is a known one", () => {
    const message = describe_(network("ENOTFOUND", { hostname: "glue.eu-west-1.amazonaws.com" }), {
      region: "eu-west-1",
    });
    expect(message).not.toContain("not one the AWS SDK knows");
    expect(message).toContain("check this machine's network, DNS and proxy settings (HTTPS_PROXY)");
  });

  it("names the endpoint that refuses connections", () => {
    const message = describe_(network("ECONNREFUSED", { address: "127.0.0.1", port: 9 }), {
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9",
    });
    expect(message).toContain("Nothing accepts connections at 127.0.0.1:9 (region us-east-1)");
    expect(message).toMatch(
      /check the resource's endpoint \(http:\/\/127\.0\.0\.1:9\) and that the service there is running$/,
    );
  });

  it("tells where credentials can come from when there are none", () => {
    const missing = named("CredentialsProviderError", "Could not load credentials from any providers");
    expect(describe_(missing)).toContain(
      "No AWS credentials found: set AWS_PROFILE or the stack config aws:profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    );
    expect(describe_(missing, { profile: "release" })).toContain(
      'The profile "release" (stack config aws:profile) gave no credentials: check it in ~/.aws/config and ~/.aws/credentials, or sign in again (aws sso login --profile release)',
    );
    const fromEnv = describeAwsError("GetCallerIdentity", "x", missing, {}, { AWS_PROFILE: "ci" }).message;
    expect(fromEnv).toContain('The profile "ci" (AWS_PROFILE) gave no credentials');
  });

  it("says which credentials AWS refused, and why", () => {
    const keys = { staticKeys: true };
    expect(
      describe_(named("UnrecognizedClientException", "The security token included in the request is invalid."), keys),
    ).toContain("AWS does not recognise the access key id of the stack config aws:accessKey and aws:secretKey");
    expect(
      describe_(named("SignatureDoesNotMatch", "The request signature we calculated does not match"), keys),
    ).toContain(
      "The secret access key does not belong to the access key id of the stack config aws:accessKey and aws:secretKey",
    );
    expect(
      describe_(named("ExpiredTokenException", "The security token included in the request is expired"), keys),
    ).toContain("has expired: renew the temporary credentials");
    expect(
      describe_(named("InvalidSignatureException", "Signature expired: 20260101T000000Z is now earlier than")),
    ).toContain("Check this machine's clock");
    const env = describeAwsError("Op", "x", named("InvalidClientTokenId", "bad"), {}, { AWS_ACCESS_KEY_ID: "AKIA" });
    expect(env.message).toContain("of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  });

  it("names the table, catalog and region Glue looked in for a missing table", () => {
    const message = describe_(named("EntityNotFoundException", "Table daily_mv not found", "req-9"), {
      region: "eu-west-1",
      view: VIEW,
    });
    expect(message).toBe(
      "StartMaterializedViewRefreshTaskRun for view sales.daily_mv failed: EntityNotFoundException: Table daily_mv not found " +
        "(request id req-9). Glue has no table sales.daily_mv in catalog 123456789012 in region eu-west-1: check " +
        "databaseName and tableName, catalogId, and the region (the resource's region, the stack config aws:region, or AWS_REGION)",
    );
  });

  it("says that only materialized views refresh when Start refuses the table", () => {
    expect(describe_(named("InvalidInputException", "not a materialized view"), { view: VIEW })).toContain(
      "Glue refreshes only materialized views: check that sales.daily_mv is one (created with CREATE MATERIALIZED VIEW)",
    );
  });

  it("adds nothing to errors it has no advice for", () => {
    expect(describe_(named("InternalServiceException", "oops", "r"), { view: VIEW })).toBe(
      "StartMaterializedViewRefreshTaskRun for view sales.daily_mv failed: InternalServiceException: oops (request id r)",
    );
  });
});

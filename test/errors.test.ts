import { OperationTimeoutException } from "@aws-sdk/client-glue";
import { AwsCallError, describeAwsError } from "../src/errors";

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

  it("names the network error code when there is no AWS error name", () => {
    const error = describeAwsError(
      "StartMaterializedViewRefreshTaskRun",
      "view a.b",
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    );
    expect(error.message).toBe(
      "StartMaterializedViewRefreshTaskRun for view a.b failed: ECONNRESET: socket hang up (request id none)",
    );
  });

  it("says which IAM action an AccessDenied needs; Lake Formation only for Glue", () => {
    const sts = describeAwsError(
      "GetCallerIdentity",
      "the caller",
      Object.assign(new Error("denied"), { name: "AccessDenied" }),
    );
    expect(sts.message).toMatch(/The caller needs IAM permission sts:GetCallerIdentity$/);
    const glue = describeAwsError(
      "ListMaterializedViewRefreshTaskRuns",
      "view a.b",
      Object.assign(new Error("denied"), { name: "AccessDeniedException" }),
    );
    expect(glue.message).toContain("glue:ListMaterializedViewRefreshTaskRuns; Lake Formation grants");
  });

  it("keeps the SDK's error as the cause and does not wrap twice", () => {
    const sdk = new OperationTimeoutException({ message: "slow", $metadata: {} });
    const once = describeAwsError("GetCallerIdentity", "x", sdk);
    expect(once.cause).toBe(sdk);
    expect(describeAwsError("Other", "y", once)).toBe(once);
  });
});

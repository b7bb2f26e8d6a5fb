import { refreshPolicy, refreshTrustPolicy } from "../../src/declare/policy";

describe("refreshPolicy", () => {
  it("allows Start, Get, List and the account lookup by default, on any resource", () => {
    expect(refreshPolicy()).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RefreshMaterializedViews",
          Effect: "Allow",
          Action: [
            "glue:StartMaterializedViewRefreshTaskRun",
            "glue:GetMaterializedViewRefreshTaskRun",
            "glue:ListMaterializedViewRefreshTaskRuns",
          ],
          Resource: "*",
        },
        { Sid: "ResolveDefaultCatalogId", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: "*" },
      ],
    });
  });

  it("adds Stop only when some refresh stops a run in progress", () => {
    const actions = (options: Parameters<typeof refreshPolicy>[0]) => refreshPolicy(options).Statement[0].Action;
    expect(actions({ ifRunning: ["wait", "adopt", "fail"] })).not.toContain("glue:StopMaterializedViewRefreshTaskRun");
    expect(actions({ ifRunning: ["wait", "stop"] })).toContain("glue:StopMaterializedViewRefreshTaskRun");
    expect(actions({ ifRunning: "stop" })).toContain("glue:StopMaterializedViewRefreshTaskRun");
  });

  it("leaves STS out when every refresh names its catalog", () => {
    expect(refreshPolicy({ defaultCatalogId: false }).Statement.map((s) => s.Sid)).toEqual([
      "RefreshMaterializedViews",
    ]);
  });

  it("scopes the Glue statement to the given resources", () => {
    const arns = [
      "arn:aws:glue:us-east-1:123456789012:catalog",
      "arn:aws:glue:us-east-1:123456789012:table/sales/daily_mv",
    ];
    expect(refreshPolicy({ resources: arns }).Statement[0].Resource).toEqual(arns);
  });
});

describe("assuming roles", () => {
  const DEPLOY = "arn:aws:iam::222222222222:role/deploy";

  it("lets the pipeline identity assume the roles it is given, tagging sessions only when asked", () => {
    expect(refreshPolicy({ assumeRoles: DEPLOY }).Statement.at(-1)).toEqual({
      Sid: "AssumeRefreshRoles",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: [DEPLOY],
    });
    expect(refreshPolicy({ assumeRoles: [DEPLOY], sessionTags: true }).Statement.at(-1)?.Action).toEqual([
      "sts:AssumeRole",
      "sts:TagSession",
    ]);
    expect(refreshPolicy().Statement.map((s) => s.Sid)).not.toContain("AssumeRefreshRoles");
  });

  it("gives the target role a trust policy naming the pipeline, with the external id as a condition", () => {
    expect(refreshTrustPolicy({ principals: "arn:aws:iam::111111111111:role/pipeline" })).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AssumedForRefreshes",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::111111111111:role/pipeline"] },
          Action: ["sts:AssumeRole"],
        },
      ],
    });
    expect(
      refreshTrustPolicy({ principals: ["111111111111"], externalId: "ext-id-0001", sessionTags: true }).Statement[0],
    ).toMatchObject({
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "sts:ExternalId": "ext-id-0001" } },
    });
  });
});

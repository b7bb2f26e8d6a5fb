import { refreshPolicy } from "../src/policy";

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

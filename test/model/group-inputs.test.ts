import { memberSettings, validateGroupInputs, type GroupInputs } from "../../src/model/group-inputs";

const daily = { databaseName: "sales", tableName: "daily_mv" };
const weekly = { databaseName: "sales", tableName: "weekly_mv", triggers: { v: 2 } };
const reasons = (news: Record<string, unknown>) =>
  Object.fromEntries(validateGroupInputs(news).map((f) => [f.property, f.reason]));

describe("validateGroupInputs", () => {
  it("accepts members and every group setting at valid values", () => {
    expect(
      validateGroupInputs({
        resourceName: "sales-views",
        views: { daily, weekly: { ...weekly, ifRunning: "stop", timeoutMinutes: 30, fullRefresh: true } },
        maxConcurrent: 3,
        timeoutMinutes: 120,
        ifRunning: "wait",
        waitForCompletion: false,
        region: "eu-west-1",
        endpoint: "https://glue.eu-west-1.amazonaws.com",
        quiet: true,
        __provider: "exports.handler = ...",
      }),
    ).toEqual([]);
  });

  it("names the member key and the property of a bad member argument", () => {
    const r = reasons({ views: { daily: { ...daily, timeoutMinutes: -1 }, weekly: { databaseName: "sales" } } });
    expect(r["views.daily.timeoutMinutes"]).toBe(
      "views.daily.timeoutMinutes must be a positive number of minutes, at most 10080 (7 days); got -1",
    );
    expect(r["views.weekly.tableName"]).toMatch(/^views\.weekly\.tableName is required \(must be a string/);
  });

  it("refuses on a member what only the group sets, saying what a member takes", () => {
    const r = reasons({ views: { daily: { ...daily, endpoint: "https://glue.example.com" } } });
    expect(r["views.daily.endpoint"]).toBe(
      "views.daily.endpoint is not a property of a MaterializedViewRefreshGroup member (known: catalogId, " +
        "databaseName, tableName, region, fullRefresh, triggers, ifRunning, timeoutMinutes)",
    );
  });

  it.each([
    [{ views: "daily" }, "views", 'views must be a map of member keys to views; got "daily"'],
    [{ views: { daily: "sales.daily_mv" } }, "views.daily", "views.daily must be a view to refresh"],
    [
      { views: { daily }, maxConcurrent: 0 },
      "maxConcurrent",
      "maxConcurrent must be a whole number of runs, at least 1; got 0",
    ],
    [
      { views: { daily }, maxConcurrent: 2.5 },
      "maxConcurrent",
      "maxConcurrent must be a whole number of runs, at least 1; got 2.5",
    ],
    [{}, "views", "views is required (must be a map of member keys to views)"],
  ])("refuses %p", (news, property, reason) => {
    expect(reasons(news)[property]).toBe(reason);
  });
});

describe("memberSettings", () => {
  const group: GroupInputs = {
    resourceName: "sales-views",
    views: { daily, weekly: { ...weekly, timeoutMinutes: 30, ifRunning: "stop" } },
    timeoutMinutes: 120,
    ifRunning: "adopt",
    waitForCompletion: false,
    quiet: true,
  };

  it("takes the group's settings for what a member does not set", () => {
    expect(memberSettings(group, "daily")).toMatchObject({
      resourceName: "sales-views.daily",
      databaseName: "sales",
      tableName: "daily_mv",
      timeoutMinutes: 120,
      ifRunning: "adopt",
      waitForCompletion: false,
      quiet: true,
      triggers: {},
      fullRefresh: false,
    });
  });

  it("lets a member's own settings win", () => {
    expect(memberSettings(group, "weekly")).toMatchObject({
      timeoutMinutes: 30,
      ifRunning: "stop",
      triggers: { v: 2 },
    });
  });
});

import { RefreshFailedError } from "../../src/model/errors";
import { groupOutcome, progressLine } from "../../src/deploy/group-report";
import { state } from "../support/fixtures";

const member = (key: string, tableName = `${key}_mv`) => ({ key, settings: { databaseName: "sales", tableName } });
const all = [member("daily"), member("weekly"), member("monthly"), member("yearly")];

describe("progressLine", () => {
  it("counts members by where they are and names the slowest", () => {
    const statuses = new Map([
      ["daily", "RUNNING"],
      ["weekly", "SUCCEEDED"],
      ["monthly", "waiting"],
      ["yearly", "failed"],
    ]);
    const slowest = { member: all[0], run: { runId: "r", status: "RUNNING" as const }, elapsedMs: 552_000 };
    expect(progressLine("sales-views", all, statuses, slowest)).toBe(
      "sales-views: 4 members: 1 starting, 1 running, 1 done, 1 failed; slowest: daily (sales.daily_mv) RUNNING, 9m 12s",
    );
    expect(progressLine("g", all.slice(1, 2), statuses, undefined)).toBe(
      "g: 1 members: 0 starting, 0 running, 1 done, 0 failed",
    );
  });
});

describe("groupOutcome", () => {
  it("records every member that has state, and no failure when none failed", () => {
    const { state: recorded, failure } = groupOutcome("g", 4, all.slice(0, 2), [{ state: state() }, {}]);
    expect(recorded).toEqual({ resourceName: "g", maxConcurrent: 4, runs: { daily: state() } });
    expect(failure).toBeUndefined();
  });

  it("fails with one line per failed member, keeping every member's state", () => {
    const results = [{ state: state() }, { state: state({ runId: "w" }), failed: "refresh run w ended FAILED: x" }];
    const { failure } = groupOutcome("g", undefined, all.slice(0, 2), results);
    expect(failure).toBeInstanceOf(RefreshFailedError);
    expect(failure!.message).toBe(
      'MaterializedViewRefreshGroup "g": 1 of 2 members did not refresh:\n  weekly (sales.weekly_mv): refresh run w ended FAILED: x',
    );
    expect(failure!.properties).toEqual({ resourceName: "g", runs: { daily: state(), weekly: state({ runId: "w" }) } });
  });
});

import { fromDatabaseRuns, fromOwnRuns } from "../../src/deploy/prediction";
import type { RefreshRun } from "../../src/model/run";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** A run of `table` that started `at` minutes after T0 and took `minutes`. */
function run(id: string, at: number, minutes: number, extra: Partial<RefreshRun> = {}): RefreshRun {
  return {
    runId: id,
    status: "SUCCEEDED",
    startTime: new Date(T0 + at * MINUTE),
    endTime: new Date(T0 + (at + minutes) * MINUTE),
    refreshType: "INCREMENTAL",
    ...extra,
  };
}

describe("fromOwnRuns", () => {
  it("takes the newest successful run other than the one being waited for", () => {
    const runs = [run("a", 0, 30), run("b", 60, 5), run("c", 120, 99, { status: "FAILED" }), run("now", 200, 1)];
    expect(fromOwnRuns(runs, "now", false)).toBe(5 * MINUTE);
  });

  it("takes a FULL run for a full refresh when there is one, else any", () => {
    const runs = [run("full", 0, 40, { refreshType: "FULL" }), run("inc", 60, 5)];
    expect(fromOwnRuns(runs, "x", true)).toBe(40 * MINUTE);
    expect(fromOwnRuns(runs, "x", false)).toBe(5 * MINUTE);
    expect(fromOwnRuns([run("inc", 60, 5)], "x", true)).toBe(5 * MINUTE);
  });

  it("predicts nothing without a successful run with a start and an end", () => {
    expect(fromOwnRuns([], "x", false)).toBeUndefined();
    expect(fromOwnRuns([run("a", 0, 5, { status: "RUNNING", endTime: undefined })], "x", false)).toBeUndefined();
  });
});

describe("fromDatabaseRuns", () => {
  it("guesses the shortest of the other views' newest successful runs", () => {
    const runs = [
      run("w1", 0, 2, { tableName: "weekly_mv" }),
      run("w2", 60, 12, { tableName: "weekly_mv" }),
      run("m1", 30, 8, { tableName: "monthly_mv" }),
    ];
    expect(fromDatabaseRuns(runs, "daily_mv", "x", false)).toBe(8 * MINUTE);
  });

  it("ignores the view's own runs and runs whose view the listing did not name", () => {
    const runs = [run("own", 0, 1, { tableName: "daily_mv" }), run("unnamed", 0, 2)];
    expect(fromDatabaseRuns(runs, "daily_mv", "x", false)).toBeUndefined();
  });

  it("prefers each other view's FULL runs for a full refresh", () => {
    const runs = [
      run("wf", 0, 30, { tableName: "weekly_mv", refreshType: "FULL" }),
      run("wi", 60, 3, { tableName: "weekly_mv" }),
      run("mi", 60, 20, { tableName: "monthly_mv" }),
    ];
    expect(fromDatabaseRuns(runs, "daily_mv", "x", true)).toBe(20 * MINUTE);
    expect(fromDatabaseRuns(runs, "daily_mv", "x", false)).toBe(3 * MINUTE);
  });
});

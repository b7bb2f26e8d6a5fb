import { fromOwnRuns } from "../src/prediction";
import type { RefreshRun } from "../src/run";

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

import fc from "fast-check";
import {
  describeForecast,
  dpuHourPrice,
  expectedRefreshType,
  forecast,
  median,
  percentile,
  FORECAST_RUNS,
} from "../../src/model/forecast";
import type { RefreshRun } from "../../src/model/run";

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

/** A run that started `at` minutes after T0 and took `seconds`, with 10 DPUs. */
function run(id: string, at: number, seconds: number, extra: Partial<RefreshRun> = {}): RefreshRun {
  return {
    runId: id,
    status: "SUCCEEDED",
    startTime: new Date(T0 + at * MINUTE),
    endTime: new Date(T0 + at * MINUTE + seconds * 1000),
    refreshType: "INCREMENTAL",
    dpuSeconds: seconds * 10,
    ...extra,
  };
}

const base = { tableName: "mv", fullRefresh: false, region: "us-east-1" };

describe("percentile and median", () => {
  it("take the nearest rank and the middle", () => {
    expect(percentile([5, 1, 3, 2, 4], 0.9)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(percentile([], 0.9)).toBeUndefined();
  });

  it("lie between the smallest and the largest value, the median at most the p90", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), (xs) => {
        const m = median(xs)!;
        const p = percentile(xs, 0.9)!;
        expect(m).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(p).toBeLessThanOrEqual(Math.max(...xs));
        expect(m).toBeLessThanOrEqual(p);
      }),
    );
  });
});

describe("expectedRefreshType", () => {
  it("is FULL when asked or when the view never succeeded, else INCREMENTAL", () => {
    expect(expectedRefreshType([], false)).toBe("FULL");
    expect(expectedRefreshType([run("a", 0, 60, { status: "FAILED" })], false)).toBe("FULL");
    expect(expectedRefreshType([run("a", 0, 60)], true)).toBe("FULL");
    expect(expectedRefreshType([run("a", 0, 60)], false)).toBe("INCREMENTAL");
  });
});

describe("forecast", () => {
  it("takes median and p90 of the view's own runs of the type, and prices the DPU-seconds", () => {
    const runs = [60, 70, 80, 90, 300].map((s, i) => run(`r${i}`, i * 10, s));
    const f = forecast({ ...base, ownRuns: [...runs, run("full", 100, 1000, { refreshType: "FULL" })] });
    expect(f).toEqual({
      refreshType: "INCREMENTAL",
      basis: "own",
      basedOnRuns: 5,
      durationSeconds: 80,
      p90DurationSeconds: 300,
      dpuSeconds: 800,
      costUsd: Math.round((800 / 3600) * 0.44 * 1e4) / 1e4,
      p90CostUsd: Math.round((3000 / 3600) * 0.44 * 1e4) / 1e4,
      dpuHourPriceUsd: 0.44,
    });
    expect(describeForecast(f)).toBe(
      "INCREMENTAL refresh expected to take 1m 20s (p90 5m 00s), 0.22 DPU-hours, $0.10 (p90 $0.37) at $0.44/DPU-hour; based on its last 5 INCREMENTAL runs",
    );
  });

  it("uses only the newest runs, and ignores failed, stopped and unfinished ones", () => {
    const old = Array.from({ length: 20 }, (_, i) => run(`old${i}`, i, 1000));
    const recent = Array.from({ length: FORECAST_RUNS }, (_, i) => run(`new${i}`, 100 + i, 60));
    const noise = [
      run("failed", 200, 5, { status: "FAILED" }),
      run("stopped", 201, 5, { status: "STOPPED" }),
      run("running", 202, 5, { status: "RUNNING", endTime: undefined }),
    ];
    const f = forecast({ ...base, ownRuns: [...old, ...recent, ...noise] });
    expect(f.basedOnRuns).toBe(FORECAST_RUNS);
    expect(f.durationSeconds).toBe(60);
  });

  it("forecasts a full refresh from FULL runs only", () => {
    const f = forecast({
      ...base,
      fullRefresh: true,
      ownRuns: [run("i", 0, 60), run("f", 10, 600, { refreshType: "FULL" })],
    });
    expect(f).toMatchObject({ refreshType: "FULL", basis: "own", basedOnRuns: 1, durationSeconds: 600 });
  });

  it("falls back to the database's other views, and says it is a guess", () => {
    const databaseRuns = [
      run("a1", 0, 100, { tableName: "a", refreshType: "FULL" }),
      run("b1", 0, 300, { tableName: "b", refreshType: "FULL" }),
      run("self", 0, 5, { tableName: "mv", status: "FAILED", refreshType: "FULL" }),
      run("inc", 0, 1, { tableName: "a" }),
    ];
    const f = forecast({ ...base, ownRuns: [], databaseRuns });
    expect(f).toMatchObject({ refreshType: "FULL", basis: "database", basedOnRuns: 2, durationSeconds: 200 });
    expect(describeForecast(f)).toContain(
      "no history of its own: a guess from 2 FULL runs of its database's other views",
    );
  });

  it("never makes a number up: no history says so", () => {
    const f = forecast({ ...base, ownRuns: [run("x", 0, 60, { status: "FAILED" })], databaseRuns: [] });
    expect(f).toEqual({ refreshType: "FULL", basis: "none", basedOnRuns: 0, dpuHourPriceUsd: 0.44 });
    expect(describeForecast(f)).toBe(
      "FULL refresh: no history (no successful FULL run of this view or of its database's other views), no forecast",
    );
  });

  it("says when DPU-seconds were not reported, rather than pricing nothing", () => {
    const f = forecast({ ...base, ownRuns: [run("a", 0, 60, { dpuSeconds: undefined })] });
    expect(f.costUsd).toBeUndefined();
    expect(describeForecast(f)).toContain("DPU-seconds not reported");
  });

  it("prices at the configured price, else the published one, flagging another region's", () => {
    expect(dpuHourPrice("us-east-1")).toEqual({ usd: 0.44, assumed: false });
    expect(dpuHourPrice("eu-west-1")).toEqual({ usd: 0.44, assumed: true });
    expect(dpuHourPrice("eu-west-1", 0.5)).toEqual({ usd: 0.5, assumed: false });
    const f = forecast({ ...base, region: "eu-west-1", ownRuns: [run("a", 0, 3600)] });
    expect(f.priceAssumed).toBe(true);
    expect(describeForecast(f)).toContain("(us-east-1's price, assumed)");
  });

  it("has a stable history's forecast within its own range, and cost proportional to DPU-seconds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        (seconds, price) => {
          const runs = seconds.map((s, i) => run(`r${i}`, i, s));
          const f = forecast({ ...base, ownRuns: runs, dpuHourPriceUsd: price });
          const used = seconds.slice(-FORECAST_RUNS);
          expect(f.basedOnRuns).toBe(used.length);
          expect(f.durationSeconds!).toBeGreaterThanOrEqual(Math.min(...used) - 0.05);
          expect(f.p90DurationSeconds!).toBeLessThanOrEqual(Math.max(...used) + 0.05);
          expect(f.durationSeconds!).toBeLessThanOrEqual(f.p90DurationSeconds!);
          expect(f.costUsd!).toBeCloseTo((f.dpuSeconds! / 3600) * price, 3);
        },
      ),
    );
  });
});

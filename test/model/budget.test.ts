import { overBudget, readBudget, totals, type PlannedRefresh } from "../../src/model/budget";
import { BudgetLedger } from "../../src/deploy/forecasting";
import type { Forecast } from "../../src/model/forecast";

const forecast = (dpuSeconds?: number): Forecast =>
  dpuSeconds === undefined
    ? { refreshType: "FULL", basis: "none", basedOnRuns: 0, dpuHourPriceUsd: 0.44 }
    : {
        refreshType: "INCREMENTAL",
        basis: "own",
        basedOnRuns: 3,
        durationSeconds: dpuSeconds / 10,
        p90DurationSeconds: dpuSeconds / 10,
        dpuSeconds,
        costUsd: (dpuSeconds / 3600) * 0.44,
        dpuHourPriceUsd: 0.44,
      };
const planned = (name: string, dpuSeconds?: number): PlannedRefresh => ({
  name,
  view: `sales.${name}_mv`,
  forecast: forecast(dpuSeconds),
});

describe("readBudget", () => {
  it("reads numbers and the text stack config holds; unset is no limit", () => {
    const values: Record<string, unknown> = { maxCostUsd: "2.5", maxDpuHours: 10 };
    expect(readBudget((k) => values[k])).toEqual({ budget: { maxCostUsd: 2.5, maxDpuHours: 10 }, problems: [] });
    expect(readBudget(() => undefined)).toEqual({ budget: {}, problems: [] });
  });

  it("names the key, the value and the rule of a bad setting", () => {
    const values: Record<string, unknown> = { maxCostUsd: "ten", maxDpuHours: 0, dpuHourPriceUsd: -1 };
    expect(readBudget((k) => values[k]).problems).toEqual([
      { key: "maxCostUsd", reason: 'must be a positive number; got "ten"' },
      { key: "maxDpuHours", reason: "must be a positive number; got 0" },
      { key: "dpuHourPriceUsd", reason: "must be a positive number; got -1" },
    ]);
  });
});

describe("overBudget", () => {
  it("is undefined within the budget, and names the limit, total and each view over it", () => {
    const refreshes = [planned("a", 36_000), planned("b", 18_000), planned("new")];
    expect(totals(refreshes)).toMatchObject({ dpuHours: 15, costUsd: 6.6 });
    expect(overBudget(refreshes, { maxCostUsd: 10 })).toBeUndefined();
    expect(overBudget(refreshes, { maxDpuHours: 10 })).toBe(
      "the refreshes' forecast is over budget: expected 15 DPU-hours exceed glue-mv-refresh:maxDpuHours 10: " +
        "a (sales.a_mv) 10 DPU-hours, $4.40, b (sales.b_mv) 5 DPU-hours, $2.20; " +
        "not counted, with no forecast: new (sales.new_mv). No refresh was started",
    );
  });
});

describe("BudgetLedger", () => {
  it("sums the refreshes of a process, each once, and throws before the one that goes over", () => {
    const ledger = new BudgetLedger();
    ledger.charge([planned("a", 36_000)], { maxDpuHours: 15 }, "A");
    ledger.charge([planned("a", 36_000)], { maxDpuHours: 15 }, "A");
    expect(() => ledger.charge([planned("b", 36_000)], { maxDpuHours: 15 }, 'MaterializedViewRefresh "b"')).toThrow(
      /^MaterializedViewRefresh "b": the refreshes' forecast is over budget: expected 20 DPU-hours/,
    );
    ledger.charge([planned("c", 3600)], { maxDpuHours: 15 }, "C");
    ledger.charge([planned("d", 1e9)], {}, "no budget");
  });
});

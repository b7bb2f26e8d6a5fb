import { buildPlan, makespan, planMarkdown, planText, type PlannedView } from "../../src/model/plan";
import type { Forecast } from "../../src/model/forecast";

const f = (seconds: number, basis: Forecast["basis"] = "own"): Forecast =>
  basis === "none"
    ? { refreshType: "FULL", basis, basedOnRuns: 0, dpuHourPriceUsd: 0.44 }
    : {
        refreshType: "INCREMENTAL",
        basis,
        basedOnRuns: 5,
        durationSeconds: seconds,
        p90DurationSeconds: seconds * 1.2,
        dpuSeconds: seconds * 10,
        costUsd: Math.round(((seconds * 10) / 3600) * 0.44 * 1e4) / 1e4,
        dpuHourPriceUsd: 0.44,
      };
const v = (name: string, seconds: number, after: string[] = [], basis?: Forecast["basis"]): PlannedView => ({
  name,
  view: `sales.${name}`,
  why: "a new view",
  forecast: f(seconds, basis),
  after,
});

describe("makespan", () => {
  it("runs members at once up to the limit, each taking the first free slot", () => {
    expect(makespan([60, 60, 60, 60], 2)).toBe(120);
    expect(makespan([100, 10, 10, 10], 2)).toBe(100);
    expect(makespan([60, 60, 60], undefined)).toBe(60);
    expect(makespan([], 3)).toBe(0);
  });
});

describe("buildPlan", () => {
  it("puts a chain in sequence and a group in parallel up to maxConcurrent, and finds the critical path", () => {
    const plan = buildPlan([
      { kind: "view", refresh: v("orders", 600) },
      { kind: "view", refresh: v("daily", 300, ["sales.orders"]) },
      {
        kind: "group",
        name: "nightly",
        maxConcurrent: 2,
        members: [v("a", 200, ["sales.daily"]), v("b", 100), v("c", 100), v("d", 0, [], "none")],
      },
      { kind: "view", refresh: v("side", 60) },
    ]);
    expect(plan.steps.map((s) => [s.kind === "view" ? s.refresh.name : s.name, s.startSeconds, s.endSeconds])).toEqual([
      ["orders", 0, 600],
      ["side", 0, 60],
      ["daily", 600, 900],
      ["nightly", 900, 1100],
    ]);
    expect(plan.wallSeconds).toBe(1100);
    expect(plan.p90WallSeconds).toBe(1320);
    expect(plan.criticalPath).toEqual(["orders", "daily", "nightly"]);
    expect(plan.refreshes).toBe(7);
    expect(plan.noHistory.map((x) => x.name)).toEqual(["d"]);
    expect(plan.dpuHours).toBeCloseTo(13_600 / 3600, 3);
    const text = planText(plan, "dev");
    expect(text.split("\n").slice(0, 2)).toEqual([
      "Plan for stack dev: 7 refreshes (1 without figures, not counted), expected wall time 18m 20s (p90 22m 00s), 3.778 DPU-hours, $1.66",
      "Critical path: orders -> daily -> nightly",
    ]);
    expect(text).toContain("4. [15m 00s - 18m 20s] group nightly (4 members at once, maxConcurrent 2):");
    expect(text).toContain("No history or no forecast: d (sales.d)");
    const markdown = planMarkdown(plan, "dev");
    expect(markdown).toContain(
      "| 3 | daily | `sales.daily` | a new view | INCREMENTAL | 5m 00s | 6m 00s | $0.37 | 5 runs |",
    );
  });

  it("tells a view with no history from one with no forecast, and counts neither nor makes up a critical path", () => {
    const { forecast: _, ...dynamic } = v("dynamic", 1);
    const failed = { ...v("failed", 1), forecast: { ...f(0, "none"), error: "AccessDeniedException: no" } };
    const markdown = planMarkdown(
      buildPlan([dynamic, v("new", 0, [], "none"), failed].map((refresh) => ({ kind: "view", refresh }))),
      "dev",
    );
    expect(markdown).toContain("**3** refreshes, none with a forecast: no wall time or cost to add up.\n");
    expect(markdown).toContain("| `sales.dynamic` | a new view | ? | ? | ? | ? | no forecast |");
    expect(markdown).toContain("| `sales.new` | a new view | FULL | ? | ? | ? | no history |");
    expect(markdown).toContain(
      "| `sales.failed` | a new view | FULL | ? | ? | ? | no forecast: AccessDeniedException: no |",
    );
  });

  it("refuses views built on themselves", () => {
    expect(() =>
      buildPlan([
        { kind: "view", refresh: v("x", 1, ["sales.y"]) },
        { kind: "view", refresh: v("y", 1, ["sales.x"]) },
      ]),
    ).toThrow(/built on themselves/);
  });
});

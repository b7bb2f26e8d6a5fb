/**
 * The deployment's budget: `glue-mv-refresh:maxCostUsd` and `glue-mv-refresh:maxDpuHours` (and the
 * DPU-hour price forecasts are costed at, `glue-mv-refresh:dpuHourPriceUsd`), the same stack config
 * keys for the provider plugin (its configuration) and the dynamic provider (which reads the stack's
 * config by full key, as it reads `aws:region`; not under `aws:`, whose keys @pulumi/aws validates as
 * its own). Off by default. Pure: the forecasts come from elsewhere.
 */
import type { Forecast } from "./forecast";
import { formatUsd } from "./forecast";
import { showValue } from "./rules";

/** The budget settings, by their names in the plugin's configuration; one list for both providers. */
export const BUDGET_KEYS = ["maxCostUsd", "maxDpuHours", "dpuHourPriceUsd"] as const;
export type BudgetKey = (typeof BUDGET_KEYS)[number];

/** The namespace both providers read the budget under. */
export const BUDGET_NAMESPACE = "glue-mv-refresh";

export interface Budget {
  /** The most the refreshes a deployment starts may be expected to cost, in USD. */
  readonly maxCostUsd?: number;
  /** The most DPU-hours they may be expected to use. */
  readonly maxDpuHours?: number;
  /** The price of a DPU-hour in USD, in place of Glue's published one. */
  readonly dpuHourPriceUsd?: number;
}

/** A problem with a budget setting: its key and the rule, with the value. */
export interface BudgetProblem {
  readonly key: BudgetKey;
  readonly reason: string;
}

/**
 * Reads the budget through `get` (plain names; values as numbers, or as text the way the engine
 * hands a dynamic provider stack config). Each value must be a positive finite number.
 */
export function readBudget(get: (key: BudgetKey) => unknown): { budget: Budget; problems: BudgetProblem[] } {
  const budget: Record<string, number> = {};
  const problems: BudgetProblem[] = [];
  for (const key of BUDGET_KEYS) {
    const raw = get(key);
    if (raw === undefined || raw === null || raw === "") continue;
    const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    if (typeof value === "number" && Number.isFinite(value) && value > 0) budget[key] = value;
    else problems.push({ key, reason: `must be a positive number; got ${showValue(raw)}` });
  }
  return { budget, problems };
}

/** Whether a budget limits anything. */
export const limits = (b: Budget): boolean => b.maxCostUsd !== undefined || b.maxDpuHours !== undefined;

/** A refresh a deployment would start: who asks for it, which view, and its forecast. */
export interface PlannedRefresh {
  /** The resource's name (a group member's `group.key`). */
  readonly name: string;
  /** `database.table`. */
  readonly view: string;
  readonly forecast: Forecast;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** What refreshes add up to: expected cost and DPU-hours, and those with no figures. */
export function totals(planned: readonly PlannedRefresh[]): {
  costUsd: number;
  dpuHours: number;
  unknown: PlannedRefresh[];
} {
  let costUsd = 0;
  let dpuSeconds = 0;
  const unknown: PlannedRefresh[] = [];
  for (const p of planned) {
    if (p.forecast.dpuSeconds === undefined) unknown.push(p);
    else {
      dpuSeconds += p.forecast.dpuSeconds;
      costUsd += p.forecast.costUsd ?? 0;
    }
  }
  return { costUsd: round(costUsd, 4), dpuHours: round(dpuSeconds / 3600, 4), unknown };
}

/**
 * Why the refreshes exceed the budget, naming the limit, the total, and each view's figures; or
 * undefined within it. Refreshes with no forecast count for nothing, and the message says so.
 */
export function overBudget(planned: readonly PlannedRefresh[], budget: Budget): string | undefined {
  const sum = totals(planned);
  const over: string[] = [];
  if (budget.maxCostUsd !== undefined && sum.costUsd > budget.maxCostUsd)
    over.push(
      `expected cost ${formatUsd(sum.costUsd)} exceeds ${BUDGET_NAMESPACE}:maxCostUsd ${formatUsd(budget.maxCostUsd)}`,
    );
  if (budget.maxDpuHours !== undefined && sum.dpuHours > budget.maxDpuHours)
    over.push(`expected ${sum.dpuHours} DPU-hours exceed ${BUDGET_NAMESPACE}:maxDpuHours ${budget.maxDpuHours}`);
  if (over.length === 0) return undefined;
  const views = planned
    .filter((p) => p.forecast.dpuSeconds !== undefined)
    .map(
      (p) =>
        `${p.name} (${p.view}) ${round(p.forecast.dpuSeconds! / 3600, 3)} DPU-hours, ${formatUsd(p.forecast.costUsd ?? 0)}`,
    );
  const unknown =
    sum.unknown.length > 0
      ? `; not counted, with no forecast: ${sum.unknown.map((p) => `${p.name} (${p.view})`).join(", ")}`
      : "";
  return `the refreshes' forecast is over budget: ${over.join("; ")}: ${views.join(", ")}${unknown}. No refresh was started`;
}

/**
 * What a refresh that would start is expected to take and cost, from runs Glue listed: the view's
 * own recent successful runs of the refresh type it will run (FULL when `fullRefresh` is set or the
 * view never ran; else INCREMENTAL), else, as a weaker guess, the database's other views' runs of
 * that type, else nothing: a forecast never makes a number up. Pure.
 */
import type { RefreshRun } from "./run";
import { formatDuration } from "./progress";

export type RefreshType = "FULL" | "INCREMENTAL";
/** Whose runs a forecast's figures come from. */
export type ForecastBasis = "own" | "database" | "none";

/**
 * Glue's published price of a DPU-hour, in USD, by region: AWS Glue pricing,
 * https://aws.amazon.com/glue/pricing/ ("ETL jobs and interactive sessions": $0.44 per DPU-hour,
 * billed per second, in US East (N. Virginia), the region the page's worked examples use).
 * Materialized-view refreshes run on the same Spark compute and are billed in the same DPU-hours.
 * Only the figure the page states is listed; other regions use it too, and say so (`priceAssumed`),
 * until `dpuHourPriceUsd` is set in config.
 */
export const PUBLISHED_DPU_HOUR_PRICE_USD: Readonly<Record<string, number>> = { "us-east-1": 0.44 };
/** The region whose published price stands in for a region the table does not list. */
export const PRICE_FALLBACK_REGION = "us-east-1";

/** The price of a DPU-hour for a region: the configured one, else the published one. */
export function dpuHourPrice(region: string, configured?: number): { usd: number; assumed: boolean } {
  if (configured !== undefined) return { usd: configured, assumed: false };
  const published = PUBLISHED_DPU_HOUR_PRICE_USD[region];
  return published !== undefined
    ? { usd: published, assumed: false }
    : { usd: PUBLISHED_DPU_HOUR_PRICE_USD[PRICE_FALLBACK_REGION], assumed: true };
}

/** How many of a view's newest runs of a type a forecast is based on, at most. */
export const FORECAST_RUNS = 10;

/**
 * What a refresh that would start is expected to take and cost, as previewed outputs carry it (the
 * plugin's schema takes its TSDoc). Figures absent only when `basis` is "none".
 */
export interface Forecast {
  /** The refresh type the run is expected to be, FULL or INCREMENTAL. */
  readonly refreshType: RefreshType;
  /** Whose runs the figures come from: `own`, `database` (the database's other views: a weaker guess) or `none`. */
  readonly basis: ForecastBasis;
  /** How many runs the figures are based on; 0 with no history. */
  readonly basedOnRuns: number;
  /** The median duration of those runs, in seconds. */
  readonly durationSeconds?: number;
  /** The 90th-percentile duration, in seconds: the pessimistic figure. */
  readonly p90DurationSeconds?: number;
  /** The median DPU-seconds of those runs. */
  readonly dpuSeconds?: number;
  /** The median cost in USD, at `dpuHourPriceUsd`. */
  readonly costUsd?: number;
  /** The 90th-percentile cost in USD. */
  readonly p90CostUsd?: number;
  /** The price of a DPU-hour in USD the cost is at. */
  readonly dpuHourPriceUsd: number;
  /** Whether that price is us-east-1's, for want of the region's own published price. */
  readonly priceAssumed?: boolean;
  /** Why no forecast could be made: the List call that failed, on one line (`basis` is then `none`). */
  readonly error?: string;
}

/** The nearest-rank percentile (0 < p ≤ 1) of numbers; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1];
}

/** The median: the middle value, or the mean of the two middle ones. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const started = (r: RefreshRun) => r.startTime?.getTime() ?? 0;
const durationSecondsOf = (r: RefreshRun) => (r.endTime!.getTime() - r.startTime!.getTime()) / 1000;

/** Successful runs with a start, an end and DPU-seconds, newest first. */
function usable(runs: readonly RefreshRun[]): RefreshRun[] {
  return runs
    .filter((r) => r.status === "SUCCEEDED" && r.startTime && r.endTime && r.endTime >= r.startTime)
    .sort((a, b) => started(b) - started(a));
}

/** The type a refresh will run as: FULL when asked, or when the view has no successful run yet. */
export function expectedRefreshType(ownRuns: readonly RefreshRun[], fullRefresh: boolean): RefreshType {
  return fullRefresh || usable(ownRuns).length === 0 ? "FULL" : "INCREMENTAL";
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The figures of a set of runs of one type. */
function figures(runs: readonly RefreshRun[], price: number) {
  const durations = runs.map(durationSecondsOf);
  const dpus = runs.filter((r) => typeof r.dpuSeconds === "number").map((r) => r.dpuSeconds!);
  const dpuSeconds = median(dpus);
  const p90Dpu = percentile(dpus, 0.9);
  const cost = (dpu: number | undefined) => (dpu === undefined ? undefined : round((dpu / 3600) * price, 4));
  return {
    durationSeconds: round(median(durations)!, 1),
    p90DurationSeconds: round(percentile(durations, 0.9)!, 1),
    ...(dpuSeconds !== undefined ? { dpuSeconds: round(dpuSeconds, 1), costUsd: cost(dpuSeconds) } : {}),
    ...(p90Dpu !== undefined ? { p90CostUsd: cost(p90Dpu) } : {}),
  };
}

export interface ForecastRequest {
  /** The view's runs, as a List of the view returns them (any order). */
  readonly ownRuns: readonly RefreshRun[];
  /** The database's runs, for a view with no history of its own; their `tableName` tells views apart. */
  readonly databaseRuns?: readonly RefreshRun[];
  readonly tableName: string;
  readonly fullRefresh: boolean;
  readonly region: string;
  /** The configured DPU-hour price, if any. */
  readonly dpuHourPriceUsd?: number;
}

/** The forecast of a refresh that would start now. */
export function forecast(request: ForecastRequest): Forecast {
  const refreshType = expectedRefreshType(request.ownRuns, request.fullRefresh);
  const price = dpuHourPrice(request.region, request.dpuHourPriceUsd);
  const base = { refreshType, dpuHourPriceUsd: price.usd, ...(price.assumed ? { priceAssumed: true } : {}) };
  const ofType = (runs: readonly RefreshRun[]) => usable(runs).filter((r) => r.refreshType === refreshType);

  const own = ofType(request.ownRuns).slice(0, FORECAST_RUNS);
  if (own.length > 0) return { ...base, basis: "own", basedOnRuns: own.length, ...figures(own, price.usd) };

  // The other views' newest runs of the type, FORECAST_RUNS of each at most.
  const byView = new Map<string, RefreshRun[]>();
  for (const run of ofType(request.databaseRuns ?? [])) {
    if (run.tableName === undefined || run.tableName === request.tableName) continue;
    const runs = byView.get(run.tableName) ?? [];
    if (runs.length < FORECAST_RUNS) runs.push(run);
    byView.set(run.tableName, runs);
  }
  const others = [...byView.values()].flat();
  if (others.length > 0)
    return { ...base, basis: "database", basedOnRuns: others.length, ...figures(others, price.usd) };
  return { ...base, basis: "none", basedOnRuns: 0 };
}

/** No forecast, for want of the runs: a List that failed. */
export function unavailable(fullRefresh: boolean, region: string, error: string, dpuHourPriceUsd?: number): Forecast {
  const price = dpuHourPrice(region, dpuHourPriceUsd);
  return {
    refreshType: fullRefresh ? "FULL" : "INCREMENTAL",
    basis: "none",
    basedOnRuns: 0,
    dpuHourPriceUsd: price.usd,
    ...(price.assumed ? { priceAssumed: true } : {}),
    error,
  };
}

/** "$0.12", "$4.20"; "$0.015" where cents would be off by more than 5%. */
export function formatUsd(usd: number): string {
  const cents = Math.round(usd * 100) / 100;
  return usd === 0 || Math.abs(cents - usd) <= 0.05 * usd ? `$${cents.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

/** The forecast as one line: how long, how much, on what it is based. */
export function describeForecast(f: Forecast): string {
  const type = f.refreshType;
  if (f.error !== undefined) return `no forecast: ${f.error}`;
  if (f.basis === "none")
    return `${type} refresh: no history (no successful ${type} run of this view or of its database's other views), no forecast`;
  const ms = (s: number) => formatDuration(s * 1000);
  const cost =
    f.costUsd !== undefined
      ? `, ${round(f.dpuSeconds! / 3600, 2)} DPU-hours, ${formatUsd(f.costUsd)}` +
        (f.p90CostUsd !== undefined && f.p90CostUsd !== f.costUsd ? ` (p90 ${formatUsd(f.p90CostUsd)})` : "") +
        ` at ${formatUsd(f.dpuHourPriceUsd)}/DPU-hour${f.priceAssumed ? " (us-east-1's price, assumed)" : ""}`
      : ", DPU-seconds not reported";
  const basis =
    f.basis === "own"
      ? `based on its last ${f.basedOnRuns} ${type} run${f.basedOnRuns === 1 ? "" : "s"}`
      : `no history of its own: a guess from ${f.basedOnRuns} ${type} run${f.basedOnRuns === 1 ? "" : "s"} of its database's other views`;
  return `${type} refresh expected to take ${ms(f.durationSeconds!)} (p90 ${ms(f.p90DurationSeconds!)})${cost}; ${basis}`;
}

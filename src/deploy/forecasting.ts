/**
 * Forecasts at deploy time: the runs a forecast is based on, listed read-only (one List of the view,
 * and, for a view with no history of its own or for a group's members, one List of each database,
 * shared by every view of it for a minute), the line the user reads under the resource, and the
 * budget the refreshes a deployment would start are held to, summed over the provider process
 * (a preview's, or an update's) before any Start.
 */
import { listRunsForForecast, targetKey, type AwsTarget, type ListScope } from "../aws/glue";
import { BUDGET_NAMESPACE, limits, overBudget, readBudget, type Budget, type PlannedRefresh } from "../model/budget";
import { describeForecast, expectedRefreshType, forecast, unavailable, type Forecast } from "../model/forecast";
import type { RefreshRun } from "../model/run";
import type { ResolvedSettings } from "../model/state";
import type { Clock } from "../model/wait";

/** How the runs are listed: one page, its failure as the one-line AWS error. */
export type ListForForecast = (
  target: AwsTarget,
  scope: ListScope,
  clock: Clock,
) => Promise<{ runs: RefreshRun[] } | { error: string }>;

/** How long a database's listing serves the views of that database. */
const DATABASE_LISTING_MS = 60_000;

/** The budget settings, read at configure; a problem with them fails every operation, as stack config does. */
export class BudgetSettings {
  private current: Budget = {};
  private problem: Error | undefined;

  /** Reads `glue-mv-refresh:maxCostUsd` and its siblings through the provider's config reader (full keys). */
  configure(read: (key: string) => unknown): void {
    const { budget, problems } = readBudget((key) => read(`${BUDGET_NAMESPACE}:${key}`));
    this.current = budget;
    this.problem =
      problems.length > 0
        ? new Error(
            `the stack config cannot be used: ${problems.map((p) => `${BUDGET_NAMESPACE}:${p.key} ${p.reason}`).join("; ")}. Nothing was called in AWS`,
          )
        : undefined;
  }

  get(): Budget {
    if (this.problem) throw this.problem;
    return this.current;
  }
}

type Listing = Promise<{ runs: RefreshRun[] } | { error: string }>;

/**
 * The databases' listings per clock (one in a provider process, each test its own), shared by the
 * process's forecasters, so that a refresh's and a group's views of one database list it once.
 */
const databaseListings = new WeakMap<Clock, Map<string, { at: number; listing: Listing }>>();

export class Forecaster {
  private readonly databases: Map<string, { at: number; listing: Listing }>;

  constructor(
    private readonly clock: Clock,
    private readonly list: ListForForecast = listRunsForForecast,
  ) {
    let shared = databaseListings.get(clock);
    if (!shared) databaseListings.set(clock, (shared = new Map<string, { at: number; listing: Listing }>()));
    this.databases = shared;
  }

  /** A database's runs, listed once a minute at most for all the views that ask. */
  private database(target: AwsTarget, s: ResolvedSettings) {
    const key = JSON.stringify([targetKey(target), s.catalogId, s.databaseName]);
    const cached = this.databases.get(key);
    if (cached && this.clock.now() - cached.at < DATABASE_LISTING_MS) return cached.listing;
    const listing = this.list(target, { catalogId: s.catalogId, databaseName: s.databaseName }, this.clock);
    this.databases.set(key, { at: this.clock.now(), listing });
    return listing;
  }

  /** A view's forecast: its own runs, then, with no history of the type, its database's. */
  async forView(s: ResolvedSettings, target: AwsTarget, price: number | undefined): Promise<Forecast> {
    const own = await this.list(
      target,
      { catalogId: s.catalogId, databaseName: s.databaseName, tableName: s.tableName },
      this.clock,
    );
    if ("error" in own) return unavailable(s.fullRefresh, s.region, own.error, price);
    return this.fromRuns(s, target, price, own.runs);
  }

  /** A group member's forecast, from one listing of its database shared with the other members. */
  async forMember(s: ResolvedSettings, target: AwsTarget, price: number | undefined): Promise<Forecast> {
    const listing = await this.database(target, s);
    if ("error" in listing) return unavailable(s.fullRefresh, s.region, listing.error, price);
    return this.fromRuns(
      s,
      target,
      price,
      listing.runs.filter((r) => r.tableName === s.tableName),
      listing.runs,
    );
  }

  private async fromRuns(
    s: ResolvedSettings,
    target: AwsTarget,
    price: number | undefined,
    ownRuns: RefreshRun[],
    databaseRuns?: RefreshRun[],
  ): Promise<Forecast> {
    const request = {
      ownRuns,
      tableName: s.tableName,
      fullRefresh: s.fullRefresh,
      region: s.region,
      dpuHourPriceUsd: price,
    };
    const first = forecast({ ...request, databaseRuns });
    if (first.basis !== "none" || databaseRuns !== undefined) return first;
    // No history of the type: the database's other views, a weaker guess.
    const type = expectedRefreshType(ownRuns, s.fullRefresh);
    const listing = await this.database(target, s);
    if ("error" in listing) return first;
    return { ...forecast({ ...request, databaseRuns: listing.runs }), refreshType: type };
  }
}

/** The line the user reads under the resource: why it refreshes, how long, how much. */
export function forecastLine(why: string, f: Forecast): string {
  return `would refresh (${why}): ${describeForecast(f)}`;
}

/**
 * The refreshes a provider process would start, by who asks (a resource's or member's name), and
 * the budget their forecasts are held to, as one sum.
 */
export class BudgetLedger {
  private readonly planned = new Map<string, PlannedRefresh>();

  /**
   * Adds refreshes (replacing those of the same names) and throws, naming the views and figures,
   * when the sum is over the budget: before any of them starts. Within it, or with no budget, keeps them.
   */
  charge(refreshes: readonly PlannedRefresh[], budget: Budget, subject: string): void {
    if (!limits(budget)) return;
    const next = new Map(this.planned);
    for (const r of refreshes) next.set(r.name, r);
    const why = overBudget([...next.values()], budget);
    if (why) throw new Error(`${subject}: ${why}`);
    for (const r of refreshes) this.planned.set(r.name, r);
  }
}

/** The ledger of the provider process: every resource's and group's refreshes count against one budget. */
export const processLedger = new BudgetLedger();

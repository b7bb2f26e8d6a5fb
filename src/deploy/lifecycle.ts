/**
 * The MaterializedViewRefresh provider at deploy time: check, diff, create, update, read, delete,
 * each a few calls to the units of one view's refresh (targets.ts, starting.ts, following.ts,
 * verdict.ts, recorded-run.ts). The serialized provider loads this module inside the provider host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { planChange, whyRefresh } from "../model/diff";
import { keepingProvider, RefreshFailedError } from "../model/errors";
import { answering } from "./interrupt";
import { settle } from "./following";
import type { AwsTarget } from "../aws/glue";
import { DEFAULTS, validateInputs, withDefaults, type RefreshInputs } from "../model/inputs";
import { subject } from "../model/progress";
import { pickUp, readBack } from "./recorded-run";
import { createRefreshContext, say, within, type RefreshContext, type RefreshContextOptions } from "./refresh-context";
import type { RetryContext } from "../aws/retry";
import type { RefreshRun } from "../model/run";
import { begin } from "./starting";
import {
  buildState,
  pickRunFields,
  runFields,
  withRunFields,
  type RefreshState,
  type ResolvedSettings,
} from "../model/state";
import { verdict } from "./verdict";
import { BudgetSettings, Forecaster, forecastLine, processLedger } from "./forecasting";
import type { Forecast } from "../model/forecast";
import { limits } from "../model/budget";
import { UNKNOWN } from "../model/inputs";
import type { RunStatus } from "../model/run";

/** How the lifecycle meets the world: time, output, jitter, polling, interruptions. */
export type LifecycleOptions = Omit<RefreshContextOptions, "kind">;

/** The provider's lifecycle, every method present, and the preview the provider plugin answers. */
export type RefreshLifecycle = Required<pulumi.dynamic.ResourceProvider<RefreshInputs, RefreshState>> & {
  /**
   * What a create (no `olds`) or an update would do, starting and stopping nothing: the outputs as
   * previewed, the run's unknown, with the refresh's `forecast` (the plugin's Create and Update with
   * `preview`). Read-only: List calls only. Fails, naming the views, when the forecast is over budget.
   */
  preview(inputs: RefreshInputs, olds?: RefreshState): Promise<PreviewedRefresh>;
};

/** A refresh's outputs as previewed: its run not known yet, its forecast when it would start one. */
export type PreviewedRefresh = RefreshState & { readonly forecast?: Forecast | typeof UNKNOWN };

/** The run fields of a refresh that has not started yet: unknown. */
export const UNKNOWN_RUN = { runId: UNKNOWN, status: UNKNOWN as RunStatus, startedAt: UNKNOWN } as const;

/** Whether the view is known: a preview's view may come from outputs not known yet. */
export const viewKnown = (s: ResolvedSettings): boolean =>
  [s.catalogId, s.databaseName, s.tableName, s.region, s.fullRefresh].every((v) => v !== UNKNOWN);

/** A timeout for lookups in a preview, where the resource's own may not be known yet. */
export const knownTimeout = (minutes: unknown): number =>
  typeof minutes === "number" ? minutes : DEFAULTS.timeoutMinutes;

/** The resource's id: its view, fully qualified. */
const idOf = (s: ResolvedSettings) => `${s.catalogId}:${s.databaseName}.${s.tableName}`;

/** Starts (or adopts) a run and, when asked, waits for its outcome. */
async function refresh(
  ctx: RefreshContext,
  s: ResolvedSettings,
  target: AwsTarget,
  id: string,
  budget: RetryContext,
): Promise<RefreshState> {
  const { run, began } = await begin(ctx, s, target, budget);
  return s.waitForCompletion
    ? outcome(ctx, s, target, id, run, budget, began)
    : buildState(s, runFields(run, new Date(began)));
}

/** Waits for our run, failing the deployment with partial state that keeps it when it did not succeed. */
async function outcome(
  ctx: RefreshContext,
  s: ResolvedSettings,
  target: AwsTarget,
  id: string,
  run: RefreshRun,
  budget: RetryContext,
  began: number,
): Promise<RefreshState> {
  const waited = await settle(ctx, s, target, run, budget).catch((error: unknown) => ({ error }));
  const judged = verdict(ctx, s, run, waited, began);
  if (judged.ok) return judged.state;
  throw new RefreshFailedError(`${subject(ctx.kind, s)}: ${judged.why}`, id, { ...judged.state });
}

/** Picks up a waited-for run the last deployment did not see finish. */
async function resume(
  ctx: RefreshContext,
  s: ResolvedSettings,
  target: AwsTarget,
  id: string,
  olds: RefreshState,
  budget: RetryContext,
): Promise<RefreshState> {
  const next = await pickUp(ctx, s, target, olds, budget);
  switch (next.kind) {
    case "ended":
      return next.state;
    case "restart":
      say(ctx, s, `starting a new refresh: ${next.reason}`);
      return refresh(ctx, s, target, id, budget);
    case "follow":
      return outcome(ctx, s, target, id, next.run, budget, ctx.clock.now());
  }
}

export function createLifecycle(options: LifecycleOptions = {}): RefreshLifecycle {
  const ctx = createRefreshContext(options);
  const { targets } = ctx;
  const budget = new BudgetSettings();
  const forecaster = new Forecaster(ctx.clock);

  /**
   * The refresh's forecast, printed under the resource and charged to the budget (which throws
   * before any Start when it is over). `always` false: only when a budget is set (at create and
   * update, whose preview already said it).
   */
  async function forecastOf(s: ResolvedSettings, target: AwsTarget, why: string, always: boolean) {
    const budgetNow = budget.get();
    if (!always && !limits(budgetNow)) return undefined;
    const result = await forecaster.forView(s, target, budgetNow.dpuHourPriceUsd);
    say(ctx, s, forecastLine(why, result));
    processLedger.charge(
      [{ name: s.resourceName, view: `${s.databaseName}.${s.tableName}`, forecast: result }],
      budgetNow,
      subject(ctx.kind, s),
    );
    return result;
  }

  return {
    async configure(req) {
      targets.configure((key) => req.config.get(key));
      budget.configure((key) => req.config.get(key));
    },

    async preview(inputs, olds) {
      targets.configured();
      budget.get();
      const partial = withDefaults(inputs);
      const { settings, target } = await targets.resolve(partial, within(ctx, knownTimeout(partial.timeoutMinutes)));
      const why = whyRefresh(olds ? planChange(olds, settings) : { kind: "create" });
      if (olds && why === undefined) return buildState(settings, pickRunFields(olds));
      const state = buildState(settings, UNKNOWN_RUN);
      if (why === undefined || !viewKnown(settings)) return { ...state, forecast: UNKNOWN };
      return { ...state, forecast: await forecastOf(settings, target, why, true) };
    },

    async check(olds, news) {
      targets.configured();
      const failures = validateInputs(news as unknown as Record<string, unknown>);
      if (failures.length === 0) {
        const partial = withDefaults(news);
        const budgetNow = within(ctx, knownTimeout(partial.timeoutMinutes));
        await targets.checkGuards(partial, budgetNow);
        // The dynamic provider's preview calls no Create: a new view's forecast is said, and held
        // to the budget, here, when a budget is set (check has no olds for a create).
        if (Object.keys(olds ?? {}).length === 0 && limits(budget.get())) {
          const { settings, target } = await targets.resolve(partial, budgetNow);
          if (viewKnown(settings)) await forecastOf(settings, target, "a new view", false);
        }
      }
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      targets.configured();
      const partial = withDefaults(news);
      const { settings, target } = await targets.resolve(partial, within(ctx, partial.timeoutMinutes));
      const plan = planChange(olds, settings);
      // Nor Update: an update's forecast is said, and held to the budget, here, when one is set.
      const why = whyRefresh(plan);
      if (why !== undefined && viewKnown(settings)) await forecastOf(settings, target, why, false);
      switch (plan.kind) {
        case "none":
          return { changes: false };
        case "replace":
          return { changes: true, replaces: plan.properties, deleteBeforeReplace: false };
        default:
          return { changes: true };
      }
    },

    create: (inputs) =>
      answering(async () => {
        targets.configured();
        const partial = withDefaults(inputs);
        const budget = within(ctx, partial.timeoutMinutes, ctx.interrupts());
        const { settings, target } = await targets.resolve(partial, budget);
        const id = idOf(settings);
        await forecastOf(settings, target, "a new view", false);
        return { id, outs: await keepingProvider(inputs, refresh(ctx, settings, target, id, budget)) };
      }),

    update: (id, olds, news) =>
      answering(async () => {
        targets.configured();
        const partial = withDefaults(news);
        const budget = within(ctx, partial.timeoutMinutes, ctx.interrupts());
        const { settings, target } = await targets.resolve(partial, budget);
        const plan = planChange(olds, settings);
        switch (plan.kind) {
          case "replace":
            throw new Error(
              `${subject(ctx.kind, settings)}: ${plan.properties.join(", ")} changed; this needs a replacement, not an update`,
            );
          case "refresh":
            await forecastOf(settings, target, plan.reason, false);
            say(ctx, settings, `starting a new refresh: ${plan.reason}`);
            return { outs: await keepingProvider(news, refresh(ctx, settings, target, id, budget)) };
          case "resume":
            return { outs: await keepingProvider(news, resume(ctx, settings, target, id, olds, budget)) };
          default:
            return { outs: buildState(settings, pickRunFields(olds)) };
        }
      }),

    async read(id, props) {
      targets.configured();
      if (!props?.runId) {
        throw new Error(`MaterializedViewRefresh ${id}: cannot be imported or read without a recorded run id`);
      }
      const run = await readBack(ctx, props, within(ctx, props.timeoutMinutes ?? DEFAULTS.timeoutMinutes));
      if (!run) {
        say(ctx, props, `Glue no longer knows refresh run ${props.runId}; keeping the recorded state`);
        return { id, props };
      }
      return { id, props: withRunFields(props, runFields(run, new Date(props.startedAt))) };
    },

    async delete() {
      // A refresh cannot be undone: nothing to call.
    },
  };
}

/** The lifecycle the provider host runs. */
export const lifecycle: RefreshLifecycle = createLifecycle();

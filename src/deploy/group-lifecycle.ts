/**
 * The MaterializedViewRefreshGroup provider at deploy time: check, diff, create, update, read,
 * delete over the group's members. Each member refreshes by the rules of a MaterializedViewRefresh;
 * a deployment's work is group-deployment.ts's, what it reports group-report.ts's.
 */
import type * as pulumi from "@pulumi/pulumi";
import { keepingProvider } from "../model/errors";
import { answering } from "./interrupt";
import { GroupDeployment, planOf, resolveMembers } from "./group-deployment";
import { memberSettings, validateGroupInputs, type GroupInputs } from "../model/group-inputs";
import { groupOutcome, type GroupState } from "./group-report";
import { DEFAULTS, UNKNOWN } from "../model/inputs";
import { knownTimeout, viewKnown, type LifecycleOptions } from "./lifecycle";
import { whyRefresh } from "../model/diff";
import { BudgetSettings, Forecaster, forecastLine, processLedger } from "./forecasting";
import type { Forecast } from "../model/forecast";
import { limits } from "../model/budget";
import { say } from "./refresh-context";
import { readBack } from "./recorded-run";
import { createRefreshContext, within, type RefreshContext } from "./refresh-context";
import { runFields, withRunFields } from "../model/state";

export type { GroupState } from "./group-report";

const isUnknown = (value: unknown): boolean => value === UNKNOWN;

/** The group provider's lifecycle, every method present, and the preview the provider plugin answers. */
export type GroupLifecycle = Required<pulumi.dynamic.ResourceProvider<GroupInputs, GroupState>> & {
  /**
   * What a create (no `olds`) or update would do, starting and stopping nothing: the outputs as
   * previewed, the runs unknown, with a `forecast` of each member that would refresh, by key.
   * Read-only: one List per database of the members. Fails, naming the views, over budget.
   */
  preview(inputs: GroupInputs, olds?: GroupState): Promise<PreviewedGroup>;
};

/** A group's outputs as previewed. */
export interface PreviewedGroup {
  readonly resourceName: string;
  readonly maxConcurrent?: number;
  readonly runs: typeof UNKNOWN;
  readonly forecast: Readonly<Record<string, Forecast>> | typeof UNKNOWN;
}

/** Runs every member's part of a create or update, then records the group or fails with partial state. */
async function deploy(ctx: RefreshContext, group: GroupInputs, olds: GroupState | undefined): Promise<GroupState> {
  const name = group.resourceName ?? "group";
  const members = await resolveMembers(ctx, group, olds);
  const results = await new GroupDeployment(ctx, name, members, group.maxConcurrent, ctx.interrupts()).run();
  const { state, failure } = groupOutcome(name, group.maxConcurrent, members, results);
  if (failure) throw failure;
  return state;
}

export function createGroupLifecycle(options: LifecycleOptions = {}): GroupLifecycle {
  const ctx = createRefreshContext({ ...options, kind: "MaterializedViewRefreshGroup member" });
  const { targets } = ctx;
  const budget = new BudgetSettings();
  const forecaster = new Forecaster(ctx.clock);

  /**
   * The forecast of each member that would refresh (one List per database), printed under the
   * group and charged to the budget, which throws before any Start when over. `always` false: only
   * when a budget is set (at create and update, whose preview already said it).
   */
  async function forecastMembers(group: GroupInputs, olds: GroupState | undefined, always: boolean) {
    const budgetNow = budget.get();
    const forecasts: Record<string, Forecast> = {};
    if (!always && !limits(budgetNow)) return forecasts;
    const known = Object.fromEntries(Object.entries(group.views).filter(([, m]) => !isUnknown(m)));
    const members = await resolveMembers(ctx, { ...group, views: known }, olds);
    const planned = [];
    for (const m of members) {
      const why = whyRefresh(planOf(m));
      if (why === undefined || !viewKnown(m.settings)) continue;
      const forecast = await forecaster.forMember(m.settings, m.target, budgetNow.dpuHourPriceUsd);
      say(ctx, m.settings, forecastLine(why, forecast));
      forecasts[m.key] = forecast;
      planned.push({
        name: m.settings.resourceName,
        view: `${m.settings.databaseName}.${m.settings.tableName}`,
        forecast,
      });
    }
    processLedger.charge(planned, budgetNow, `MaterializedViewRefreshGroup "${group.resourceName ?? "group"}"`);
    return forecasts;
  }

  return {
    async configure(req) {
      targets.configure((key) => req.config.get(key));
      budget.configure((key) => req.config.get(key));
    },

    async preview(inputs, olds) {
      targets.configured();
      const head = {
        resourceName: inputs.resourceName ?? "group",
        maxConcurrent: inputs.maxConcurrent,
        runs: UNKNOWN,
      } as const;
      if (isUnknown(inputs.views)) return { ...head, forecast: UNKNOWN };
      return { ...head, forecast: await forecastMembers(inputs, olds, true) };
    },

    async check(olds, news) {
      targets.configured();
      const failures = validateGroupInputs(news as unknown as Record<string, unknown>);
      if (failures.length === 0 && !isUnknown(news.views)) {
        for (const key of Object.keys(news.views).filter((k) => !isUnknown(news.views[k]))) {
          const partial = memberSettings(news, key);
          await targets.checkGuards(partial, within(ctx, knownTimeout(partial.timeoutMinutes)));
        }
        // The dynamic provider's preview calls no Create: a new group's forecasts are said, and
        // held to the budget, here, when a budget is set.
        if (Object.keys(olds ?? {}).length === 0) await forecastMembers(news, undefined, false);
      }
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      targets.configured();
      // Members not known yet (a preview) may change anything.
      if (isUnknown(news.views) || Object.values(news.views).some(isUnknown)) return { changes: true };
      const members = await resolveMembers(ctx, news, olds);
      const removed = Object.keys(olds.runs ?? {}).some((key) => !(key in news.views));
      const changed =
        removed || olds.maxConcurrent !== news.maxConcurrent || members.some((m) => planOf(m).kind !== "none");
      // Nor Update: the members' forecasts are said, and held to the budget, here, when one is set.
      if (changed) await forecastMembers(news, olds, false);
      return { changes: changed };
    },

    async create(inputs) {
      targets.configured();
      const id = inputs.resourceName ?? "group";
      await forecastMembers(inputs, undefined, false);
      return { id, outs: await answering(() => keepingProvider(inputs, deploy(ctx, inputs, undefined))) };
    },

    async update(_id, olds, news) {
      targets.configured();
      await forecastMembers(news, olds, false);
      return { outs: await answering(() => keepingProvider(news, deploy(ctx, news, olds))) };
    },

    async read(id, props) {
      targets.configured();
      if (!props)
        throw new Error(`MaterializedViewRefreshGroup ${id}: cannot be imported or read without recorded runs`);
      const runs = await Promise.all(
        Object.entries(props.runs).map(async ([key, member]) => {
          const budget = within(ctx, member.timeoutMinutes ?? DEFAULTS.timeoutMinutes);
          const run = member.runId ? await readBack(ctx, member, budget) : undefined;
          return [key, run ? withRunFields(member, runFields(run, new Date(member.startedAt))) : member] as const;
        }),
      );
      return { id, props: { ...props, runs: Object.fromEntries(runs) } };
    },

    async delete() {
      // A refresh cannot be undone: nothing to call.
    },
  };
}

/** The group lifecycle the provider host runs. */
export const groupLifecycle: GroupLifecycle = createGroupLifecycle();

/**
 * The provider plugin's resource types, each a thin face over a dynamic provider's lifecycle: what
 * the plugin adds to the inputs before the lifecycle's check (the resource's name, and the
 * upstreams' runs as triggers, as the TypeScript classes add them in the program) and to the
 * outputs after (a refresh's `upstream`). Pure, but for the lifecycles it is given.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GroupLifecycle } from "../deploy/group-lifecycle";
import { UNKNOWN, type InputFailure, type UpstreamRun } from "../model/inputs";
import type { RefreshLifecycle } from "../deploy/lifecycle";
import { withUpstreamTriggers } from "../model/upstream-triggers";
import type { Forecast } from "../model/forecast";
import { PLUGIN_NAME } from "./config";

/** The type tokens the plugin serves. */
export const REFRESH_TYPE = `${PLUGIN_NAME}:index:MaterializedViewRefresh`;
export const GROUP_TYPE = `${PLUGIN_NAME}:index:MaterializedViewRefreshGroup`;

type Values = Record<string, unknown>;

/** A lifecycle over values as they cross the wire, untyped: the plugin checks before it calls. */
export type WireLifecycle = Required<pulumi.dynamic.ResourceProvider<Values, Values>> & {
  /** The outputs of a create (no `olds`) or update as previewed, with the forecast; starts nothing. */
  preview(inputs: Values, olds?: Values): Promise<Values>;
};

/** Inputs ready for a lifecycle's check, and what the plugin itself refused in them. */
export interface Prepared {
  readonly inputs: Values;
  readonly failures: readonly InputFailure[];
}

/** One resource type: its lifecycle, and how the plugin prepares its inputs and presents its outputs. */
export interface PluginResource {
  readonly lifecycle: WireLifecycle;
  /** The inputs the lifecycle checks, from the program's and the resource's name. */
  readonly prepare: (news: Values, name: string) => Prepared;
  /** The outputs the engine records, from the lifecycle's. */
  readonly present: (outs: Values) => Values;
}

/** What the plugin's MaterializedViewRefresh records beside the TypeScript resource's outputs. */
export interface PluginRefreshOutputs {
  /**
   * This view's last run, in the shape a downstream view's `upstreams` takes: pass it there to
   * refresh the downstream view after this one.
   */
  readonly upstream: UpstreamRun;
  /**
   * In a preview of a create or an update that would start a refresh: what the refresh is expected
   * to take and cost, from the view's recent runs (the preview's engine events carry it). Only in a
   * preview: a deployment does not record it.
   */
  readonly forecast?: Forecast;
}

/** What the plugin's MaterializedViewRefreshGroup shows in a preview beside its outputs. */
export interface PluginGroupOutputs {
  /**
   * In a preview: each member that would refresh, by key, with what its refresh is expected to take
   * and cost. Only in a preview: a deployment does not record it.
   */
  readonly forecast?: Readonly<Record<string, Forecast>>;
}

/** A resource's name: the last part of its URN. */
export const nameOfUrn = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

const UPSTREAM_FIELDS = ["runId", "status", "catalogId", "databaseName", "tableName", "region"] as const;

/** The run a downstream view's `upstreams` takes from a refresh's outputs, once it has one. */
export function upstreamOf(outs: Values): UpstreamRun | undefined {
  if (UPSTREAM_FIELDS.some((field) => typeof outs[field] !== "string")) return undefined;
  return Object.fromEntries(UPSTREAM_FIELDS.map((field) => [field, outs[field]])) as unknown as UpstreamRun;
}

const isMap = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The view's triggers with its upstreams' runs added. Values the lifecycle's check refuses (a
 * `triggers` that is not a map, `upstreams` that is not a list) are left for it to name.
 */
function withSources(view: Values, path: string): Prepared {
  const { upstreams, triggers } = view;
  const given = triggers ?? undefined;
  const listed = Array.isArray(upstreams) || upstreams === UNKNOWN;
  if (!listed || (given !== undefined && given !== UNKNOWN && !isMap(given))) return { inputs: view, failures: [] };
  const runs = (upstreams === UNKNOWN ? [UNKNOWN] : upstreams) as UpstreamRun[];
  try {
    const folded = withUpstreamTriggers(given as Values | undefined, runs);
    return { inputs: folded === undefined ? view : { ...view, triggers: folded }, failures: [] };
  } catch (error) {
    return {
      inputs: view,
      failures: [{ property: `${path}upstreams`, reason: `${path}upstreams: ${(error as Error).message}` }],
    };
  }
}

export function refreshResource(lifecycle: RefreshLifecycle): PluginResource {
  return {
    lifecycle: lifecycle as unknown as WireLifecycle,
    prepare: (news, name) => withSources({ ...news, resourceName: name }, ""),
    present: (outs) => {
      // A preview's run is not known yet: neither is the upstream a downstream view takes.
      if (outs.runId === UNKNOWN) return { ...outs, upstream: UNKNOWN };
      const upstream = upstreamOf(outs);
      return upstream ? { ...outs, upstream } : outs;
    },
  };
}

export function groupResource(lifecycle: GroupLifecycle): PluginResource {
  return {
    lifecycle: lifecycle as unknown as WireLifecycle,
    prepare: (news, name) => {
      const group: Values = { ...news, resourceName: name };
      if (!isMap(group.views)) return { inputs: group, failures: [] };
      const failures: InputFailure[] = [];
      const views = Object.fromEntries(
        Object.entries(group.views).map(([key, member]) => {
          if (!isMap(member)) return [key, member];
          const prepared = withSources(member, `views.${key}.`);
          failures.push(...prepared.failures);
          return [key, prepared.inputs];
        }),
      );
      return { inputs: { ...group, views }, failures };
    },
    present: (outs) => outs,
  };
}

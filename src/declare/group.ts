/**
 * What users declare: MaterializedViewRefreshGroup, many views refreshed by one resource, so that
 * they refresh at Glue's pace while the deployment gives them one of its `--parallel` slots.
 */
import * as pulumi from "@pulumi/pulumi";
import { refreshInputs, withSecretExternalId } from "./arguments";
import type { RunStatus } from "../model/run";
import groupProvider = require("../group-provider");
import type { IfRunningPolicy } from "../model/inputs";
import type { MaterializedViewRefreshArgs } from "./resource";

/** One view of a {@link MaterializedViewRefreshGroup}, with the meaning these have on a MaterializedViewRefresh. */
export interface MaterializedViewRefreshGroupMember extends Pick<
  MaterializedViewRefreshArgs,
  "view" | "refreshOnViewChange" | "sources" | "databaseName" | "tableName" | "catalogId" | "fullRefresh" | "triggers"
> {
  /**
   * What to do when the view already has a refresh running.
   * @default the group's `ifRunning`
   */
  readonly ifRunning?: pulumi.Input<IfRunningPolicy>;
  /**
   * The longest this view's refresh is waited for, in minutes.
   * @default the group's `timeoutMinutes`
   */
  readonly timeoutMinutes?: pulumi.Input<number>;
}

/** Arguments of a {@link MaterializedViewRefreshGroup}; those shared with MaterializedViewRefresh apply to every member. */
export interface MaterializedViewRefreshGroupArgs extends Pick<
  MaterializedViewRefreshArgs,
  "waitForCompletion" | "region" | "endpoint" | "assumeRole" | "quiet"
> {
  /** The views to refresh, by a key of your choosing that names each in `runs` and in messages. Not an `Input`. */
  readonly views: Readonly<Record<string, MaterializedViewRefreshGroupMember>>;
  /**
   * The group's runs in flight at once; members beyond it start as earlier runs end.
   * @default every member
   */
  readonly maxConcurrent?: pulumi.Input<number>;
  /**
   * The longest a member's refresh is waited for, in minutes, for each member that does not set it.
   * @default 60
   */
  readonly timeoutMinutes?: pulumi.Input<number>;
  /**
   * What to do when a member's view already has a refresh running, for each member that does not set it.
   * @default "wait"
   */
  readonly ifRunning?: pulumi.Input<IfRunningPolicy>;
}

/** The run a member of a group last started or adopted, and the view and settings it ran with. */
export interface MaterializedViewRefreshGroupRun {
  /** The run's id (MaterializedViewRefreshTaskRunId). */
  readonly runId: string;
  /** The run's status when last seen. */
  readonly status: RunStatus;
  /** When the run started, as an ISO 8601 timestamp. */
  readonly startedAt: string;
  /** FULL or INCREMENTAL, once Glue has decided. */
  readonly refreshType?: string;
  /** When the run ended, as an ISO 8601 timestamp, once it has. */
  readonly endTime?: string;
  /** The compute the run used, in DPU-seconds, when Glue reports it. */
  readonly dpuSeconds?: number;
  /** The bytes the run processed, when Glue reports it. */
  readonly processedBytes?: number;
  /** Glue's error message for a run that did not succeed. */
  readonly errorMessage?: string;
  /** The view's Data Catalog. */
  readonly catalogId: string;
  /** The view's database. */
  readonly databaseName: string;
  /** The view's name. */
  readonly tableName: string;
  /** The view's region. */
  readonly region: string;
  /** The triggers of the run, sources included. */
  readonly triggers: Record<string, unknown>;
}

/**
 * Refreshes many AWS Glue materialized views as one resource: each member refreshes exactly when a
 * MaterializedViewRefresh would (created, its triggers, `fullRefresh` or sources changed), the
 * members' runs go on at once (up to `maxConcurrent`) and are waited for together, and the whole
 * group holds one of the deployment's `--parallel` slots.
 *
 * @example
 * ```ts
 * const group = new MaterializedViewRefreshGroup("sales-views", {
 *   views: {
 *     daily: { databaseName: "sales", tableName: "daily_mv" },
 *     weekly: { databaseName: "sales", tableName: "weekly_mv", triggers: { v: 2 } },
 *   },
 *   maxConcurrent: 20,
 * });
 * export const runs = group.runs;
 * ```
 */
export class MaterializedViewRefreshGroup extends pulumi.dynamic.Resource {
  /** Each member's run, by member key. */
  declare readonly runs: pulumi.Output<Record<string, MaterializedViewRefreshGroupRun>>;

  /**
   * @param name The unique name of the resource.
   * @param args The views to refresh and how.
   * @param opts Options of the resource.
   */
  constructor(name: string, args: MaterializedViewRefreshGroupArgs, opts?: pulumi.CustomResourceOptions) {
    const { views, assumeRole, ...shared } = args;
    const subject = `MaterializedViewRefreshGroup "${name}"`;
    if (typeof views !== "object" || views === null || Array.isArray(views)) {
      throw new Error(`${subject}: views must be a map of member keys to views; got ${typeof views}`);
    }
    const members = Object.fromEntries(
      Object.entries(views).map(([key, member]) => [key, refreshInputs(`${subject} member "${key}"`, member)]),
    );
    super(
      groupProvider,
      name,
      {
        runs: undefined,
        ...shared,
        ...(assumeRole === undefined ? {} : { assumeRole: withSecretExternalId(assumeRole) }),
        views: members,
        resourceName: name,
      },
      opts,
      "glue",
      "MaterializedViewRefreshGroup",
    );
  }
}

/**
 * What users declare: MaterializedViewRefreshGroup, many views refreshed by one resource, so that
 * they refresh at Glue's pace while the deployment gives them one of its `--parallel` slots.
 */
import * as pulumi from "@pulumi/pulumi";
import { refreshInputs, withSecretExternalId } from "./arguments";
import type { RunStatus } from "./glue";
import groupProvider = require("./group-provider");
import type { AssumeRoleArgs, IfRunningPolicy } from "./inputs";
import type { RefreshSource } from "./resource";
import type { GlueTableLike } from "./view";

/** One view of a {@link MaterializedViewRefreshGroup}, with the meaning these have on a MaterializedViewRefresh. */
export interface MaterializedViewRefreshGroupMember {
  /**
   * The materialized view as a Glue table resource; its catalog, database, name and region are taken from it.
   * @default none: give `databaseName` and `tableName` instead
   */
  readonly view?: GlueTableLike;
  /**
   * With `view`, start a new refresh whenever the table's definition changes.
   * @default true
   */
  readonly refreshOnViewChange?: boolean;
  /**
   * The tables and upstream views the view is built on; it refreshes after them.
   * @default none
   */
  readonly sources?: readonly RefreshSource[];
  /**
   * The Glue database that holds the view; required unless `view` is given.
   * @default the `view`'s database
   */
  readonly databaseName?: pulumi.Input<string>;
  /**
   * The materialized view; required unless `view` is given.
   * @default the `view`'s name
   */
  readonly tableName?: pulumi.Input<string>;
  /**
   * The Data Catalog that holds the view.
   * @default the `view`'s catalog, else the account of the identity that makes the Glue calls
   */
  readonly catalogId?: pulumi.Input<string>;
  /**
   * Ask Glue for a full refresh; a change starts a new refresh.
   * @default false
   */
  readonly fullRefresh?: pulumi.Input<boolean>;
  /**
   * Any JSON values; a change of any of them starts a new refresh of this view.
   * @default {}
   */
  readonly triggers?: pulumi.Input<Record<string, unknown>>;
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

/** Arguments of a {@link MaterializedViewRefreshGroup}. */
export interface MaterializedViewRefreshGroupArgs {
  /** The views to refresh, by a key of your choosing that names each in `runs` and in messages. Not an `Input`. */
  readonly views: Readonly<Record<string, MaterializedViewRefreshGroupMember>>;
  /**
   * The group's runs in flight at once; members beyond it start as earlier runs end.
   * @default every member
   */
  readonly maxConcurrent?: pulumi.Input<number>;
  /**
   * Whether the deployment waits for every run and succeeds only when all SUCCEEDED.
   * @default true
   */
  readonly waitForCompletion?: pulumi.Input<boolean>;
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
  /**
   * The AWS region of the views that are not given as a `view` that knows its region.
   * @default the stack config `aws:region`, then the AWS SDK's own chain
   */
  readonly region?: pulumi.Input<string>;
  /**
   * An endpoint URL for Glue and STS (a VPC endpoint, a local emulator); https unless loopback.
   * @default the AWS SDK's endpoint for the region
   */
  readonly endpoint?: pulumi.Input<string>;
  /**
   * A role assumed after the stack config's `aws:assumeRoles`, to reach the views' account.
   * @default none
   */
  readonly assumeRole?: pulumi.Input<AssumeRoleArgs>;
  /**
   * Print nothing while waiting (failures still fail the deployment).
   * @default false
   */
  readonly quiet?: pulumi.Input<boolean>;
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

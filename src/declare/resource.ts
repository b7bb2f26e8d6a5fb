/**
 * What users declare: the MaterializedViewRefresh resource and its arguments.
 * Everything that runs at deploy time lives behind the serialized provider.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RunStatus } from "../model/run";
import type { AssumeRoleArgs, IfRunningPolicy } from "../model/inputs";
import { refreshInputs } from "./arguments";
import refreshProvider = require("../provider");
import type { GlueTableLike } from "./view";

/**
 * What a materialized view is built on: a Glue table (`aws.glue.CatalogTable`, or any object with
 * `catalogId`, `databaseName` and `name`), or the refresh of an upstream view.
 */
export type RefreshSource = GlueTableLike | MaterializedViewRefresh;

/** Arguments of a {@link MaterializedViewRefresh}. */
export interface MaterializedViewRefreshArgs {
  /**
   * The materialized view as a Glue table resource (`aws.glue.CatalogTable`, or any object with
   * `catalogId`, `databaseName` and `name`): its catalog, database, name and region are taken from
   * it, and the refresh depends on it.
   * @default none: give `databaseName` and `tableName` instead
   */
  readonly view?: GlueTableLike;
  /**
   * With `view`, start a new refresh whenever the table's definition changes (columns, partition
   * keys, view SQL, source tables, parameters other than those Glue updates itself).
   * @default true
   */
  readonly refreshOnViewChange?: boolean;
  /**
   * The tables and upstream views the view is built on; the refresh runs after them. A new run
   * starts when a source table's schema (columns, partition keys) changes, and when an upstream
   * view's refresh ran again, once that run has ended SUCCEEDED. Recorded in `triggers` as
   * `source:<database>.<table>`.
   * @default none
   */
  readonly sources?: readonly RefreshSource[];
  /**
   * The Glue database that holds the materialized view; required unless `view` is given.
   * @default the `view`'s database
   */
  readonly databaseName?: pulumi.Input<string>;
  /**
   * The materialized view (a Glue table) to refresh; required unless `view` is given.
   * @default the `view`'s name
   */
  readonly tableName?: pulumi.Input<string>;
  /**
   * The Data Catalog that holds the view; changing it replaces the resource.
   * @default the `view`'s catalog, else the caller's AWS account id (STS GetCallerIdentity)
   */
  readonly catalogId?: pulumi.Input<string>;
  /**
   * Asks Glue for a full refresh instead of letting it choose full or incremental; a change starts a new refresh.
   * @default false
   */
  readonly fullRefresh?: pulumi.Input<boolean>;
  /**
   * Any JSON values; a change of any of them starts a new refresh (a schema version, a migration hash).
   * @default {}
   */
  readonly triggers?: pulumi.Input<Record<string, unknown>>;
  /**
   * Whether the deployment waits for the run and succeeds only when it SUCCEEDED.
   * @default true
   */
  readonly waitForCompletion?: pulumi.Input<boolean>;
  /**
   * The longest this resource waits, in minutes: for a refresh already running and for its own.
   * @default 60
   */
  readonly timeoutMinutes?: pulumi.Input<number>;
  /**
   * What to do when the view already has a refresh running: `wait` for it and then start a new one,
   * `stop` it and start a new one, `adopt` it as this resource's run, or `fail` the deployment.
   * @default "wait"
   */
  readonly ifRunning?: pulumi.Input<IfRunningPolicy>;
  /**
   * The AWS region of the catalog; changing it replaces the resource.
   * @default the `view`'s region, then the stack config `aws:region`, then the AWS SDK's own chain
   */
  readonly region?: pulumi.Input<string>;
  /**
   * An endpoint URL for Glue and STS (a VPC endpoint, a local emulator); https unless loopback.
   * @default the AWS SDK's endpoint for the region
   */
  readonly endpoint?: pulumi.Input<string>;
  /**
   * A role to assume for this refresh's AWS calls, after the roles of the stack config
   * `aws:assumeRoles`, so that one pipeline role can hop into each target account. Its `externalId`
   * is marked secret, so the state holds it encrypted.
   * @default none: the identity the stack config gives
   */
  readonly assumeRole?: pulumi.Input<AssumeRoleArgs>;
  /**
   * Print nothing while waiting: no run id, progress or summary lines (failures still fail the deployment).
   * @default false
   */
  readonly quiet?: pulumi.Input<boolean>;
}

/** The outputs a {@link MaterializedViewRefresh} records. */
const OUTPUTS = [
  "runId",
  "status",
  "startedAt",
  "refreshType",
  "endTime",
  "dpuSeconds",
  "processedBytes",
  "errorMessage",
  "catalogId",
  "databaseName",
  "tableName",
  "region",
  "fullRefresh",
  "triggers",
] as const;

/**
 * Refreshes an AWS Glue Data Catalog materialized view when it is created and whenever its
 * `fullRefresh` or `triggers` change, recording the refresh run's id and outcome.
 *
 * @example
 * ```ts
 * const refresh = new MaterializedViewRefresh("daily-sales", {
 *   databaseName: "sales",
 *   tableName: "daily_totals_mv",
 *   triggers: { schemaVersion: 7 },
 * });
 * export const refreshRunId = refresh.runId;
 * ```
 */
export class MaterializedViewRefresh extends pulumi.dynamic.Resource {
  /** The id of the refresh run this resource started or adopted last (MaterializedViewRefreshTaskRunId). */
  declare readonly runId: pulumi.Output<string>;
  /** The run's status when last seen: STARTING, RUNNING, SUCCEEDED, FAILED or STOPPED. */
  declare readonly status: pulumi.Output<RunStatus>;
  /** When the run started, as an ISO 8601 timestamp. */
  declare readonly startedAt: pulumi.Output<string>;
  /** FULL or INCREMENTAL, once Glue has decided. */
  declare readonly refreshType: pulumi.Output<string | undefined>;
  /** When the run ended, as an ISO 8601 timestamp, once it has. */
  declare readonly endTime: pulumi.Output<string | undefined>;
  /** The compute the run used, in DPU-seconds, when Glue reports it. */
  declare readonly dpuSeconds: pulumi.Output<number | undefined>;
  /** The bytes the run processed, when Glue reports it. */
  declare readonly processedBytes: pulumi.Output<number | undefined>;
  /** Glue's error message for a run that did not succeed. */
  declare readonly errorMessage: pulumi.Output<string | undefined>;
  /** The Data Catalog id, resolved to the account id when not given. */
  declare readonly catalogId: pulumi.Output<string>;
  /** The view's database. */
  declare readonly databaseName: pulumi.Output<string>;
  /** The view's name. */
  declare readonly tableName: pulumi.Output<string>;
  /** The region the view lives in, as resolved. */
  declare readonly region: pulumi.Output<string>;
  /** Whether the last run was asked to be a full refresh. */
  declare readonly fullRefresh: pulumi.Output<boolean>;
  /** The triggers of the last run. */
  declare readonly triggers: pulumi.Output<Record<string, unknown>>;

  /**
   * @param name The unique name of the resource.
   * @param args The view to refresh and how.
   * @param opts Options of the resource.
   */
  constructor(name: string, args: MaterializedViewRefreshArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = Object.fromEntries(OUTPUTS.map((key) => [key, undefined]));
    super(
      refreshProvider,
      name,
      { ...outputs, ...refreshInputs(`MaterializedViewRefresh "${name}"`, args), resourceName: name },
      opts,
      "glue",
      "MaterializedViewRefresh",
    );
  }
}

/**
 * The `sources` input, in the program: the tables and upstream views a materialized view is built
 * on. A source table's schema and an upstream view's run id become triggers, so the view refreshes
 * in the same deployment, after the source changed; an upstream's run goes to the provider, which
 * waits for it to end before starting a refresh.
 */
import * as pulumi from "@pulumi/pulumi";
import type { UpstreamRun } from "../model/inputs";
import { sourceTriggers, upstreamEntry } from "../model/upstream-triggers";
import { definitionHash, type GlueTableLike } from "./view";

export { SOURCE_TRIGGER_PREFIX } from "../model/upstream-triggers";

/** An upstream view's refresh: a MaterializedViewRefresh, or any object with the same outputs. */
export type UpstreamRefreshLike = { readonly [K in keyof UpstreamRun]: pulumi.Input<string> };

/** The provider inputs that follow the sources. */
export interface SourceInputs {
  /** One trigger per source: the table's schema hash, or the upstream view's run id. */
  readonly triggers: pulumi.Output<Record<string, string>>;
  /** The upstream views' runs, to wait for before a refresh starts. */
  readonly upstreams: pulumi.Output<UpstreamRun[]>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const has = (value: Record<string, unknown>, keys: readonly string[]) =>
  keys.every((key) => value[key] !== undefined && value[key] !== null);

const UPSTREAM_OUTPUTS: readonly (keyof UpstreamRun)[] = [
  "runId",
  "status",
  "catalogId",
  "databaseName",
  "tableName",
  "region",
];
const TABLE_OUTPUTS = ["catalogId", "databaseName", "name"] as const;

/** A short description of a value that is not a source, for the error that refuses it. */
function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (!isObject(value)) return String(value);
  const keys = Object.keys(value);
  return `an object with ${keys.length > 0 ? keys.slice(0, 6).join(", ") : "no properties"}`;
}

/**
 * The triggers and upstream runs of a refresh's sources. Refuses, naming `subject` (the resource, or
 * a group's member) and the index, anything that is neither a Glue table nor an upstream refresh.
 */
export function sourceInputs(subject: string, sources: unknown, view?: unknown): SourceInputs {
  const fail = (rule: string) => new Error(`${subject}: ${rule}`);
  if (!Array.isArray(sources)) {
    throw fail(
      `sources must be an array of Glue tables and MaterializedViewRefresh resources; got ${describe(sources)}`,
    );
  }
  const triggers: pulumi.Output<[string, string]>[] = [];
  const upstreams: pulumi.Output<UpstreamRun>[] = [];
  sources.forEach((source: unknown, index) => {
    const at = `sources[${index}]`;
    if (source === view && view !== undefined) throw fail(`${at} is the view itself`);
    if (isObject(source) && "runId" in source && has(source, UPSTREAM_OUTPUTS)) {
      const { runId, status, catalogId, databaseName, tableName, region } = source as UpstreamRefreshLike;
      const upstream = pulumi
        .all([runId, status, catalogId, databaseName, tableName, region])
        .apply(([r, s, c, d, t, g]): UpstreamRun => ({
          runId: r,
          status: s,
          catalogId: c,
          databaseName: d,
          tableName: t,
          region: g,
        }));
      upstreams.push(upstream);
      triggers.push(upstream.apply(upstreamEntry));
    } else if (isObject(source) && has(source, TABLE_OUTPUTS)) {
      const table = source as unknown as GlueTableLike;
      triggers.push(
        pulumi
          .all([table.databaseName, table.name, table.storageDescriptor, table.partitionKeys])
          .apply(([database, name, storage, partitionKeys]): [string, string] => [
            `${database}.${name}`,
            // Unset and empty are the same schema, however the provider reports them.
            definitionHash({ columns: storage?.columns ?? [], partitionKeys: partitionKeys ?? [] }),
          ]),
      );
    } else {
      throw fail(
        `${at} must be a Glue table (an object with catalogId, databaseName and name, such as ` +
          `aws.glue.CatalogTable) or a MaterializedViewRefresh; got ${describe(source)}`,
      );
    }
  });
  return {
    triggers: pulumi.all(triggers).apply((entries) => {
      try {
        return sourceTriggers(entries);
      } catch (error) {
        throw fail((error as Error).message);
      }
    }),
    upstreams: pulumi.all(upstreams),
  };
}

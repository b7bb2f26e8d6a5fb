/**
 * The `view` input: a Glue table as @pulumi/aws declares it, from which the refresh takes the view's
 * catalog, database, name and region, and a trigger that changes whenever the table's definition
 * does. Runs in the Pulumi program, not in the provider.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { canonicalJson } from "../model/json";

/** The part of a table's storage descriptor that defines it. */
export interface TableStorage {
  /** The table's columns. */
  readonly columns?: unknown;
}

/** The part of a view definition that defines its data. */
export interface TableViewDefinition {
  /** The view's SQL, per dialect. */
  readonly representations?: unknown;
  /** The tables the view reads. */
  readonly subObjects?: unknown;
}

/** A Glue table: an `aws.glue.CatalogTable`, or any object with the same outputs. */
export interface GlueTableLike {
  /** The Data Catalog that holds the table. */
  readonly catalogId: pulumi.Input<string>;
  /** The table's database. */
  readonly databaseName: pulumi.Input<string>;
  /** The table's name. */
  readonly name: pulumi.Input<string>;
  /** The table's region, when the object knows it (`aws.glue.CatalogTable` does). */
  readonly region?: pulumi.Input<string>;
  /** Where the table's columns are. */
  readonly storageDescriptor?: pulumi.Input<TableStorage | undefined>;
  /** The table's partition keys. */
  readonly partitionKeys?: pulumi.Input<unknown>;
  /** The view's SQL as written. */
  readonly viewOriginalText?: pulumi.Input<string | undefined>;
  /** The view's SQL as expanded. */
  readonly viewExpandedText?: pulumi.Input<string | undefined>;
  /** The view's definition: its SQL representations and source tables. */
  readonly viewDefinition?: pulumi.Input<TableViewDefinition | undefined>;
  /** The table's parameters. */
  readonly parameters?: pulumi.Input<Record<string, string> | undefined>;
}

/** The trigger key under which the table's definition hash is recorded. */
export const DEFINITION_TRIGGER = "viewDefinitionSha256";

/**
 * Table parameters that Glue and Iceberg change on their own (a refresh writes a new metadata
 * file): hashing them would make every refresh trigger the next.
 */
const VOLATILE_PARAMETERS = new Set([
  "metadata_location",
  "previous_metadata_location",
  "transient_lastDdlTime",
  "last_modified_time",
  "last_modified_by",
  "numFiles",
  "numRows",
  "totalSize",
  "rawDataSize",
  "COLUMN_STATS_ACCURATE",
]);

/** What defines the view's data: columns, partition keys, SQL, source tables, stable parameters. */
export function definitionHash(definition: {
  columns?: unknown;
  partitionKeys?: unknown;
  viewOriginalText?: unknown;
  viewExpandedText?: unknown;
  representations?: unknown;
  subObjects?: unknown;
  parameters?: Record<string, string>;
}): string {
  const parameters = Object.fromEntries(
    Object.entries(definition.parameters ?? {}).filter(([k]) => !VOLATILE_PARAMETERS.has(k)),
  );
  return createHash("sha256")
    .update(canonicalJson({ ...definition, parameters }))
    .digest("hex");
}

/** The hash of a table's definition, as an output that follows the table's own. */
export function tableDefinition(table: GlueTableLike): pulumi.Output<string> {
  return pulumi
    .all([
      table.storageDescriptor,
      table.partitionKeys,
      table.viewOriginalText,
      table.viewExpandedText,
      table.viewDefinition,
      table.parameters,
    ])
    .apply(([storage, partitionKeys, viewOriginalText, viewExpandedText, view, parameters]) =>
      definitionHash({
        columns: storage?.columns,
        partitionKeys,
        viewOriginalText,
        viewExpandedText,
        representations: view?.representations,
        subObjects: view?.subObjects,
        parameters,
      }),
    );
}

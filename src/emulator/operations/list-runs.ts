/** ListMaterializedViewRefreshTaskRuns: a catalog's runs, newest first, optionally of one database or view, in pages. */
import type { ViewRef } from "../catalog";
import { invalidInput } from "../errors";
import { InputReader } from "../validation";
import { type Operation, type OperationContext, type OperationOutput } from "./operation";
import { wireRun } from "./run-shape";

export const MAX_RESULTS_LIMIT = 1000;
/** The page size when MaxResults is omitted (the model sets none; 100 is common across Glue). */
export const DEFAULT_MAX_RESULTS = 100;

export interface ListRunsInput {
  readonly catalogId: string;
  readonly databaseName?: string;
  readonly tableName?: string;
  readonly maxResults: number;
  readonly nextToken?: string;
}

export function validateListRuns(input: Readonly<Record<string, unknown>>): ListRunsInput {
  const reader = new InputReader(input);
  const databaseName = reader.name("DatabaseName", false);
  const tableName = reader.name("TableName", false);
  const maxResults = reader.integer("MaxResults", 1, MAX_RESULTS_LIMIT);
  const nextToken = reader.string("NextToken", false);
  const parsed = {
    catalogId: reader.name("CatalogId", true),
    ...(databaseName !== undefined ? { databaseName } : {}),
    ...(tableName !== undefined ? { tableName } : {}),
    maxResults: maxResults ?? DEFAULT_MAX_RESULTS,
    ...(nextToken !== undefined ? { nextToken } : {}),
  };
  reader.finish();
  return parsed;
}

/** What a continuation token remembers: the filter it belongs to and the last run returned. */
interface PageToken {
  readonly filter: readonly [string, string | null, string | null];
  readonly after: number;
}

const filterOf = (input: ListRunsInput, resolve: (v: ListRunsInput) => ViewRef): PageToken["filter"] => {
  const view = resolve(input);
  return [
    view.catalogId,
    input.databaseName === undefined ? null : view.databaseName,
    input.tableName === undefined ? null : view.tableName,
  ];
};

export const encodePageToken = (token: PageToken): string => Buffer.from(JSON.stringify(token)).toString("base64url");

export function decodePageToken(text: string): PageToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as PageToken;
    return Number.isInteger(token.after) && Array.isArray(token.filter) && token.filter.length === 3
      ? token
      : undefined;
  } catch {
    return undefined;
  }
}

export function listRuns(input: ListRunsInput, context: OperationContext): OperationOutput {
  const filter = filterOf(input, (v) => context.catalog.resolve(v));
  // A listing that could include a denied view is denied, as a resource-level IAM deny would be.
  if (filter[0] !== context.accountId)
    throw context.accessDenied({ catalogId: filter[0], databaseName: "*", tableName: "*" });
  const denied = context.deniedViews.find(
    (view) =>
      view.catalogId === filter[0] &&
      (filter[1] === null || view.databaseName === filter[1]) &&
      (filter[2] === null || view.tableName === filter[2]),
  );
  if (denied) throw context.accessDenied(denied);

  let after = Infinity;
  if (input.nextToken !== undefined) {
    const token = decodePageToken(input.nextToken);
    if (!token || JSON.stringify(token.filter) !== JSON.stringify(filter)) {
      throw invalidInput(
        "Invalid NextToken: it does not belong to a listing with these CatalogId, DatabaseName and TableName",
      );
    }
    after = token.after;
  }
  const remaining = context.catalog.list(input, context.readAt).filter((run) => run.sequence < after);
  const page = remaining.slice(0, input.maxResults);
  const last = page[page.length - 1];
  return {
    MaterializedViewRefreshTaskRuns: page.map((run) => wireRun(run, context.readAt, context.accountId)),
    ...(remaining.length > page.length && last ? { NextToken: encodePageToken({ filter, after: last.sequence }) } : {}),
  };
}

export const listRunsOperation: Operation = {
  name: "ListMaterializedViewRefreshTaskRuns",
  service: "glue",
  handle: (input, context) => listRuns(validateListRuns(input), context),
};

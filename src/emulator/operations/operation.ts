/** What every operation module provides, and what it may use while it runs. */
import type { Catalog, ViewRef } from "../catalog";
import type { Caller, Identities } from "../identities";

export interface OperationContext {
  readonly catalog: Catalog;
  /** Emulated epoch milliseconds at which the request is processed. */
  readonly now: number;
  /** Emulated epoch milliseconds whose catalog reads (Get, List) see: `now` less the consistency lag. */
  readonly readAt: number;
  /** The caller's account: where its Glue calls act. */
  readonly accountId: string;
  /** The region the request was signed for. */
  readonly region: string;
  readonly accessKeyId: string;
  /** Who signed the request. */
  readonly caller: Caller;
  /** The keys, roles and sessions STS works with. */
  readonly identities: Identities;
  /** Start refuses a run while this many runs are active across all views. */
  readonly maxConcurrentRuns?: number;
  /** Views on which every Glue operation answers AccessDeniedException. */
  readonly deniedViews: readonly ViewRef[];
  /** The AccessDeniedException this operation answers on a denied view. */
  accessDenied(view: ViewRef): Error;
}

export type OperationOutput = Readonly<Record<string, unknown>>;

export interface Operation {
  /** The operation's name, as in `X-Amz-Target: AWSGlue.<name>` or `Action=<name>`. */
  readonly name: string;
  readonly service: "glue" | "sts";
  /** Validates the raw input and runs the operation; throws ServiceError for AWS errors. */
  handle(input: Readonly<Record<string, unknown>>, context: OperationContext): OperationOutput;
}

export const sameView = (a: ViewRef, b: ViewRef): boolean =>
  a.catalogId === b.catalogId && a.databaseName === b.databaseName && a.tableName === b.tableName;

/**
 * Throws the operation's AccessDeniedException when the view is denied, or lives in another
 * account's catalog: cross-account access needs a catalog resource policy, which the emulator
 * grants no one (AWS Glue developer guide, "Granting cross-account access").
 */
export function assertAllowed(context: OperationContext, view: ViewRef): void {
  if (view.catalogId !== context.accountId || context.deniedViews.some((denied) => sameView(denied, view)))
    throw context.accessDenied(view);
}

export const tableDescription = (view: ViewRef): string => `${view.databaseName}.${view.tableName}`;

/** StartMaterializedViewRefreshTaskRun: starts a refresh of one view, unless one is in progress. */
import { entityNotFound, ServiceError } from "../errors";
import { InputReader, readViewMembers, type ViewMembers } from "../validation";
import {
  assertAllowed,
  tableDescription,
  type Operation,
  type OperationContext,
  type OperationOutput,
} from "./operation";

export interface StartRunInput extends ViewMembers {
  readonly fullRefresh: boolean;
}

export function validateStartRun(input: Readonly<Record<string, unknown>>): StartRunInput {
  const reader = new InputReader(input);
  const parsed = { ...readViewMembers(reader), fullRefresh: reader.boolean("FullRefresh") ?? false };
  reader.finish();
  return parsed;
}

export function startRun(input: StartRunInput, context: OperationContext): OperationOutput {
  const view = context.catalog.resolve(input);
  assertAllowed(context, view);
  if (!context.catalog.hasView(view)) {
    throw entityNotFound(`Materialized view ${tableDescription(view)} not found in catalog ${view.catalogId}`);
  }
  const active = context.catalog.activeRun(view, context.now);
  if (active) {
    throw new ServiceError(
      "MaterializedViewRefreshTaskRunningException",
      `Materialized view refresh task run ${active.runId} is already running for table ${tableDescription(view)}`,
    );
  }
  const limit = context.maxConcurrentRuns;
  if (limit !== undefined && context.catalog.activeRunCount(context.now) >= limit) {
    throw new ServiceError(
      "ResourceNumberLimitExceededException",
      `The number of concurrent materialized view refresh task runs has reached the limit of ${limit}`,
      400,
      "maxConcurrentRuns",
    );
  }
  const outcome = context.catalog.start(view, { at: context.now, fullRefresh: input.fullRefresh, startedBy: "api" });
  if (outcome.kind !== "started") throw new Error(`unexpected start outcome ${outcome.kind}`);
  return { MaterializedViewRefreshTaskRunId: outcome.run.runId };
}

export const startRunOperation: Operation = {
  name: "StartMaterializedViewRefreshTaskRun",
  service: "glue",
  handle: (input, context) => startRun(validateStartRun(input), context),
};

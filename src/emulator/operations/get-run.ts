/** GetMaterializedViewRefreshTaskRun: one run by its id, as reads see it (see the consistency lag). */
import { entityNotFound } from "../errors";
import { InputReader } from "../validation";
import { assertAllowed, type Operation, type OperationContext, type OperationOutput } from "./operation";
import { wireRun } from "./run-shape";

export interface GetRunInput {
  readonly catalogId: string;
  readonly runId: string;
}

export function validateGetRun(input: Readonly<Record<string, unknown>>): GetRunInput {
  const reader = new InputReader(input);
  const parsed = {
    catalogId: reader.name("CatalogId", true),
    runId: reader.name("MaterializedViewRefreshTaskRunId", true),
  };
  reader.finish();
  return parsed;
}

export function getRun(input: GetRunInput, context: OperationContext): OperationOutput {
  const run = context.catalog.run(input.runId, context.readAt);
  if (run?.view.catalogId !== input.catalogId) {
    throw entityNotFound(`Materialized view refresh task run ${input.runId} not found in catalog ${input.catalogId}`);
  }
  assertAllowed(context, run.view);
  return { MaterializedViewRefreshTaskRun: wireRun(run, context.readAt, context.accountId) };
}

export const getRunOperation: Operation = {
  name: "GetMaterializedViewRefreshTaskRun",
  service: "glue",
  handle: (input, context) => getRun(validateGetRun(input), context),
};

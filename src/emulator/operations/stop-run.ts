/** StopMaterializedViewRefreshTaskRun: asks the view's run in progress to stop. Keyed by table, not run id. */
import { ServiceError } from "../errors";
import { InputReader, readViewMembers, type ViewMembers } from "../validation";
import {
  assertAllowed,
  tableDescription,
  type Operation,
  type OperationContext,
  type OperationOutput,
} from "./operation";

export type StopRunInput = ViewMembers;

export function validateStopRun(input: Readonly<Record<string, unknown>>): StopRunInput {
  const reader = new InputReader(input);
  const parsed = readViewMembers(reader);
  reader.finish();
  return parsed;
}

export function stopRun(input: StopRunInput, context: OperationContext): OperationOutput {
  const view = context.catalog.resolve(input);
  assertAllowed(context, view);
  // The model has no EntityNotFound for Stop: an unknown view simply has nothing running.
  const outcome = context.catalog.requestStop(view, context.now);
  if (outcome === "notRunning") {
    throw new ServiceError(
      "MaterializedViewRefreshTaskNotRunningException",
      `No materialized view refresh task run is running for table ${tableDescription(view)}`,
    );
  }
  if (outcome === "alreadyStopping") {
    throw new ServiceError(
      "MaterializedViewRefreshTaskStoppingException",
      `The materialized view refresh task run for table ${tableDescription(view)} is already stopping`,
    );
  }
  return {};
}

export const stopRunOperation: Operation = {
  name: "StopMaterializedViewRefreshTaskRun",
  service: "glue",
  handle: (input, context) => stopRun(validateStopRun(input), context),
};

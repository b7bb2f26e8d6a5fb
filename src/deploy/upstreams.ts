/**
 * Upstream views among a refresh's sources: a refresh never starts while an upstream view is in
 * the middle of its own refresh, nor after that refresh failed.
 */
import { settle } from "./following";
import { isActive, type RefreshRun, type RunStatus } from "../model/run";
import { interrupted, say, type RefreshContext } from "./refresh-context";
import { subject } from "../model/progress";
import type { RetryContext } from "../aws/retry";
import type { ResolvedSettings } from "../model/state";

/**
 * Waits for the runs of the upstream views among the sources to end; fails, naming the upstream,
 * when one did not succeed or did not end within the budget.
 */
export async function awaitUpstreams(ctx: RefreshContext, s: ResolvedSettings, budget: RetryContext): Promise<void> {
  for (const upstream of s.upstreams) {
    const name = `upstream view ${upstream.databaseName}.${upstream.tableName}`;
    let run: RefreshRun = { runId: upstream.runId, status: upstream.status as RunStatus };
    if (isActive(run.status)) {
      say(ctx, s, `waiting for ${name}'s refresh run ${run.runId}, ${run.status}, before starting a refresh`);
      // Chained views share a catalog and so a region; the upstream's run is read as our own are.
      const target = ctx.targets.targetFor(upstream.region, s.endpoint, s.assumeRole);
      const view = {
        catalogId: upstream.catalogId,
        databaseName: upstream.databaseName,
        tableName: upstream.tableName,
      };
      const waited = await settle(ctx, s, target, run, budget, view, `${name}'s refresh run`);
      if (waited.state === "aborted") throw interrupted(ctx, s);
      if (waited.state === "timeout") {
        throw new Error(
          `${subject(ctx.kind, s)}: gave up after ${s.timeoutMinutes} minutes (timeoutMinutes) waiting for ${name}'s ` +
            `refresh run ${run.runId}, last seen ${waited.value.status}; no refresh was started`,
        );
      }
      run = waited.value;
    }
    if (run.status !== "SUCCEEDED") {
      throw new Error(
        `${subject(ctx.kind, s)}: ${name}'s refresh run ${run.runId} ended ${run.status}: ` +
          `${run.errorMessage ?? "Glue gave no error message"}; no refresh was started. ` +
          `Refresh the upstream view again (change its triggers), then deploy`,
      );
    }
  }
}

/**
 * Judging how the wait for our own run ended: the state to record, and why the deployment fails
 * when it must. Whatever stopped the wait (failure, timeout, interruption, an AWS error), the state
 * keeps the run, so that the next deployment picks it up.
 */
import { isExpiredCredentials, type AwsCallError } from "../model/errors";
import { formatDuration } from "../model/progress";
import { say, type RefreshContext } from "./refresh-context";
import type { RefreshRun } from "../model/run";
import { buildState, runFields, type RefreshState, type ResolvedSettings } from "../model/state";
import type { WaitOutcome } from "../model/wait";
import { UnknownRunError } from "./watch";

/** How a wait for our own run ended: the state to record, and why the deployment fails if it must. */
export type Verdict =
  | { readonly ok: true; readonly state: RefreshState }
  | { readonly ok: false; readonly state: RefreshState; readonly why: string };

/** How a wait ended: as waitUntil ends, or with the error that stopped it. */
export type Waited = WaitOutcome<RefreshRun> | { readonly error: unknown };

/** The verdict on our run after `waited`; `began` is when this refresh began. Prints the summary or the interruption. */
export function verdict(
  ctx: Pick<RefreshContext, "clock" | "print">,
  s: ResolvedSettings,
  run: RefreshRun,
  waited: Waited,
  began: number,
): Verdict {
  const stateOf = (r: RefreshRun) => buildState(s, runFields(r, new Date(began)));
  if ("error" in waited) return { ok: false, state: stateOf(run), why: whyFollowingFailed(s, run, waited.error) };
  const final = waited.value;
  if (waited.state === "done" && final.status === "SUCCEEDED") {
    say(ctx, s, successSummary(final, ctx.clock.now() - began));
    return { ok: true, state: stateOf(final) };
  }
  let why: string;
  if (waited.state === "done") {
    why = `refresh run ${final.runId} ended ${final.status}: ${final.errorMessage ?? "Glue gave no error message"}`;
  } else if (waited.state === "timeout") {
    why =
      `gave up after ${s.timeoutMinutes} minutes (timeoutMinutes) waiting for refresh run ${final.runId}, ` +
      `last seen ${final.status}; the run goes on in Glue and the next deployment waits for it again`;
  } else {
    why =
      `interrupted while waiting for refresh run ${final.runId}, last seen ${final.status}; ` +
      "the run goes on in Glue and the next deployment waits for it again";
    say(ctx, s, why);
  }
  return { ok: false, state: stateOf(final), why };
}

/** Why a wait that an error stopped fails, and what the next deployment does about the run. */
function whyFollowingFailed(s: ResolvedSettings, run: RefreshRun, error: unknown): string {
  if (error instanceof UnknownRunError) return `${error.message}; the next deployment starts a new refresh`;
  if (isExpiredCredentials(error)) {
    return (
      `the AWS credentials expired while waiting for refresh run ${run.runId}, which goes on in Glue; ` +
      `the next deployment waits for it again (${(error as AwsCallError).summary}). These credentials cannot be ` +
      "renewed (static session keys): let the provider assume a role, which it renews before it expires " +
      "(aws:assumeRoles in the stack config, or the resource's assumeRole), or give the pipeline a session " +
      `that outlasts the refresh (up to timeoutMinutes, ${s.timeoutMinutes})`
    );
  }
  return `could not follow refresh run ${run.runId}, which goes on in Glue: ${(error as Error).message}`;
}

/** The line that reports a run's success: its id, how long it took, its type and compute. */
export function successSummary(run: RefreshRun, elapsedMs: number): string {
  const details = [run.refreshType, run.dpuSeconds !== undefined ? `${run.dpuSeconds} DPU-seconds` : undefined]
    .filter(Boolean)
    .join(", ");
  return `refresh run ${run.runId} SUCCEEDED after ${formatDuration(elapsedMs)}${details ? ` (${details})` : ""}`;
}

/**
 * Following a run until it ends, through Glue's reads that lag behind its writes: one run's wait,
 * paced by how long the run is expected to take, and the wait for Glue to list a run that an
 * unanswered Start may have begun.
 */
import {
  findRunStartedSince,
  getRun,
  LIST_PAGE_LIMIT,
  listRecentRuns,
  serviceClockOffset,
  viewOf,
  VISIBILITY_WINDOW_MS,
  type AwsTarget,
  type ViewRef,
} from "../aws/glue";
import { fromDatabaseRuns, fromOwnRuns } from "./prediction";
import { formatBytes, formatDuration, ProgressReporter } from "../model/progress";
import { say, type RefreshContext } from "./refresh-context";
import type { RetryContext } from "../aws/retry";
import { isActive, type RefreshRun } from "../model/run";
import type { ResolvedSettings } from "../model/state";
import { Sighting } from "./watch";
import { waitUntil, type WaitOutcome } from "../model/wait";

const MINUTE = 60_000;

/**
 * How long a run of `view` is expected to take: the view's newest successful run (a full one for a
 * full refresh), else, on its first refresh, the database's other views' (prediction.ts). Undefined
 * when Glue lists none, or when List fails: it only paces polling, so each List is tried once and
 * never fails a deployment.
 */
export async function expectedDuration(
  ctx: Pick<RefreshContext, "clock">,
  target: AwsTarget,
  view: ViewRef,
  runId: string,
  fullRefresh: boolean,
): Promise<number | undefined> {
  const own = await listRecentRuns(target, view, ctx.clock);
  if (!own) return undefined;
  const predicted = fromOwnRuns(own, runId, fullRefresh);
  if (predicted !== undefined) return predicted;
  // One page of the largest size: the database's other views' runs, however many views it holds.
  const { catalogId, databaseName } = view;
  const database = await listRecentRuns(target, { catalogId, databaseName }, ctx.clock, LIST_PAGE_LIMIT);
  return database && fromDatabaseRuns(database, view.tableName, runId, fullRefresh);
}

/**
 * Waits for a run of `view` (the resource's own by default) to leave STARTING/RUNNING, printing a
 * progress line at most once a minute. Get may not know a run yet (reads lag behind writes): the
 * run keeps its last known status until Get has not known it for VISIBILITY_WINDOW_MS, and then
 * it is lost (UnknownRunError).
 */
export async function settle(
  ctx: RefreshContext,
  s: ResolvedSettings,
  target: AwsTarget,
  run: RefreshRun,
  budget: RetryContext,
  view: ViewRef = viewOf(s),
  label = "refresh run",
): Promise<WaitOutcome<RefreshRun>> {
  const { clock, schedule, random } = ctx;
  const progress = new ProgressReporter(clock, MINUTE);
  // Whether it is a full refresh is known for our own run only, not for an upstream's.
  const own = view.catalogId === s.catalogId && view.databaseName === s.databaseName && view.tableName === s.tableName;
  const expectedMs = await expectedDuration(ctx, target, view, run.runId, own && s.fullRefresh);
  const sighting = new Sighting(clock, run, label);
  return waitUntil(
    run,
    async () =>
      sighting.see(
        await getRun(target, view, run.runId, budget),
        "GetMaterializedViewRefreshTaskRun answered EntityNotFoundException",
      ),
    (r) => !isActive(r.status),
    {
      deadline: budget.deadline,
      clock,
      schedule,
      random,
      signal: budget.signal,
      origin: run.startTime && run.startTime.getTime() - serviceClockOffset(target, clock),
      expectedMs,
      onPoll: (r, elapsed) => {
        if (!progress.due()) return;
        const processed = r.processedBytes ? `, ${formatBytes(r.processedBytes)} processed` : "";
        say(ctx, s, `${label} ${r.runId} ${r.status}, ${formatDuration(elapsed)} elapsed${processed}`);
      },
    },
  );
}

/**
 * After an unanswered Start met a run in progress, that run is probably ours and not yet listed
 * (reads lag behind writes): polls List for a run started since that Start was sent, until Glue
 * lists one or the visibility window has passed (or the deadline, or an interruption).
 */
export function awaitListed(
  ctx: RefreshContext,
  s: ResolvedSettings,
  target: AwsTarget,
  since: number,
  budget: RetryContext,
): Promise<WaitOutcome<RefreshRun | undefined>> {
  say(
    ctx,
    s,
    "a refresh is in progress, probably the one an unanswered Start request began; waiting for Glue to list it",
  );
  return waitUntil<RefreshRun | undefined>(
    undefined,
    () => findRunStartedSince(target, viewOf(s), since, budget),
    (run) => run !== undefined,
    {
      deadline: Math.min(budget.deadline, since + VISIBILITY_WINDOW_MS),
      clock: ctx.clock,
      schedule: ctx.schedule,
      random: ctx.random,
      signal: budget.signal,
    },
  );
}

/**
 * Every AWS call the provider makes, in one place: the four refresh operations and STS (the role
 * chain's AssumeRole calls are the SDK's, set up in credentials.ts).
 * Clients are built here at deploy time, never captured in the serialized provider.
 */
import {
  GetMaterializedViewRefreshTaskRunCommand,
  GlueClient,
  ListMaterializedViewRefreshTaskRunsCommand,
  StartMaterializedViewRefreshTaskRunCommand,
  StopMaterializedViewRefreshTaskRunCommand,
  type MaterializedViewRefreshTaskRun,
} from "@aws-sdk/client-glue";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { isThrottlingError } from "@smithy/core/retry";
import { createHash } from "crypto";
import { credentialSource, type CredentialSettings, type CredentialSource } from "./credentials";
import { describeAwsError, type CallContext } from "../model/errors";
import { addUncertainAttempt, settles, type UncertainStart } from "./lost-start";
import { AdaptivePacer } from "./pacing";
import { mayHaveTakenEffect, retrying, type RetryContext } from "./retry";
import { isActive, newest, type RefreshRun } from "../model/run";
import type { Clock } from "../model/wait";

/**
 * Where and as whom to call AWS: Glue's region and endpoint, and the credentials (base credentials,
 * then the roles assumed in order) with STS's endpoint and region for the role chain.
 */
export interface AwsTarget extends CredentialSettings {
  readonly region: string;
  /** Glue's endpoint. */
  readonly endpoint?: string;
}

/** A materialized view, fully qualified. */
export interface ViewRef {
  readonly catalogId: string;
  readonly databaseName: string;
  readonly tableName: string;
}

/** The view a resource or recorded state names. */
export const viewOf = (s: ViewRef): ViewRef => ({
  catalogId: s.catalogId,
  databaseName: s.databaseName,
  tableName: s.tableName,
});

export function describeView(view: Pick<ViewRef, "databaseName" | "tableName"> & { catalogId?: string }): string {
  return `view ${view.databaseName}.${view.tableName}` + (view.catalogId ? ` (catalog ${view.catalogId})` : "");
}

/** What an error message may say about a call: where it went, as whom (never a secret), about which view. */
function callContext(target: AwsTarget, view?: ViewRef): CallContext {
  return {
    region: target.region,
    endpoint: target.endpoint,
    profile: target.profile,
    staticKeys: target.credentials !== undefined,
    assumedRole: target.roles?.at(-1)?.roleArn,
    view,
  };
}

/**
 * Per clock (one in a provider host; each test brings its own) and target: the credentials, which
 * renew on that clock, the clients that use them, and the pacers.
 */
const credentials = new WeakMap<Clock, Map<string, CredentialSource>>();
const glueClients = new WeakMap<Clock, Map<string, GlueClient>>();
const stsClients = new WeakMap<Clock, Map<string, STSClient>>();
const pacers = new WeakMap<Clock, Map<string, AdaptivePacer>>();

const connection = { requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 } };

function clientConfig(target: AwsTarget, clock: Clock, endpoint: string | undefined, region: string) {
  return {
    // One attempt per call: retrying.ts retries until the resource's deadline, Glue's transient
    // errors included, and Start needs to see each failure to avoid starting a second run.
    maxAttempts: 1,
    ...connection,
    region,
    ...(endpoint ? { endpoint } : {}),
    credentials: credentialsOf(target, clock).provider,
  };
}

/**
 * What tells targets apart: where, and as whom. A digest, so that the key, unlike the target,
 * holds no secret (a secret key, a session token, an external id).
 */
export function targetKey(target: AwsTarget): string {
  return createHash("sha256").update(JSON.stringify(target)).digest("base64url");
}

/** One per clock and target per process, so that many resources share connections and credentials. */
function cached<C>(caches: WeakMap<Clock, Map<string, C>>, clock: Clock, target: AwsTarget, build: () => C): C {
  let cache = caches.get(clock);
  if (!cache) caches.set(clock, (cache = new Map<string, C>()));
  const key = targetKey(target);
  let value = cache.get(key);
  if (!value) {
    value = build();
    cache.set(key, value);
  }
  return value;
}

function credentialsOf(target: AwsTarget, clock: Clock): CredentialSource {
  // The role chain's STS client takes only the connection settings: it keeps the SDK's own retries.
  return cached(credentials, clock, target, () => credentialSource(target, clock, connection));
}

export function glueClient(target: AwsTarget, clock: Clock): GlueClient {
  return cached(
    glueClients,
    clock,
    target,
    () => new GlueClient(clientConfig(target, clock, target.endpoint, target.region)),
  );
}

function stsClient(target: AwsTarget, clock: Clock): STSClient {
  return cached(
    stsClients,
    clock,
    target,
    () => new STSClient(clientConfig(target, clock, target.stsEndpoint, target.stsRegion ?? target.region)),
  );
}

const isExpiredToken = (error: unknown): boolean =>
  ["ExpiredTokenException", "ExpiredToken"].includes(errorName(error) ?? "");

/**
 * Makes a call; when AWS answers that its credentials expired although they were renewed in time
 * (a skewed clock), renews them at once and makes it again. Credentials that cannot be renewed
 * (static session keys) fail as they are.
 */
async function renewingOnExpiry<T>(target: AwsTarget, clock: Clock, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isExpiredToken(error)) throw error;
    const renewed = await credentialsOf(target, clock)
      .renew()
      .catch(() => false);
    if (!renewed) throw error;
    return call();
  }
}

/**
 * Sends a call at the pace that every call of this process to the target shares (pacing.ts), on
 * the same clock as the deadlines it counts against.
 */
async function paced<T>(target: AwsTarget, clock: Clock, call: () => Promise<T>): Promise<T> {
  const pacer = cached(pacers, clock, target, () => new AdaptivePacer(clock));
  await pacer.acquire();
  try {
    const result = await renewingOnExpiry(target, clock, call);
    pacer.succeeded();
    return result;
  } catch (error) {
    if (isThrottlingError(error as Parameters<typeof isThrottlingError>[0])) pacer.throttled();
    throw error;
  }
}

function toRun(run: MaterializedViewRefreshTaskRun | undefined, fallbackId: string): RefreshRun {
  return {
    runId: run?.MaterializedViewRefreshTaskRunId ?? fallbackId,
    status: run?.Status ?? "STARTING",
    startTime: run?.StartTime ?? run?.CreationTime,
    endTime: run?.EndTime,
    refreshType: run?.RefreshType,
    dpuSeconds: run?.DPUSeconds,
    processedBytes: run?.ProcessedBytes,
    errorMessage: run?.ErrorMessage,
    tableName: run?.TableName,
  };
}

const errorName = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null ? (error as { name?: string }).name : undefined;

export type StartResult =
  | { readonly runId: string }
  /**
   * The view has a run in progress. `uncertainSince` is set when an attempt whose outcome is
   * unknown (sent at that epoch ms) came first: the run in progress may then be ours.
   */
  | { readonly alreadyRunning: true; readonly uncertainSince?: number }
  /** A run our own earlier attempt started although its answer was lost. */
  | { readonly recovered: RefreshRun }
  /**
   * An earlier attempt's outcome is unknown and Glue does not list its run, but the listing may
   * still lag behind it (lost-start.ts): list again before starting, passing this back.
   */
  | { readonly unsettled: UncertainStart };

/**
 * How long before an unanswered Start was sent, on the service's clock, a run may have started and
 * still be taken for the one that Start began: allowance for Glue's own rounding of StartTime. The
 * skew between our clock and the service's is not in it: start times are judged on the service's
 * clock (serviceClockOffset).
 */
export const START_TIME_MARGIN_MS = 5_000;

/**
 * How far the service's clock stands from ours, in ms (service minus ours), as the AWS SDK last
 * measured it for this target: from every answer, it takes the Date header's time less the time
 * the answer arrived (its `systemClockOffset`, which also corrects the time it signs with). That
 * is never more than the true difference, since the header is written before the answer arrives
 * and in whole seconds, and at most a second and the answer's latency less. 0 before any answer.
 */
export function serviceClockOffset(target: AwsTarget, clock: Clock): number {
  return glueClient(target, clock).config.systemClockOffset ?? 0;
}

/**
 * The earliest time on the service's clock at which a request sent at `sentAt` (our clock) can
 * have reached it, less the margin: a run that started since then may be that request's.
 */
function serviceTimeSince(target: AwsTarget, clock: Clock, sentAt: number): number {
  return sentAt + serviceClockOffset(target, clock) - START_TIME_MARGIN_MS;
}

/**
 * How long Glue's reads may lag behind its writes. AWS control-plane reads are eventually
 * consistent: a run Start just created may be unknown to Get and missing from List for a while.
 * Glue publishes no figure; AWS's guidance for the EC2 API
 * (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html) is to poll with
 * backoff from a couple of seconds up to a few minutes, so we allow five.
 */
export const VISIBILITY_WINDOW_MS = 5 * 60_000;

/**
 * Starts a run, retrying until the deadline. When an attempt's outcome is unknown (dropped
 * connection, timeout, 5xx), no attempt follows until a listing sent once Glue's reads have caught
 * up with it (lost-start.ts) shows no run started since it was sent: a run that it shows is taken as
 * ours, so that a lost answer never starts a second refresh. `prior` is the uncertainty an earlier
 * call answered `unsettled` with.
 */
export async function startRun(
  target: AwsTarget,
  view: ViewRef,
  fullRefresh: boolean,
  context: RetryContext,
  prior?: UncertainStart,
): Promise<StartResult> {
  let uncertain = prior;
  return retrying(async (): Promise<StartResult> => {
    if (uncertain !== undefined) {
      const listedAt = context.clock.now();
      // Listed first: the answer also brings the SDK's measure of the service's clock up to date.
      const runs = await listRunsOnce(target, view, context.clock);
      const mine = newestStartedSince(runs, serviceTimeSince(target, context.clock, uncertain.sentAt));
      if (mine) return { recovered: mine };
      if (!settles(uncertain, listedAt)) return { unsettled: uncertain };
    }
    const sentAt = context.clock.now();
    try {
      const out = await paced(target, context.clock, () =>
        glueClient(target, context.clock).send(
          new StartMaterializedViewRefreshTaskRunCommand({
            CatalogId: view.catalogId,
            DatabaseName: view.databaseName,
            TableName: view.tableName,
            FullRefresh: fullRefresh,
          }),
        ),
      );
      if (!out.MaterializedViewRefreshTaskRunId) {
        throw new Error("the response carried no MaterializedViewRefreshTaskRunId");
      }
      return { runId: out.MaterializedViewRefreshTaskRunId };
    } catch (error) {
      if (errorName(error) === "MaterializedViewRefreshTaskRunningException")
        return uncertain === undefined
          ? { alreadyRunning: true }
          : { alreadyRunning: true, uncertainSince: uncertain.sentAt };
      if (mayHaveTakenEffect(error)) uncertain = addUncertainAttempt(uncertain, sentAt, context.clock.now());
      throw describeAwsError(
        "StartMaterializedViewRefreshTaskRun",
        describeView(view),
        error,
        callContext(target, view),
      );
    }
  }, context);
}

/**
 * The run's current record, or undefined when Glue does not know the run: not yet, for a run just
 * started (see VISIBILITY_WINDOW_MS), or no longer.
 */
export function getRun(
  target: AwsTarget,
  view: ViewRef,
  runId: string,
  context: RetryContext,
): Promise<RefreshRun | undefined> {
  return retrying(() => getRunOnce(target, view, runId, context.clock), context);
}

async function getRunOnce(
  target: AwsTarget,
  view: ViewRef,
  runId: string,
  clock: Clock,
): Promise<RefreshRun | undefined> {
  try {
    const out = await paced(target, clock, () =>
      glueClient(target, clock).send(
        new GetMaterializedViewRefreshTaskRunCommand({
          CatalogId: view.catalogId,
          MaterializedViewRefreshTaskRunId: runId,
        }),
      ),
    );
    return toRun(out.MaterializedViewRefreshTaskRun, runId);
  } catch (error) {
    if (errorName(error) === "EntityNotFoundException") return undefined;
    throw describeAwsError(
      "GetMaterializedViewRefreshTaskRun",
      `run ${runId} of ${describeView(view)}`,
      error,
      callContext(target, view),
    );
  }
}

/** What a listing covers: one view's runs, or (without a table) every run in a database. */
export type ListScope = Omit<ViewRef, "tableName"> & { readonly tableName?: string };

/** One page of the runs in scope. */
async function listPage(
  target: AwsTarget,
  scope: ListScope,
  clock: Clock,
  nextToken: string | undefined,
  maxResults = 100,
): Promise<{ runs: RefreshRun[]; nextToken?: string }> {
  try {
    const out = await paced(target, clock, () =>
      glueClient(target, clock).send(
        new ListMaterializedViewRefreshTaskRunsCommand({
          CatalogId: scope.catalogId,
          DatabaseName: scope.databaseName,
          TableName: scope.tableName,
          MaxResults: maxResults,
          NextToken: nextToken,
        }),
      ),
    );
    const runs = (out.MaterializedViewRefreshTaskRuns ?? []).map((raw) => toRun(raw, "")).filter((r) => r.runId);
    return { runs, nextToken: out.NextToken };
  } catch (error) {
    const view = scope.tableName === undefined ? undefined : (scope as ViewRef);
    const subject = view ? describeView(view) : `database ${scope.databaseName} (catalog ${scope.catalogId})`;
    throw describeAwsError("ListMaterializedViewRefreshTaskRuns", subject, error, callContext(target, view));
  }
}

/**
 * The runs among `wanted` (run ids) that Glue lists in a database, reading pages of the largest
 * size until it has found them all or there are no more; and how many pages that took.
 */
export async function listDatabaseRuns(
  target: AwsTarget,
  database: Omit<ListScope, "tableName">,
  wanted: ReadonlySet<string>,
  context: RetryContext,
): Promise<{ runs: Map<string, RefreshRun>; pages: number }> {
  return retrying(async () => {
    const runs = new Map<string, RefreshRun>();
    let pages = 0;
    let nextToken: string | undefined;
    do {
      const page = await listPage(target, database, context.clock, nextToken, LIST_PAGE_LIMIT);
      pages++;
      for (const run of page.runs) if (wanted.has(run.runId)) runs.set(run.runId, run);
      nextToken = page.nextToken;
    } while (nextToken && runs.size < wanted.size);
    return { runs, pages };
  }, context);
}

/** The most runs one List page may hold (the model's MaxResults range is 1-1000). */
export const LIST_PAGE_LIMIT = 1000;

/** Every run of the view Glue lists, reading every page. */
async function listRunsOnce(target: AwsTarget, view: ViewRef, clock: Clock): Promise<RefreshRun[]> {
  const runs: RefreshRun[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listPage(target, view, clock, nextToken);
    runs.push(...page.runs);
    nextToken = page.nextToken;
  } while (nextToken);
  return runs;
}

/**
 * One page of the runs in scope (a view's, or a whole database's), or undefined when List fails:
 * for predictions that only pace polling, so it is tried once and never fails a deployment.
 */
export async function listRecentRuns(
  target: AwsTarget,
  scope: ListScope,
  clock: Clock,
  maxResults?: number,
): Promise<RefreshRun[] | undefined> {
  try {
    return (await listPage(target, scope, clock, undefined, maxResults)).runs;
  } catch {
    return undefined;
  }
}

const startedAt = (run: RefreshRun) => run.startTime?.getTime() ?? 0;
const newestStartedSince = (runs: RefreshRun[], since: number) => newest(runs.filter((r) => startedAt(r) >= since));

/**
 * The view's newest run that started, on the service's clock, since a request sent at `since`
 * (epoch ms on our clock) could have reached it, less the margin; if Glue lists one.
 */
export async function findRunStartedSince(
  target: AwsTarget,
  view: ViewRef,
  since: number,
  context: RetryContext,
): Promise<RefreshRun | undefined> {
  const runs = await retrying(() => listRunsOnce(target, view, context.clock), context);
  return newestStartedSince(runs, serviceTimeSince(target, context.clock, since));
}

/** The view's run in progress (STARTING or RUNNING), if any. */
export async function findActiveRun(
  target: AwsTarget,
  view: ViewRef,
  context: RetryContext,
): Promise<RefreshRun | undefined> {
  return newest(
    (await retrying(() => listRunsOnce(target, view, context.clock), context)).filter((r) => isActive(r.status)),
  );
}

export type StopResult = "stopping" | "notRunning";

/** Asks Glue to stop the view's run in progress. A stop already pending counts as stopping. */
export function stopRun(target: AwsTarget, view: ViewRef, context: RetryContext): Promise<StopResult> {
  return retrying(() => stopRunOnce(target, view, context.clock), context);
}

async function stopRunOnce(target: AwsTarget, view: ViewRef, clock: Clock): Promise<StopResult> {
  try {
    await paced(target, clock, () =>
      glueClient(target, clock).send(
        new StopMaterializedViewRefreshTaskRunCommand({
          CatalogId: view.catalogId,
          DatabaseName: view.databaseName,
          TableName: view.tableName,
        }),
      ),
    );
    return "stopping";
  } catch (error) {
    const name = errorName(error);
    if (name === "MaterializedViewRefreshTaskStoppingException") return "stopping";
    if (name === "MaterializedViewRefreshTaskNotRunningException") return "notRunning";
    throw describeAwsError("StopMaterializedViewRefreshTaskRun", describeView(view), error, callContext(target, view));
  }
}

/** Who makes the calls: the account (the default catalog id, and what account guards check) and ARN. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** The identity the target's credentials (the last assumed role's, when roles are assumed) act as. */
export function callerIdentity(target: AwsTarget, context: RetryContext): Promise<CallerIdentity> {
  return retrying(async () => {
    try {
      const out = await paced(target, context.clock, () =>
        stsClient(target, context.clock).send(new GetCallerIdentityCommand({})),
      );
      if (!out.Account) throw new Error("the response carried no Account");
      return { account: out.Account, arn: out.Arn ?? "" };
    } catch (error) {
      throw describeAwsError("GetCallerIdentity", "the caller's account", error, callContext(target));
    }
  }, context);
}

/** The region the AWS SDK's own chain finds (AWS_REGION, the profile's config), if any. */
export async function sdkDefaultRegion(profile: string | undefined): Promise<string | undefined> {
  try {
    const client = new GlueClient(profile ? { profile } : {});
    const region = await client.config.region();
    client.destroy();
    return region || undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page of up to LIST_PAGE_LIMIT runs in scope, for a forecast: tried once (a preview must stay
 * quick and read-only), its failure given back as the one-line AWS error rather than thrown, since
 * a forecast it cannot make must not fail a deployment that sets no budget.
 */
export async function listRunsForForecast(
  target: AwsTarget,
  scope: ListScope,
  clock: Clock,
): Promise<{ runs: RefreshRun[] } | { error: string }> {
  try {
    return { runs: (await listPage(target, scope, clock, undefined, LIST_PAGE_LIMIT)).runs };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

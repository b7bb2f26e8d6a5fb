/**
 * Every AWS call the provider makes, in one place: the four refresh operations and STS.
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
import { describeAwsError } from "./errors";
import { AdaptivePacer } from "./pacing";
import { mayHaveTakenEffect, retrying, type RetryContext } from "./retry";
import type { Clock } from "./wait";

/** Where and as whom to call AWS. */
export interface AwsTarget {
  readonly region: string;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

/** A materialized view, fully qualified. */
export interface ViewRef {
  readonly catalogId: string;
  readonly databaseName: string;
  readonly tableName: string;
}

/** Where a refresh run is in its life, as Glue reports it. */
export type RunStatus = "STARTING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "STOPPED";

/** What we keep of a MaterializedViewRefreshTaskRun. */
export interface RefreshRun {
  readonly runId: string;
  readonly status: RunStatus;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly refreshType?: string;
  readonly dpuSeconds?: number;
  readonly processedBytes?: number;
  readonly errorMessage?: string;
}

export const isActive = (status: RunStatus): boolean => status === "STARTING" || status === "RUNNING";

export function describeView(view: Pick<ViewRef, "databaseName" | "tableName"> & { catalogId?: string }): string {
  return `view ${view.databaseName}.${view.tableName}` + (view.catalogId ? ` (catalog ${view.catalogId})` : "");
}

const glueClients = new Map<string, GlueClient>();
const stsClients = new Map<string, STSClient>();
/** Pacers per clock (one in a provider host; each test brings its own) and target. */
const pacers = new WeakMap<Clock, Map<string, AdaptivePacer>>();

function clientConfig(target: AwsTarget) {
  return {
    // One attempt per call: retrying.ts retries until the resource's deadline, Glue's transient
    // errors included, and Start needs to see each failure to avoid starting a second run.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  };
}

/** What tells targets apart: where, and as whom (never the secret itself). */
export function targetKey(target: AwsTarget): string {
  return JSON.stringify([target.region, target.endpoint, target.profile, target.credentials?.accessKeyId]);
}

/** One client per target per process, so that many resources share connections. */
function cached<C>(cache: Map<string, C>, target: AwsTarget, build: () => C): C {
  const key = targetKey(target);
  let client = cache.get(key);
  if (!client) {
    client = build();
    cache.set(key, client);
  }
  return client;
}

export function glueClient(target: AwsTarget): GlueClient {
  return cached(glueClients, target, () => new GlueClient(clientConfig(target)));
}

function stsClient(target: AwsTarget): STSClient {
  return cached(stsClients, target, () => new STSClient(clientConfig(target)));
}

/**
 * Sends a call at the pace that every call of this process to the target shares (pacing.ts), on
 * the same clock as the deadlines it counts against.
 */
async function paced<T>(target: AwsTarget, clock: Clock, call: () => Promise<T>): Promise<T> {
  let perTarget = pacers.get(clock);
  if (!perTarget) pacers.set(clock, (perTarget = new Map<string, AdaptivePacer>()));
  const pacer = cached(perTarget, target, () => new AdaptivePacer(clock));
  await pacer.acquire();
  try {
    const result = await call();
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
  };
}

const errorName = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null ? (error as { name?: string }).name : undefined;

export type StartResult =
  | { readonly runId: string }
  | { readonly alreadyRunning: true }
  /** A run our own earlier attempt started although its answer was lost. */
  | { readonly recovered: RefreshRun };

/** Allowance for the difference between our clock and the service's when matching start times. */
export const CLOCK_SKEW_MARGIN_MS = 5_000;

/**
 * Starts a run, retrying until the deadline. When an attempt's outcome is unknown (dropped
 * connection, timeout, 5xx), the next attempt first looks for a run started since that attempt
 * was sent and takes it as ours, so that a lost answer never starts a second refresh.
 */
export async function startRun(
  target: AwsTarget,
  view: ViewRef,
  fullRefresh: boolean,
  context: RetryContext,
): Promise<StartResult> {
  let uncertainSince: number | undefined;
  return retrying(async (): Promise<StartResult> => {
    if (uncertainSince !== undefined) {
      const mine = newestStartedSince(
        await listRunsOnce(target, view, context.clock),
        uncertainSince - CLOCK_SKEW_MARGIN_MS,
      );
      if (mine) return { recovered: mine };
    }
    const sentAt = context.clock.now();
    try {
      const out = await paced(target, context.clock, () =>
        glueClient(target).send(
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
      if (errorName(error) === "MaterializedViewRefreshTaskRunningException") return { alreadyRunning: true };
      if (mayHaveTakenEffect(error)) uncertainSince ??= sentAt;
      throw describeAwsError("StartMaterializedViewRefreshTaskRun", describeView(view), error);
    }
  }, context);
}

/** The run's current record, or undefined when Glue no longer knows the run. */
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
      glueClient(target).send(
        new GetMaterializedViewRefreshTaskRunCommand({
          CatalogId: view.catalogId,
          MaterializedViewRefreshTaskRunId: runId,
        }),
      ),
    );
    return toRun(out.MaterializedViewRefreshTaskRun, runId);
  } catch (error) {
    if (errorName(error) === "EntityNotFoundException") return undefined;
    throw describeAwsError("GetMaterializedViewRefreshTaskRun", `run ${runId} of ${describeView(view)}`, error);
  }
}

/** Every run of the view Glue lists, reading every page. */
async function listRunsOnce(target: AwsTarget, view: ViewRef, clock: Clock): Promise<RefreshRun[]> {
  const runs: RefreshRun[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const out = await paced(target, clock, () =>
        glueClient(target).send(
          new ListMaterializedViewRefreshTaskRunsCommand({
            CatalogId: view.catalogId,
            DatabaseName: view.databaseName,
            TableName: view.tableName,
            MaxResults: 100,
            NextToken: nextToken,
          }),
        ),
      );
      for (const raw of out.MaterializedViewRefreshTaskRuns ?? []) {
        const run = toRun(raw, "");
        if (run.runId) runs.push(run);
      }
      nextToken = out.NextToken;
    } while (nextToken);
  } catch (error) {
    throw describeAwsError("ListMaterializedViewRefreshTaskRuns", describeView(view), error);
  }
  return runs;
}

const startedAt = (run: RefreshRun) => run.startTime?.getTime() ?? 0;
const newest = (runs: RefreshRun[]) =>
  runs.reduce<RefreshRun | undefined>((a, b) => (!a || startedAt(b) > startedAt(a) ? b : a), undefined);
const newestStartedSince = (runs: RefreshRun[], since: number) => newest(runs.filter((r) => startedAt(r) >= since));

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
      glueClient(target).send(
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
    throw describeAwsError("StopMaterializedViewRefreshTaskRun", describeView(view), error);
  }
}

/** The caller's account id, which is the default catalog id. */
export function callerAccountId(target: AwsTarget, context: RetryContext): Promise<string> {
  return retrying(async () => {
    try {
      const out = await paced(target, context.clock, () => stsClient(target).send(new GetCallerIdentityCommand({})));
      if (!out.Account) throw new Error("the response carried no Account");
      return out.Account;
    } catch (error) {
      throw describeAwsError("GetCallerIdentity", "the default catalog id (the caller's account)", error);
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

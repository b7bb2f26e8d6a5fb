/**
 * One view's refresh at deploy time, the rules MaterializedViewRefresh and every member of a
 * MaterializedViewRefreshGroup share: where and as whom to call AWS, starting a run (upstream views
 * first, the ifRunning policy, lost answers), following it, judging how it ended, and picking it
 * up again on the next deployment.
 */
import { readStackConfig, type StackAwsConfig } from "./aws-config";
import { isExpiredCredentials, type AwsCallError } from "./errors";
import {
  callerIdentity,
  findActiveRun,
  findRunStartedSince,
  getRun,
  previousRunDuration,
  sdkDefaultRegion,
  startRun,
  stopRun,
  targetKey,
  type AwsTarget,
  type CallerIdentity,
  type ViewRef,
  VISIBILITY_WINDOW_MS,
} from "./glue";
import { containsUnknown, UNKNOWN, type AssumeRoleArgs, type RefreshSettings } from "./inputs";
import { hostInterruptSignal } from "./interrupt";
import { formatBytes, formatDuration, ProgressReporter } from "./progress";
import type { RetryContext } from "./retry";
import { compact } from "./json";
import { isActive, type RefreshRun, type RunStatus } from "./run";
import { buildState, runFields, type RefreshState, type ResolvedSettings } from "./state";
import { Sighting, UnknownRunError } from "./watch";
import {
  clockFromEnvironment,
  DEFAULT_SCHEDULE,
  waitUntil,
  type Clock,
  type PollSchedule,
  type WaitOutcome,
} from "./wait";

export interface RefresherOptions {
  /** The passage of time. @default the system clock, scaled by GLUE_MV_REFRESH_CLOCK_SCALE when set */
  readonly clock?: Clock;
  /** Where progress lines go; the provider host shows its stdout to the user. @default console.log */
  readonly print?: (line: string) => void;
  /** The source of jitter for poll and retry delays. @default Math.random */
  readonly random?: () => number;
  /** How often to poll a run. @default DEFAULT_SCHEDULE */
  readonly schedule?: PollSchedule;
  /** Gives the signal that ends waits and retries early. @default SIGINT or SIGTERM to the process */
  readonly interrupts?: () => AbortSignal;
  /** What messages call a refresh. @default "MaterializedViewRefresh" */
  readonly kind?: string;
}

/** How a wait for our own run ended: the state to record, and why the deployment fails if it must. */
export type Verdict =
  | { readonly ok: true; readonly state: RefreshState }
  | { readonly ok: false; readonly state: RefreshState; readonly why: string };

/** How to go on from a run the last deployment did not see finish. */
export type PickUp =
  | { readonly kind: "follow"; readonly run: RefreshRun }
  | { readonly kind: "ended"; readonly state: RefreshState }
  | { readonly kind: "restart"; readonly reason: string };

/** The rules of one view's refresh, bound to a clock, a printer and the stack's config. */
export type Refresher = ReturnType<typeof createRefresher>;

const MINUTE = 60_000;

export function createRefresher(options: RefresherOptions = {}) {
  const clock = options.clock ?? clockFromEnvironment();
  const print = options.print ?? ((line: string) => console.log(line));
  const random = options.random ?? Math.random;
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  const interrupts = options.interrupts ?? hostInterruptSignal;
  const kind = options.kind ?? "MaterializedViewRefresh";
  let stack: StackAwsConfig = {};
  /** Stack config that cannot be used: every operation fails with it rather than call AWS otherwise. */
  let stackProblem: Error | undefined;
  const identities = new Map<string, Promise<CallerIdentity>>();
  const sdkRegions = new Map<string | undefined, Promise<string | undefined>>();

  /** The retry context of one operation: bounded by the resource's timeout from now. */
  function within(timeoutMinutes: number, signal?: AbortSignal): RetryContext {
    return { deadline: clock.now() + timeoutMinutes * MINUTE, clock, random, signal };
  }

  /**
   * Reads the stack config. The provider host configures a provider once and keeps it even when
   * configure throws, so a problem is kept and thrown by every operation instead (`configured`).
   */
  function configure(read: (key: string) => string | undefined): void {
    try {
      stack = readStackConfig(read);
      stackProblem = undefined;
    } catch (error) {
      stack = {};
      stackProblem = error as Error;
    }
  }

  function configured(): void {
    if (stackProblem) throw stackProblem;
  }

  /**
   * Where and as whom a resource calls AWS: its region, its endpoint (else aws:endpoints') for
   * Glue and STS, the stack's credentials, then the stack's roles and the resource's own.
   */
  function targetFor(region: string, endpoint: string | undefined, assumeRole: AssumeRoleArgs | undefined): AwsTarget {
    return compact({
      region,
      endpoint: endpoint ?? stack.endpoints?.glue,
      stsEndpoint: endpoint ?? stack.endpoints?.sts,
      stsRegion: stack.stsRegion,
      profile: stack.profile,
      sharedCredentialsFile: stack.sharedCredentialsFile,
      sharedConfigFile: stack.sharedConfigFile,
      credentials: stack.credentials,
      roles: [...(stack.assumeRoles ?? []), ...(assumeRole ? [assumeRole] : [])],
    });
  }

  /** The region the AWS SDK's own chain finds, looked up once per process and profile. */
  function sdkRegion(): Promise<string | undefined> {
    let region = sdkRegions.get(stack.profile);
    if (!region) {
      region = sdkDefaultRegion(stack.profile);
      sdkRegions.set(stack.profile, region);
    }
    return region;
  }

  async function resolveRegion(settings: { region?: string; resourceName: string }): Promise<string> {
    const region = settings.region ?? stack.region ?? (await sdkRegion());
    if (!region) {
      throw new Error(
        `${kind} "${settings.resourceName}": no AWS region found; set the stack config aws:region ` +
          "(pulumi config set aws:region us-east-1), the resource's region, or AWS_REGION",
      );
    }
    return region;
  }

  /** Who the target's calls act as, looked up once per process and target. */
  function identityOf(target: AwsTarget, context: RetryContext): Promise<CallerIdentity> {
    const key = targetKey(target);
    let identity = identities.get(key);
    if (!identity) {
      identity = callerIdentity(target, context);
      identities.set(key, identity);
      identity.catch(() => identities.delete(key));
    }
    return identity;
  }

  const guarded = () => stack.allowedAccountIds !== undefined || stack.forbiddenAccountIds !== undefined;

  /** Refuses, before any Glue call, an account that aws:allowedAccountIds or aws:forbiddenAccountIds rules out. */
  function guard(who: string, identity: CallerIdentity): void {
    const as = `account ${identity.account}${identity.arn ? ` (${identity.arn})` : ""}`;
    const { allowedAccountIds: allowed, forbiddenAccountIds: forbidden } = stack;
    let rule: string | undefined;
    if (allowed && !allowed.includes(identity.account))
      rule = `the stack config aws:allowedAccountIds does not list it (allowed: ${allowed.join(", ") || "none"})`;
    else if (forbidden?.includes(identity.account)) rule = "the stack config aws:forbiddenAccountIds lists it";
    if (rule) throw new Error(`${who}: refusing to call AWS Glue as ${as}: ${rule}. No Glue call was made`);
  }

  async function resolve(
    partial: RefreshSettings,
    context: RetryContext,
  ): Promise<{ settings: ResolvedSettings; target: AwsTarget }> {
    const region = partial.region === UNKNOWN ? UNKNOWN : await resolveRegion(partial);
    const target = targetFor(region, partial.endpoint, partial.assumeRole);
    // In a preview, where and as whom may not be known yet.
    const known = region !== UNKNOWN && partial.endpoint !== UNKNOWN && !containsUnknown(partial.assumeRole);
    const identity =
      known && (partial.catalogId === undefined || guarded()) ? await identityOf(target, context) : undefined;
    if (identity) guard(subject(partial), identity);
    const catalogId = partial.catalogId ?? identity?.account ?? UNKNOWN;
    return { settings: { ...partial, region, catalogId }, target };
  }

  const viewOf = (s: ViewRef): ViewRef => ({
    catalogId: s.catalogId,
    databaseName: s.databaseName,
    tableName: s.tableName,
  });
  const idOf = (s: ViewRef) => `${s.catalogId}:${s.databaseName}.${s.tableName}`;
  const say = (s: Pick<ResolvedSettings, "resourceName" | "databaseName" | "tableName" | "quiet">, text: string) => {
    if (!s.quiet) print(`${s.resourceName} (${s.databaseName}.${s.tableName}): ${text}`);
  };
  const subject = (s: Pick<RefreshSettings, "resourceName" | "databaseName" | "tableName">) =>
    `${kind} "${s.resourceName}" (${s.databaseName}.${s.tableName})`;
  const interrupted = (s: ResolvedSettings) =>
    new Error(`${subject(s)}: interrupted (the provider host was told to stop) before a refresh was started`);

  /**
   * Waits for a run of `view` (the resource's own by default) to leave STARTING/RUNNING, printing a
   * progress line at most once a minute. Get may not know a run yet (reads lag behind writes): the
   * run keeps its last known status until Get has not known it for VISIBILITY_WINDOW_MS, and then
   * it is lost (UnknownRunError).
   */
  async function settle(
    s: ResolvedSettings,
    target: AwsTarget,
    run: RefreshRun,
    context: RetryContext,
    view: ViewRef = viewOf(s),
    label = "refresh run",
  ) {
    const progress = new ProgressReporter(clock, MINUTE);
    // The view's previous run predicts this one, so polls can be few until near its end (for
    // another view's run, an upstream's, whether it is a full refresh is not known).
    const own =
      view.catalogId === s.catalogId && view.databaseName === s.databaseName && view.tableName === s.tableName;
    const expectedMs = await previousRunDuration(target, view, run.runId, own && s.fullRefresh, clock);
    const sighting = new Sighting(clock, run, label);
    return waitUntil(
      run,
      async () =>
        sighting.see(
          await getRun(target, view, run.runId, context),
          "GetMaterializedViewRefreshTaskRun answered EntityNotFoundException",
        ),
      (r) => !isActive(r.status),
      {
        deadline: context.deadline,
        clock,
        schedule,
        random,
        signal: context.signal,
        origin: run.startTime?.getTime(),
        expectedMs,
        onPoll: (r, elapsed) => {
          if (!progress.due()) return;
          const processed = r.processedBytes ? `, ${formatBytes(r.processedBytes)} processed` : "";
          say(s, `${label} ${r.runId} ${r.status}, ${formatDuration(elapsed)} elapsed${processed}`);
        },
      },
    );
  }

  /**
   * After an unanswered Start met a run in progress, that run is probably ours and not yet listed
   * (reads lag behind writes): polls List for a run started since that Start was sent, until Glue
   * lists one or the visibility window has passed (or the deadline, or an interruption).
   */
  function awaitListed(
    s: ResolvedSettings,
    target: AwsTarget,
    since: number,
    context: RetryContext,
  ): Promise<WaitOutcome<RefreshRun | undefined>> {
    say(s, "a refresh is in progress, probably the one an unanswered Start request began; waiting for Glue to list it");
    return waitUntil<RefreshRun | undefined>(
      undefined,
      () => findRunStartedSince(target, viewOf(s), since, context),
      (run) => run !== undefined,
      {
        deadline: Math.min(context.deadline, since + VISIBILITY_WINDOW_MS),
        clock,
        schedule,
        random,
        signal: context.signal,
      },
    );
  }

  function recognised(s: ResolvedSettings, run: RefreshRun): RefreshRun {
    say(s, `recognised refresh run ${run.runId}, started by an earlier attempt whose answer was lost`);
    return run;
  }

  /**
   * Starts a run for the view, applying the ifRunning policy when one is already in progress.
   * Returns our run, or the adopted one; throws when no run could be started before the deadline.
   */
  async function startOwnRun(s: ResolvedSettings, target: AwsTarget, context: RetryContext): Promise<RefreshRun> {
    const view = viewOf(s);
    for (;;) {
      if (context.signal?.aborted) throw interrupted(s);
      const started = await startRun(target, view, s.fullRefresh, context);
      if ("runId" in started) {
        say(s, `started ${s.fullRefresh ? "full " : ""}refresh run ${started.runId}`);
        return { runId: started.runId, status: "STARTING", startTime: new Date(clock.now()) };
      }
      if ("recovered" in started) return recognised(s, started.recovered);
      if (started.uncertainSince !== undefined) {
        const listed = await awaitListed(s, target, started.uncertainSince, context);
        if (listed.value) return recognised(s, listed.value);
        if (listed.state === "aborted") throw interrupted(s);
        if (clock.now() >= context.deadline) {
          throw new Error(
            `${subject(s)}: gave up after ${s.timeoutMinutes} minutes (timeoutMinutes) waiting for Glue to list the ` +
              "refresh run that an unanswered Start request may have started; a refresh is in progress and may be " +
              "this resource's. Raise timeoutMinutes",
          );
        }
        // The window has passed and List shows no run of ours: the run in progress is someone else's.
      }
      const active = await findActiveRun(target, view, context);
      if (!active) {
        // The other run ended between our Start and List, or Glue does not list it yet: pause
        // briefly, then start again.
        if (clock.now() + schedule.minDelayMs > context.deadline) break;
        await clock.sleep(schedule.minDelayMs, context.signal);
        continue;
      }
      const since = active.startTime ? ` since ${active.startTime.toISOString()}` : "";
      switch (s.ifRunning) {
        case "fail":
          throw new Error(
            `${subject(s)}: refresh run ${active.runId} is already ${active.status}${since}, ` +
              `and ifRunning is "fail"; no refresh was started`,
          );
        case "adopt":
          say(s, `adopted refresh run ${active.runId}, already ${active.status}${since}`);
          return active;
        case "stop": {
          const stop = await stopRun(target, view, context);
          say(
            s,
            stop === "stopping"
              ? `stopping refresh run ${active.runId} to start a new one`
              : `refresh run ${active.runId} ended before it could be stopped`,
          );
          break;
        }
        case "wait":
          say(
            s,
            `waiting for refresh run ${active.runId}, already ${active.status}${since}, before starting a new one`,
          );
          break;
      }
      const other = await settle(s, target, active, context).catch((error: unknown) => {
        if (error instanceof UnknownRunError) return undefined; // gone: nothing left to wait for
        throw error;
      });
      if (!other) continue;
      if (other.state === "aborted") throw interrupted(s);
      if (other.state === "timeout") break;
      say(s, `refresh run ${active.runId} ended ${other.value.status}`);
    }
    throw new Error(
      `${subject(s)}: gave up after ${s.timeoutMinutes} minutes (timeoutMinutes) waiting for the refresh ` +
        `already in progress to end; no refresh was started. Raise timeoutMinutes or set ifRunning to "stop"`,
    );
  }

  /**
   * Waits for the runs of the upstream views among the sources to end, so that a refresh never
   * reads an upstream view in the middle of its own refresh; fails when one did not succeed.
   */
  async function awaitUpstreams(s: ResolvedSettings, context: RetryContext): Promise<void> {
    for (const upstream of s.upstreams) {
      const name = `upstream view ${upstream.databaseName}.${upstream.tableName}`;
      let run: RefreshRun = { runId: upstream.runId, status: upstream.status as RunStatus };
      if (isActive(run.status)) {
        say(s, `waiting for ${name}'s refresh run ${run.runId}, ${run.status}, before starting a refresh`);
        // Chained views share a catalog and so a region; the upstream's run is read as our own are.
        const target = targetFor(upstream.region, s.endpoint, s.assumeRole);
        const waited = await settle(s, target, run, context, viewOf(upstream), `${name}'s refresh run`);
        if (waited.state === "aborted") throw interrupted(s);
        if (waited.state === "timeout") {
          throw new Error(
            `${subject(s)}: gave up after ${s.timeoutMinutes} minutes (timeoutMinutes) waiting for ${name}'s ` +
              `refresh run ${run.runId}, last seen ${waited.value.status}; no refresh was started`,
          );
        }
        run = waited.value;
      }
      if (run.status !== "SUCCEEDED") {
        throw new Error(
          `${subject(s)}: ${name}'s refresh run ${run.runId} ended ${run.status}: ` +
            `${run.errorMessage ?? "Glue gave no error message"}; no refresh was started. ` +
            `Refresh the upstream view again (change its triggers), then deploy`,
        );
      }
    }
  }

  /**
   * Starts (or adopts) a run for the view once the upstream views' runs ended: the run, and when
   * this began (the run's start time when Glue does not give one).
   */
  async function begin(
    s: ResolvedSettings,
    target: AwsTarget,
    context: RetryContext,
  ): Promise<{ run: RefreshRun; began: number }> {
    await awaitUpstreams(s, context);
    const began = clock.now();
    return { run: await startOwnRun(s, target, context), began };
  }

  /**
   * What the end of a wait for our own run means: its state, and why the deployment must fail when
   * it did not succeed. Whatever stopped the wait (failure, timeout, interruption, an AWS error),
   * the state keeps the run, so that the next deployment picks it up.
   */
  function verdict(
    s: ResolvedSettings,
    run: RefreshRun,
    waited: WaitOutcome<RefreshRun> | { readonly error: unknown },
    began: number,
  ): Verdict {
    const stateOf = (r: RefreshRun) => buildState(s, runFields(r, new Date(began)));
    if ("error" in waited) {
      const { error } = waited;
      const why =
        error instanceof UnknownRunError
          ? `${error.message}; the next deployment starts a new refresh`
          : isExpiredCredentials(error)
            ? `the AWS credentials expired while waiting for refresh run ${run.runId}, which goes on in Glue; ` +
              `the next deployment waits for it again (${(error as AwsCallError).summary}). These credentials cannot be ` +
              "renewed (static session keys): let the provider assume a role, which it renews before it expires " +
              "(aws:assumeRoles in the stack config, or the resource's assumeRole), or give the pipeline a session " +
              `that outlasts the refresh (up to timeoutMinutes, ${s.timeoutMinutes})`
            : `could not follow refresh run ${run.runId}, which goes on in Glue: ${(error as Error).message}`;
      return { ok: false, state: stateOf(run), why };
    }
    const final = waited.value;
    if (waited.state === "done" && final.status === "SUCCEEDED") {
      say(s, summary(final, clock.now() - began));
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
      say(s, why);
    }
    return { ok: false, state: stateOf(final), why };
  }

  /**
   * How to go on from a waited-for run the last deployment did not see finish: follow it again,
   * take its end, or start a new refresh.
   */
  async function pickUp(
    s: ResolvedSettings,
    target: AwsTarget,
    olds: RefreshState,
    context: RetryContext,
  ): Promise<PickUp> {
    const run = await getRun(target, viewOf(s), olds.runId, context);
    const startedFor = clock.now() - Date.parse(olds.startedAt);
    if (!run && startedFor < VISIBILITY_WINDOW_MS) {
      // Started moments ago: Glue's reads have not caught up with it yet.
      const recorded: RefreshRun = { runId: olds.runId, status: olds.status, startTime: new Date(olds.startedAt) };
      if (!s.waitForCompletion)
        return { kind: "ended", state: buildState(s, runFields(recorded, new Date(olds.startedAt))) };
      say(
        s,
        `waiting for refresh run ${olds.runId}, started ${formatDuration(startedFor)} ago and not yet known to Glue`,
      );
      return { kind: "follow", run: recorded };
    }
    if (!run || run.status === "FAILED" || run.status === "STOPPED") {
      return {
        kind: "restart",
        reason: `refresh run ${olds.runId} ${run ? `ended ${run.status}` : "is unknown to Glue"}`,
      };
    }
    if (run.status === "SUCCEEDED" || !s.waitForCompletion)
      return { kind: "ended", state: buildState(s, runFields(run, new Date(olds.startedAt))) };
    say(s, `waiting again for refresh run ${run.runId}, still ${run.status}`);
    return { kind: "follow", run };
  }

  function summary(run: RefreshRun, elapsedMs: number): string {
    const details = [run.refreshType, run.dpuSeconds !== undefined ? `${run.dpuSeconds} DPU-seconds` : undefined]
      .filter(Boolean)
      .join(", ");
    return `refresh run ${run.runId} SUCCEEDED after ${formatDuration(elapsedMs)}${details ? ` (${details})` : ""}`;
  }

  /** The recorded run as Glue has it now (`pulumi refresh`), read where and as whom it was started. */
  async function readBack(props: RefreshState, context: RetryContext): Promise<RefreshRun | undefined> {
    const target = targetFor(props.region, props.endpoint, props.assumeRole);
    if (guarded()) guard(subject(props), await identityOf(target, context));
    return getRun(target, viewOf(props), props.runId, context);
  }

  return {
    clock,
    schedule,
    random,
    interrupts,
    configure,
    configured,
    within,
    targetFor,
    resolve,
    readBack,
    viewOf,
    idOf,
    say,
    subject,
    begin,
    settle,
    verdict,
    pickUp,
  };
}

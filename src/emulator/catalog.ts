/**
 * The emulated Data Catalog: its materialized views and their refresh runs, as a state machine
 * evaluated at a given emulated time. Pure: no I/O, no clock of its own, no AWS error shapes.
 *
 * A run is STARTING for `startingMs`, then RUNNING until `durationMs` after its start, then ends
 * with its planned outcome. A stop request ends it STOPPED `stopDelayMs` later, unless it ends on
 * its own first; until then its status is unchanged (Glue has no STOPPING status).
 *
 * Reads may be asked "as of" an earlier time, for eventual consistency: AWS control-plane APIs
 * let a read miss a write for a while, so that a resource just created is "not found" at first
 * (the EC2 API documents this, https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html,
 * and advises polling from a couple of seconds up to a few minutes). Writes (Start, Stop) always
 * act on the current state, which is why Start can refuse a run that Get and List do not show yet.
 */
import { randomUUID } from "crypto";
import type { EmulatedRun, EmulatedRunStatus, EmulatedView } from "./types";
import { nameProblem } from "./validation";

/** A view with every part resolved: the catalog defaulted, the names in lower case as Glue stores them. */
export interface ViewRef {
  readonly catalogId: string;
  readonly databaseName: string;
  readonly tableName: string;
}

export type RunOutcome = "SUCCEEDED" | "FAILED";
export type RefreshType = "FULL" | "INCREMENTAL";

export interface RunRecord {
  readonly runId: string;
  /** Start order across the catalog; list paging keys on it. */
  readonly sequence: number;
  readonly view: ViewRef;
  readonly startedBy: "api" | "outOfBand";
  readonly fullRefresh: boolean;
  readonly refreshType: RefreshType;
  readonly createdAt: number;
  readonly startingMs: number;
  readonly durationMs: number;
  readonly stopDelayMs: number;
  readonly outcome: RunOutcome;
  readonly failureMessage?: string;
  stopRequestedAt?: number;
}

/** A run as it stands at one moment. */
export interface RunState {
  readonly status: EmulatedRunStatus;
  /** When it became RUNNING, once it has. */
  readonly runningSince?: number;
  readonly endTime?: number;
  readonly lastUpdated: number;
  /** Milliseconds spent RUNNING so far, which drive DPU-seconds and processed bytes. */
  readonly runningMs: number;
  readonly errorMessage?: string;
}

export const DEFAULT_FAILURE_MESSAGE = "Emulated refresh failure: the view's refresh query failed.";

/** Evaluates a run at emulated time `at`. */
export function runStateAt(run: RunRecord, at: number): RunState {
  const naturalEnd = run.createdAt + run.durationMs;
  const stoppedAt = run.stopRequestedAt === undefined ? Infinity : run.stopRequestedAt + run.stopDelayMs;
  const end = Math.min(naturalEnd, stoppedAt);
  const runningAt = run.createdAt + Math.min(run.startingMs, run.durationMs);
  const runningMs = Math.max(0, Math.min(at, end) - runningAt);
  const events = [run.createdAt, run.stopRequestedAt ?? run.createdAt];
  if (runningAt < end && at >= runningAt) events.push(runningAt);
  if (at >= end) {
    const status: EmulatedRunStatus = stoppedAt <= naturalEnd ? "STOPPED" : run.outcome;
    return {
      status,
      ...(runningAt < end ? { runningSince: runningAt } : {}),
      endTime: end,
      lastUpdated: end,
      runningMs,
      ...(status === "FAILED" ? { errorMessage: run.failureMessage ?? DEFAULT_FAILURE_MESSAGE } : {}),
    };
  }
  const running = at >= runningAt;
  return {
    status: running ? "RUNNING" : "STARTING",
    ...(running ? { runningSince: runningAt } : {}),
    lastUpdated: Math.max(...events.filter((t) => t <= at)),
    runningMs,
  };
}

export const isActiveStatus = (status: EmulatedRunStatus): boolean => status === "STARTING" || status === "RUNNING";

export interface CatalogSettings {
  readonly accountId: string;
  readonly runDurationMs: number;
  readonly startingMs: number;
  readonly stopDelayMs: number;
  /** Makes run ids; random UUIDs by default. */
  readonly newRunId?: () => string;
  /** Every view a request names exists, added on first use. */
  readonly anyView?: boolean;
}

export type StartOutcome =
  | { readonly kind: "started"; readonly run: RunRecord }
  | { readonly kind: "unknownView" }
  | { readonly kind: "running"; readonly run: RunRecord };

export type StopOutcome = "stopping" | "notRunning" | "alreadyStopping";

export interface StartRequest {
  readonly at: number;
  readonly fullRefresh: boolean;
  readonly startedBy: "api" | "outOfBand";
  readonly durationMs?: number;
  readonly outcome?: RunOutcome;
}

export interface RunFilter {
  readonly catalogId: string;
  readonly databaseName?: string;
  readonly tableName?: string;
}

interface ViewEntry {
  readonly view: ViewRef;
  durationMs?: number;
  pendingFailures: number;
  failureMessage: string;
}

const viewKey = (view: ViewRef): string => JSON.stringify([view.catalogId, view.databaseName, view.tableName]);

export class Catalog {
  private readonly views = new Map<string, ViewEntry>();
  private readonly runList: RunRecord[] = [];
  private readonly runsById = new Map<string, RunRecord>();
  private defaultDurationMs: number;

  constructor(private readonly settings: CatalogSettings) {
    checkDuration("runDurationMs", settings.runDurationMs);
    checkDuration("startingMs", settings.startingMs);
    checkDuration("stopDelayMs", settings.stopDelayMs);
    this.defaultDurationMs = settings.runDurationMs;
  }

  /** The view with its catalog defaulted to the account and its names as Glue stores them. */
  resolve(view: EmulatedView | RunFilter): ViewRef {
    return {
      catalogId: view.catalogId ?? this.settings.accountId,
      databaseName: (view.databaseName ?? "").toLowerCase(),
      tableName: (view.tableName ?? "").toLowerCase(),
    };
  }

  addView(view: EmulatedView): ViewRef {
    const ref = this.resolve(view);
    for (const member of ["catalogId", "databaseName", "tableName"] as const) {
      const problem = nameProblem(ref[member]);
      if (problem) throw new Error(`Cannot add view ${JSON.stringify(view)}: ${member} ${problem}`);
    }
    const key = viewKey(ref);
    if (!this.views.has(key))
      this.views.set(key, { view: ref, pendingFailures: 0, failureMessage: DEFAULT_FAILURE_MESSAGE });
    return ref;
  }

  /** Whether the catalog holds the view; with `anyView`, any view it is asked about is added first. */
  hasView(ref: ViewRef): boolean {
    if (this.settings.anyView && !this.views.has(viewKey(ref))) this.addView(ref);
    return this.views.has(viewKey(ref));
  }

  /** The run, if it was created by `asOf` (a read that lags sees only what existed then). */
  run(runId: string, asOf = Infinity): RunRecord | undefined {
    const run = this.runsById.get(runId);
    return run && run.createdAt <= asOf ? run : undefined;
  }

  /** Every run, oldest first. */
  allRuns(): readonly RunRecord[] {
    return this.runList;
  }

  activeRun(ref: ViewRef, at: number): RunRecord | undefined {
    const key = viewKey(ref);
    return this.runList.find((run) => viewKey(run.view) === key && isActiveStatus(runStateAt(run, at).status));
  }

  activeRunCount(at: number): number {
    return this.runList.filter((run) => isActiveStatus(runStateAt(run, at).status)).length;
  }

  start(ref: ViewRef, request: StartRequest): StartOutcome {
    const entry = this.hasView(ref) ? this.views.get(viewKey(ref)) : undefined;
    if (!entry) return { kind: "unknownView" };
    const active = this.activeRun(ref, request.at);
    if (active) return { kind: "running", run: active };
    const firstRun = !this.runList.some((run) => viewKey(run.view) === viewKey(ref));
    let outcome = request.outcome;
    let failureMessage: string | undefined;
    if (outcome === undefined) {
      outcome = "SUCCEEDED";
      if (entry.pendingFailures > 0) {
        entry.pendingFailures--;
        outcome = "FAILED";
        failureMessage = entry.failureMessage;
      }
    }
    const durationMs = request.durationMs ?? entry.durationMs ?? this.defaultDurationMs;
    checkDuration("durationMs", durationMs);
    const run: RunRecord = {
      runId: (this.settings.newRunId ?? randomUUID)(),
      sequence: this.runList.length + 1,
      view: entry.view,
      startedBy: request.startedBy,
      fullRefresh: request.fullRefresh,
      refreshType: request.fullRefresh || firstRun ? "FULL" : "INCREMENTAL",
      createdAt: request.at,
      startingMs: this.settings.startingMs,
      durationMs,
      stopDelayMs: this.settings.stopDelayMs,
      outcome,
      ...(failureMessage !== undefined ? { failureMessage } : {}),
    };
    this.runList.push(run);
    this.runsById.set(run.runId, run);
    return { kind: "started", run };
  }

  requestStop(ref: ViewRef, at: number): StopOutcome {
    const active = this.activeRun(ref, at);
    if (!active) return "notRunning";
    if (active.stopRequestedAt !== undefined) return "alreadyStopping";
    active.stopRequestedAt = at;
    return "stopping";
  }

  /** Runs matching the filter and created by `asOf`, newest first, as Glue lists them. */
  list(filter: RunFilter, asOf = Infinity): RunRecord[] {
    const wanted = this.resolve(filter);
    return this.runList
      .filter(
        (run) =>
          run.createdAt <= asOf &&
          run.view.catalogId === wanted.catalogId &&
          (filter.databaseName === undefined || run.view.databaseName === wanted.databaseName) &&
          (filter.tableName === undefined || run.view.tableName === wanted.tableName),
      )
      .reverse();
  }

  failNextRuns(ref: ViewRef, count: number, errorMessage: string = DEFAULT_FAILURE_MESSAGE): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`failNextRuns needs a count >= 0; got ${count}`);
    const entry = this.knownView(ref);
    entry.pendingFailures = count;
    entry.failureMessage = errorMessage;
  }

  setRunDuration(ref: ViewRef | undefined, durationMs: number): void {
    checkDuration("durationMs", durationMs);
    if (ref) this.knownView(ref).durationMs = durationMs;
    else this.defaultDurationMs = durationMs;
  }

  private knownView(ref: ViewRef): ViewEntry {
    const entry = this.views.get(viewKey(ref));
    if (!entry) throw new Error(`The emulated catalog has no view ${describeRef(ref)}; add it first`);
    return entry;
  }
}

export function describeRef(ref: ViewRef): string {
  return `${ref.databaseName}.${ref.tableName} (catalog ${ref.catalogId})`;
}

/** The run as the emulator's own API reports it. */
export function emulatedRun(run: RunRecord, at: number): EmulatedRun {
  const state = runStateAt(run, at);
  return {
    runId: run.runId,
    ...run.view,
    status: state.status,
    startedBy: run.startedBy,
    fullRefresh: run.fullRefresh,
    startTime: run.createdAt,
    ...(state.endTime !== undefined ? { endTime: state.endTime } : {}),
    ...(state.errorMessage !== undefined ? { errorMessage: state.errorMessage } : {}),
  };
}

function checkDuration(name: string, ms: number): void {
  if (!(ms >= 0) || !Number.isFinite(ms))
    throw new RangeError(`${name} must be a non-negative number of milliseconds; got ${ms}`);
}

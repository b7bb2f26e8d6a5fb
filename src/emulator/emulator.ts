/** startEmulator: wires the catalog, the clock, the faults and the HTTP server into a GlueEmulator. */
import { Catalog, emulatedRun, describeRef, type ViewRef } from "./catalog";
import { EmulatedClock } from "./clock";
import { dispatch } from "./dispatch";
import { FaultInjector } from "./faults";
import { Identities } from "./identities";
import { sameView } from "./operations/operation";
import { startServer } from "./server";
import type { EmulatorOptions, Faults, GlueEmulator, RequestLogEntry } from "./types";
import { readViewsFile } from "./views-file";

export const DEFAULT_ACCOUNT_ID = "123456789012";

export async function startEmulator(options: EmulatorOptions = {}): Promise<GlueEmulator> {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId))
    throw new Error(`accountId must be 12 digits, as AWS account ids are; got ${JSON.stringify(accountId)}`);
  const catalog = new Catalog({
    accountId,
    runDurationMs: options.runDurationMs ?? 60_000,
    startingMs: options.startingMs ?? 5_000,
    stopDelayMs: options.stopDelayMs ?? 5_000,
    anyView: options.anyView ?? false,
  });
  for (const view of [...(options.views ?? []), ...(options.viewsFile ? readViewsFile(options.viewsFile) : [])])
    catalog.addView(view);
  const clock = new EmulatedClock(options.clockScale ?? 1, Date.now, options.clockOffsetMs ?? 0);
  const faults = new FaultInjector(options.faults ?? {}, options.seed ?? 1);
  const identities = new Identities(accountId, options.credentials ?? [], options.roles ?? []);
  let deniedViews: readonly ViewRef[] = [];
  const applyFaults = (next: Faults) => {
    faults.set(next);
    deniedViews = (next.accessDenied ?? []).map((view) => catalog.resolve(view));
  };
  applyFaults(options.faults ?? {});
  let log: RequestLogEntry[] = [];

  const server = await startServer(options.host ?? "127.0.0.1", options.port ?? 0, {
    dispatch: (request, identity) =>
      dispatch(request, identity, { catalog, clock, faults, identities, deniedViews: () => deniedViews }),
    record: (entry) => log.push(entry),
    latencyMs: () => faults.latencyMs(),
    date: () => clock.wallNow(),
  });

  return {
    endpoint: server.endpoint,
    clockOrigin: clock.realOrigin,
    clockOffsetMs: clock.offsetMs,
    accountId,
    get requests() {
      return log;
    },
    now: () => clock.now(),
    advanceTime: (ms) => clock.advance(ms),
    sessions: (roleArn) => identities.sessions().filter((s) => roleArn === undefined || s.roleArn === roleArn),
    addView: (view) => {
      catalog.addView(view);
    },
    runs: (view) => {
      const at = clock.now();
      const ref = view && catalog.resolve(view);
      return catalog
        .allRuns()
        .filter((run) => !ref || sameView(run.view, ref))
        .map((run) => emulatedRun(run, at));
    },
    startRunOutOfBand: (view, runOptions = {}) => {
      const ref = catalog.resolve(view);
      const outcome = catalog.start(ref, {
        at: clock.now(),
        fullRefresh: false,
        startedBy: "outOfBand",
        ...(runOptions.durationMs !== undefined ? { durationMs: runOptions.durationMs } : {}),
        ...(runOptions.outcome !== undefined ? { outcome: runOptions.outcome } : {}),
      });
      if (outcome.kind === "unknownView")
        throw new Error(`The emulated catalog has no view ${describeRef(ref)}; add it first`);
      if (outcome.kind === "running")
        throw new Error(`View ${describeRef(ref)} already has run ${outcome.run.runId} in progress`);
      return outcome.run.runId;
    },
    failNextRuns: (view, count, errorMessage) => catalog.failNextRuns(catalog.resolve(view), count, errorMessage),
    setRunDuration: (view, durationMs) => catalog.setRunDuration(view && catalog.resolve(view), durationMs),
    setFaults: applyFaults,
    resetRequests: () => {
      log = [];
    },
    close: () => server.close(),
  };
}

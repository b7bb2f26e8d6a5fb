/** The run state machine, the catalog and the emulated clock, alone: time is passed in. */
import { Catalog, DEFAULT_FAILURE_MESSAGE, emulatedRun, runStateAt, type RunRecord } from "../../src/emulator/catalog";
import { EmulatedClock } from "../../src/emulator/clock";
import { wireRun } from "../../src/emulator/operations/run-shape";

const T0 = Date.UTC(2026, 0, 1);
const ACCOUNT = "123456789012";
const DAILY = { databaseName: "sales", tableName: "daily_mv" };

function catalog(): Catalog {
  let next = 0;
  const c = new Catalog({
    accountId: ACCOUNT,
    runDurationMs: 60_000,
    startingMs: 5_000,
    stopDelayMs: 5_000,
    newRunId: () => `run-${++next}`,
  });
  c.addView(DAILY);
  return c;
}

function started(c: Catalog, at = T0, options: { fullRefresh?: boolean; durationMs?: number } = {}): RunRecord {
  const outcome = c.start(c.resolve(DAILY), {
    at,
    fullRefresh: options.fullRefresh ?? false,
    startedBy: "api",
    ...options,
  });
  if (outcome.kind !== "started") throw new Error(outcome.kind);
  return outcome.run;
}

describe("runStateAt", () => {
  it("moves STARTING -> RUNNING -> SUCCEEDED on the run's durations", () => {
    const run = started(catalog());
    expect(runStateAt(run, T0)).toEqual({ status: "STARTING", lastUpdated: T0, runningMs: 0 });
    expect(runStateAt(run, T0 + 4_999).status).toBe("STARTING");
    expect(runStateAt(run, T0 + 5_000)).toEqual({
      status: "RUNNING",
      runningSince: T0 + 5_000,
      lastUpdated: T0 + 5_000,
      runningMs: 0,
    });
    expect(runStateAt(run, T0 + 30_000).runningMs).toBe(25_000);
    expect(runStateAt(run, T0 + 60_000)).toEqual({
      status: "SUCCEEDED",
      runningSince: T0 + 5_000,
      endTime: T0 + 60_000,
      lastUpdated: T0 + 60_000,
      runningMs: 55_000,
    });
    expect(runStateAt(run, T0 + 10 * 3_600_000).runningMs).toBe(55_000);
  });

  it("ends STOPPED stopDelayMs after a stop, keeping its status until then", () => {
    const c = catalog();
    const run = started(c);
    expect(c.requestStop(c.resolve(DAILY), T0 + 20_000)).toBe("stopping");
    expect(runStateAt(run, T0 + 24_999)).toMatchObject({ status: "RUNNING", lastUpdated: T0 + 20_000 });
    expect(c.requestStop(c.resolve(DAILY), T0 + 21_000)).toBe("alreadyStopping");
    expect(runStateAt(run, T0 + 25_000)).toMatchObject({ status: "STOPPED", endTime: T0 + 25_000, runningMs: 20_000 });
    expect(runStateAt(run, T0 + 25_000).errorMessage).toBeUndefined();
    expect(c.requestStop(c.resolve(DAILY), T0 + 26_000)).toBe("notRunning");
  });

  it("stops a run that is still STARTING, RUNNING only if the stop lands after STARTING ends", () => {
    const c = catalog();
    const run = started(c);
    c.requestStop(c.resolve(DAILY), T0);
    expect(runStateAt(run, T0 + 4_999).status).toBe("STARTING");
    expect(runStateAt(run, T0 + 5_000)).toEqual({
      status: "STOPPED",
      endTime: T0 + 5_000,
      lastUpdated: T0 + 5_000,
      runningMs: 0,
    });

    const later = started(c, T0 + 10_000);
    c.requestStop(c.resolve(DAILY), T0 + 11_000);
    expect(runStateAt(later, T0 + 15_500).status).toBe("RUNNING");
    expect(runStateAt(later, T0 + 16_000)).toMatchObject({ status: "STOPPED", runningMs: 1_000 });
  });

  it("lets a run that ends on its own before the stop lands end with its own outcome", () => {
    const c = catalog();
    const run = started(c);
    c.requestStop(c.resolve(DAILY), T0 + 58_000);
    expect(runStateAt(run, T0 + 60_000)).toMatchObject({ status: "SUCCEEDED", endTime: T0 + 60_000 });
  });

  it("skips RUNNING for a run shorter than its STARTING phase", () => {
    const run = started(catalog(), T0, { durationMs: 2_000 });
    expect(runStateAt(run, T0 + 1_999).status).toBe("STARTING");
    expect(runStateAt(run, T0 + 2_000)).toEqual({
      status: "SUCCEEDED",
      endTime: T0 + 2_000,
      lastUpdated: T0 + 2_000,
      runningMs: 0,
    });
  });
});

describe("Catalog", () => {
  it("refuses a second active run of a view, and starts for unknown views nothing", () => {
    const c = catalog();
    const first = started(c);
    expect(c.start(c.resolve(DAILY), { at: T0 + 1, fullRefresh: false, startedBy: "api" })).toEqual({
      kind: "running",
      run: first,
    });
    expect(
      c.start(c.resolve({ databaseName: "x", tableName: "y" }), { at: T0, fullRefresh: false, startedBy: "api" }),
    ).toEqual({ kind: "unknownView" });
    expect(c.activeRunCount(T0 + 1)).toBe(1);
    expect(c.activeRunCount(T0 + 60_000)).toBe(0);
    expect(started(c, T0 + 60_000).runId).toBe("run-2");
  });

  it("plans FULL for the first run and when asked, INCREMENTAL otherwise", () => {
    const c = catalog();
    const types = [false, false, true].map(
      (fullRefresh, i) => started(c, T0 + i * 60_000, { fullRefresh }).refreshType,
    );
    expect(types).toEqual(["FULL", "INCREMENTAL", "FULL"]);
  });

  it("fails the next runs with the message given, then succeeds", () => {
    const c = catalog();
    c.failNextRuns(c.resolve(DAILY), 1, "boom");
    const failed = started(c);
    const ok = started(c, T0 + 60_000);
    expect(runStateAt(failed, T0 + 60_000)).toMatchObject({ status: "FAILED", errorMessage: "boom" });
    expect(runStateAt(ok, T0 + 120_000).status).toBe("SUCCEEDED");
    c.failNextRuns(c.resolve(DAILY), 1);
    expect(runStateAt(started(c, T0 + 120_000), T0 + 180_000).errorMessage).toBe(DEFAULT_FAILURE_MESSAGE);
  });

  it("uses a view's own run duration over the default, and the default over the settings", () => {
    const c = catalog();
    c.setRunDuration(undefined, 10_000);
    expect(started(c).durationMs).toBe(10_000);
    c.setRunDuration(c.resolve(DAILY), 20_000);
    expect(started(c, T0 + 10_000).durationMs).toBe(20_000);
  });

  it("refuses views with invalid names and settings for unknown views", () => {
    const c = catalog();
    expect(() => c.addView({ databaseName: "", tableName: "t" })).toThrow(
      /databaseName must have length greater than or equal to 1/,
    );
    expect(() => c.failNextRuns(c.resolve({ databaseName: "x", tableName: "y" }), 1)).toThrow(/no view x\.y/);
    expect(() => c.setRunDuration(undefined, -1)).toThrow(RangeError);
  });

  it("lists newest first, by catalog and optionally database and table", () => {
    const c = catalog();
    c.addView({ databaseName: "sales", tableName: "weekly_mv" });
    c.addView({ catalogId: "999999999999", databaseName: "sales", tableName: "daily_mv" });
    const a = started(c);
    const b = c.start(c.resolve({ databaseName: "sales", tableName: "weekly_mv" }), {
      at: T0,
      fullRefresh: false,
      startedBy: "api",
    });
    const other = c.start(c.resolve({ catalogId: "999999999999", ...DAILY }), {
      at: T0,
      fullRefresh: false,
      startedBy: "outOfBand",
    });
    const ids = (runs: RunRecord[]) => runs.map((r) => r.runId);
    expect(ids(c.list({ catalogId: ACCOUNT }))).toEqual(["run-2", "run-1"]);
    expect(ids(c.list({ catalogId: ACCOUNT, tableName: "DAILY_MV" }))).toEqual([a.runId]);
    expect(ids(c.list({ catalogId: "999999999999" }))).toEqual(["run-3"]);
    expect(b.kind).toBe("started");
    expect(other.kind === "started" && emulatedRun(other.run, T0)).toMatchObject({
      catalogId: "999999999999",
      startedBy: "outOfBand",
      status: "STARTING",
    });
  });

  it("reads as of an earlier time see only the runs created by then", () => {
    const c = catalog();
    const first = started(c);
    const second = started(c, T0 + 60_000);
    expect(c.run(second.runId, T0 + 59_999)).toBeUndefined();
    expect(c.run(second.runId, T0 + 60_000)).toBe(second);
    expect(c.run(second.runId)).toBe(second);
    expect(c.list({ catalogId: ACCOUNT }, T0 + 30_000).map((r) => r.runId)).toEqual([first.runId]);
    expect(c.list({ catalogId: ACCOUNT }).map((r) => r.runId)).toEqual([second.runId, first.runId]);
  });
});

describe("wireRun", () => {
  it("writes epoch seconds, omits what is not known yet, and grows the metrics while RUNNING", () => {
    const run = started(catalog(), T0 + 250);
    const starting = wireRun(run, T0 + 1_000, ACCOUNT);
    expect(starting).toMatchObject({
      Status: "STARTING",
      CreationTime: (T0 + 250) / 1000,
      StartTime: (T0 + 250) / 1000,
      DPUSeconds: 0,
      ProcessedBytes: 0,
    });
    expect(starting).not.toHaveProperty("RefreshType");
    expect(starting).not.toHaveProperty("EndTime");
    const early = wireRun(run, T0 + 15_250, ACCOUNT);
    const late = wireRun(run, T0 + 45_250, ACCOUNT);
    expect(early).toMatchObject({ Status: "RUNNING", RefreshType: "FULL", DPUSeconds: 100 });
    expect(late.ProcessedBytes as number).toBeGreaterThan(early.ProcessedBytes as number);
    expect(wireRun(run, T0 + 60_250, ACCOUNT)).toMatchObject({
      Status: "SUCCEEDED",
      EndTime: (T0 + 60_250) / 1000,
      LastUpdated: (T0 + 60_250) / 1000,
    });
  });
});

describe("EmulatedClock", () => {
  it("scales real time, adds jumps, and never runs backwards", () => {
    let real = 1_000_000;
    const clock = new EmulatedClock(1000, () => real);
    expect(clock.now()).toBe(1_000_000);
    real += 600;
    expect(clock.now()).toBe(1_600_000);
    clock.advance(5_000);
    expect(clock.now()).toBe(1_605_000);
    real -= 100;
    expect(clock.now()).toBe(1_605_000);
    expect(() => new EmulatedClock(0)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

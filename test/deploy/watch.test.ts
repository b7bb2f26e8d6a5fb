import type { RefreshRun, RunStatus } from "../../src/model/run";
import { DEFAULT_SCHEDULE } from "../../src/model/wait";
import { RunWatcher, type WatchReads, type Watched } from "../../src/deploy/watch";
import { FakeClock } from "../support/fake-clock";

const MINUTE = 60_000;

/** Runs that end at given times, read through a counting stand-in for Get and List. */
class FakeGlue implements WatchReads {
  gets = 0;
  lists = 0;
  /** Pages each List of a scope takes. */
  pagesPerList = 1;
  /** Runs Get and List do not show yet (reads that lag behind writes). */
  hidden = new Set<string>();
  failList?: Error;
  private readonly ends = new Map<string, { at: number; outcome: RunStatus }>();

  constructor(readonly clock: FakeClock) {}

  add(runId: string, durationMs: number, outcome: RunStatus = "SUCCEEDED"): Watched {
    this.ends.set(runId, { at: this.clock.now() + durationMs, outcome });
    return {
      scope: "sales",
      run: { runId, status: "STARTING", startTime: new Date(this.clock.now()) },
      origin: this.clock.now(),
      deadline: this.clock.now() + 60 * MINUTE,
    };
  }

  private record(runId: string): RefreshRun {
    const end = this.ends.get(runId)!;
    const ended = this.clock.now() >= end.at;
    return { runId, status: ended ? end.outcome : "RUNNING", endTime: ended ? new Date(end.at) : undefined };
  }

  get(watched: Watched): Promise<RefreshRun | undefined> {
    this.gets++;
    const { runId } = watched.run;
    return Promise.resolve(this.hidden.has(runId) ? undefined : this.record(runId));
  }

  list(_scope: string, watched: readonly Watched[]) {
    this.lists += this.pagesPerList;
    if (this.failList) return Promise.reject(this.failList);
    const shown = watched.filter((w) => !this.hidden.has(w.run.runId));
    return Promise.resolve({
      runs: new Map(shown.map((w) => [w.run.runId, this.record(w.run.runId)])),
      pages: this.pagesPerList,
    });
  }
}

function setUp() {
  const clock = new FakeClock();
  const glue = new FakeGlue(clock);
  const controller = new AbortController();
  const watcher = new RunWatcher({
    clock,
    schedule: DEFAULT_SCHEDULE,
    random: () => 1,
    reads: glue,
    signal: controller.signal,
  });
  return { clock, glue, watcher, controller };
}

describe("RunWatcher", () => {
  it("follows twelve runs of one database with about the calls one run costs, not twelve times as many", async () => {
    const alone = setUp();
    await alone.watcher.watch(alone.glue.add("run-alone", 21 * MINUTE));
    const oneRunCalls = alone.glue.gets;

    const { glue, watcher } = setUp();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => watcher.watch(glue.add(`run-${i}`, (10 + i) * MINUTE))),
    );
    expect(outcomes.map((o) => [o.state, o.value.status])).toEqual(
      Array.from({ length: 12 }, () => ["done", "SUCCEEDED"]),
    );
    // Lists while several runs are due; a Get only once a single run is left.
    expect(glue.lists).toBeGreaterThan(glue.gets);
    expect(glue.lists + glue.gets).toBeLessThanOrEqual(oneRunCalls + 2);
  });

  it("uses a Get for a run alone in its database", async () => {
    const { glue, watcher } = setUp();
    const outcome = await watcher.watch(glue.add("run-1", 10 * MINUTE));
    expect(outcome.state).toBe("done");
    expect(glue.lists).toBe(0);
    expect(glue.gets).toBeGreaterThan(0);
  });

  it("turns to Gets once a List of the database takes more pages than the runs that are due", async () => {
    const { glue, watcher } = setUp();
    glue.pagesPerList = 5;
    await Promise.all([1, 2, 3].map((i) => watcher.watch(glue.add(`run-${i}`, 10 * MINUTE))));
    expect(glue.lists).toBe(5); // one List, whose five pages showed Gets are cheaper
    expect(glue.gets).toBeGreaterThan(0);
  });

  it("keeps waiting for a run the List does not show yet", async () => {
    const { clock, glue, watcher } = setUp();
    glue.hidden.add("run-1");
    clock.onSleep = () => {
      if (clock.now() > Date.UTC(2026, 0, 1) + 2 * MINUTE) glue.hidden.clear();
    };
    const [first] = await Promise.all([1, 2].map((i) => watcher.watch(glue.add(`run-${i}`, 10 * MINUTE))));
    expect(first).toMatchObject({ state: "done", value: { status: "SUCCEEDED" } });
  });

  it("ends each run's wait at its own deadline, with the run as last seen", async () => {
    const { glue, watcher, clock } = setUp();
    const long = { ...glue.add("run-long", 5 * 60 * MINUTE), deadline: clock.now() + 30 * MINUTE };
    const [timedOut, done] = await Promise.all([
      watcher.watch(long),
      watcher.watch(glue.add("run-short", 10 * MINUTE)),
    ]);
    expect(timedOut).toMatchObject({ state: "timeout", value: { status: "RUNNING" } });
    expect(done.state).toBe("done");
    // It polled the long run once more at its deadline, and slept no further.
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(30 * MINUTE);
  });

  it("ends every wait as aborted when the signal fires", async () => {
    const { glue, watcher, controller, clock } = setUp();
    clock.onSleep = () => {
      if (clock.now() > Date.UTC(2026, 0, 1) + 3 * MINUTE) controller.abort();
    };
    const outcomes = await Promise.all([1, 2].map((i) => watcher.watch(glue.add(`run-${i}`, 10 * MINUTE))));
    expect(outcomes.map((o) => o.state)).toEqual(["aborted", "aborted"]);
  });

  it("fails the waits of a database whose List fails for good", async () => {
    const { glue, watcher } = setUp();
    glue.failList = new Error("AccessDeniedException");
    const waits = [1, 2].map((i) => watcher.watch(glue.add(`run-${i}`, 10 * MINUTE)));
    await expect(Promise.all(waits)).rejects.toThrow("AccessDeniedException");
  });
});

describe("RunWatcher and runs Glue does not show", () => {
  it("fails a run's wait once the List has not shown it for longer than reads lag", async () => {
    const { glue, watcher } = setUp();
    glue.hidden.add("run-1");
    const waits = [1, 2].map((i) => watcher.watch(glue.add(`run-${i}`, 60 * MINUTE)));
    await expect(waits[0]).rejects.toThrow(
      /^Glue does not know refresh run run-1: (ListMaterializedViewRefreshTaskRuns did not list it|GetMaterializedViewRefreshTaskRun answered EntityNotFoundException) for 5m \d\ds$/,
    );
    await expect(waits[1]).resolves.toMatchObject({ state: "done" });
  });
});

/**
 * Starting a run, alone: Start, a lost answer recognised, and the four ifRunning policies against
 * a run already in progress.
 */
import { begin, meetRunning, startOwnRun } from "../../src/deploy/starting";
import { settings, upstream } from "../support/fixtures";
import { sdkErrors, StubGlue } from "../support/glue-stub";

const target = { region: "us-east-1" };

describe("startOwnRun", () => {
  it("starts a run and says so", async () => {
    const glue = new StubGlue();
    const ctx = glue.context();
    const run = await startOwnRun(ctx, settings({ fullRefresh: true }), target, glue.budget(ctx));
    expect(run).toMatchObject({ runId: glue.runs[0].id, status: "STARTING" });
    expect(glue.lines).toEqual([`daily (sales.daily_mv): started full refresh run ${glue.runs[0].id}`]);
  });

  it("recognises the run a Start whose answer was lost began, starting no second", async () => {
    const glue = new StubGlue();
    glue.failNext("Start", sdkErrors.connectionReset, { afterProcessing: true });
    const ctx = glue.context();
    const run = await startOwnRun(ctx, settings(), target, glue.budget(ctx));
    expect(glue.runs).toHaveLength(1);
    expect(run.runId).toBe(glue.runs[0].id);
    expect(glue.lines[0]).toContain("recognised refresh run");
  });

  it("waits for Glue to list its own run when reads lag, then takes it", async () => {
    const glue = new StubGlue({ readLagMs: 2_000 });
    glue.failNext("Start", sdkErrors.connectionReset, { afterProcessing: true });
    const ctx = glue.context();
    const run = await startOwnRun(ctx, settings(), target, glue.budget(ctx));
    expect(glue.runs).toHaveLength(1);
    expect(run.runId).toBe(glue.runs[0].id);
    expect(glue.lines[0]).toContain("the answer to a Start request was lost; waiting up to 10s for Glue to list");
  });

  it("gives up at the budget's end when the run in progress never ends, starting none", async () => {
    const glue = new StubGlue();
    glue.addRun(10 * 60 * 60_000);
    const ctx = glue.context();
    await expect(startOwnRun(ctx, settings({ timeoutMinutes: 5 }), target, glue.budget(ctx, 5))).rejects.toThrow(
      'MaterializedViewRefresh "daily" (sales.daily_mv): gave up after 5 minutes (timeoutMinutes) waiting for the refresh already in progress to end',
    );
    expect(glue.runs).toHaveLength(1);
  });
});

describe("meetRunning: the ifRunning policies", () => {
  function running() {
    const glue = new StubGlue({ stopDelayMs: 20_000 });
    const other = glue.addRun(30 * 60_000);
    glue.clock.time += 60_000;
    const ctx = glue.context();
    const active = { runId: other.id, status: "RUNNING" as const, startTime: new Date(other.started) };
    return { glue, ctx, active };
  }

  it("adopt: takes the run, calling nothing", async () => {
    const { glue, ctx, active } = running();
    expect(await meetRunning(ctx, settings({ ifRunning: "adopt" }), target, active, glue.budget(ctx))).toBe("adopted");
    expect(glue.calls()).toEqual([]);
  });

  it("fail: fails naming the run, calling nothing", async () => {
    const { glue, ctx, active } = running();
    await expect(meetRunning(ctx, settings({ ifRunning: "fail" }), target, active, glue.budget(ctx))).rejects.toThrow(
      `refresh run ${active.runId} is already RUNNING since 2026-01-01T00:00:00.000Z, and ifRunning is "fail"; no refresh was started`,
    );
    expect(glue.calls()).toEqual([]);
  });

  it("wait: goes on once the run ended", async () => {
    const { glue, ctx, active } = running();
    expect(await meetRunning(ctx, settings({ ifRunning: "wait" }), target, active, glue.budget(ctx))).toBe("again");
    expect(glue.status(glue.runs[0])).toBe("SUCCEEDED");
    expect(glue.calls()).not.toContain("StopMaterializedViewRefreshTaskRun");
  });

  it("stop: stops the run and goes on once it is STOPPED", async () => {
    const { glue, ctx, active } = running();
    expect(await meetRunning(ctx, settings({ ifRunning: "stop" }), target, active, glue.budget(ctx))).toBe("again");
    expect(glue.status(glue.runs[0])).toBe("STOPPED");
    expect(glue.lines[0]).toBe(`daily (sales.daily_mv): stopping refresh run ${active.runId} to start a new one`);
  });

  it("wait: says timeout when the run outlasts the budget", async () => {
    const { glue, ctx, active } = running();
    expect(await meetRunning(ctx, settings(), target, active, glue.budget(ctx, 2))).toBe("timeout");
  });
});

describe("begin", () => {
  it("waits for an upstream run still going, then starts, saying when it began", async () => {
    const glue = new StubGlue({ durationMs: 60_000 });
    const up = glue.addRun(3 * 60_000);
    const ctx = glue.context();
    const s = settings({ upstreams: [upstream(up.id, "RUNNING")] });
    const { run, began } = await begin(ctx, s, target, glue.budget(ctx));
    expect(began).toBeGreaterThanOrEqual(glue.runs[0].started + 3 * 60_000);
    expect(run.runId).toBe(glue.runs[1].id);
  });
});

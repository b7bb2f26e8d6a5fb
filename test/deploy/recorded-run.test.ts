/** The recorded run, alone: picking it up on the next deployment, and reading it back. */
import { pickUp, readBack } from "../../src/deploy/recorded-run";
import { settings, state } from "../support/fixtures";
import { StubGlue } from "../support/glue-stub";

const target = { region: "us-east-1" };

describe("pickUp", () => {
  it("follows a run still going", async () => {
    const glue = new StubGlue();
    const going = glue.addRun(30 * 60_000);
    glue.clock.time += 5 * 60_000;
    const ctx = glue.context();
    const next = await pickUp(ctx, settings(), target, state({ runId: going.id, status: "RUNNING" }), glue.budget(ctx));
    expect(next).toMatchObject({ kind: "follow", run: { runId: going.id, status: "RUNNING" } });
    expect(glue.lines).toEqual([`daily (sales.daily_mv): waiting again for refresh run ${going.id}, still RUNNING`]);
  });

  it("takes the end of a run that succeeded meanwhile, or of any run when not waiting", async () => {
    const glue = new StubGlue();
    const done = glue.addRun(60_000);
    glue.clock.time += 5 * 60_000;
    const ctx = glue.context();
    const olds = state({ runId: done.id, status: "RUNNING" });
    expect(await pickUp(ctx, settings(), target, olds, glue.budget(ctx))).toMatchObject({
      kind: "ended",
      state: { runId: done.id, status: "SUCCEEDED" },
    });
    const going = glue.addRun(60 * 60_000);
    const notWaiting = settings({ waitForCompletion: false });
    expect(
      await pickUp(ctx, notWaiting, target, state({ runId: going.id, status: "STARTING" }), glue.budget(ctx)),
    ).toMatchObject({ kind: "ended", state: { runId: going.id, status: "STARTING" } });
  });

  it("restarts after a run that failed, or that Glue does not know past the visibility window", async () => {
    const glue = new StubGlue({ outcome: "FAILED" });
    const failed = glue.addRun(60_000, "FAILED");
    glue.clock.time += 10 * 60_000;
    const ctx = glue.context();
    expect(
      await pickUp(ctx, settings(), target, state({ runId: failed.id, status: "RUNNING" }), glue.budget(ctx)),
    ).toEqual({
      kind: "restart",
      reason: `refresh run ${failed.id} ended FAILED`,
    });
    const lost = state({ runId: "gone", status: "RUNNING", startedAt: "2026-01-01T00:00:00.000Z" });
    expect(await pickUp(ctx, settings(), target, lost, glue.budget(ctx))).toEqual({
      kind: "restart",
      reason: "refresh run gone is unknown to Glue",
    });
  });

  it("follows a run started moments ago that Glue does not know yet", async () => {
    const glue = new StubGlue();
    const ctx = glue.context();
    const olds = state({
      runId: "new",
      status: "STARTING",
      startedAt: new Date(glue.clock.now() - 10_000).toISOString(),
    });
    expect(await pickUp(ctx, settings(), target, olds, glue.budget(ctx))).toMatchObject({
      kind: "follow",
      run: { runId: "new", status: "STARTING" },
    });
    expect(glue.lines[0]).toContain("started 10s ago and not yet known to Glue");
  });
});

describe("readBack", () => {
  it("reads the recorded run as Glue has it now, starting nothing", async () => {
    const glue = new StubGlue();
    const done = glue.addRun(60_000);
    glue.clock.time += 5 * 60_000;
    const ctx = glue.context();
    expect(await readBack(ctx, state({ runId: done.id, status: "RUNNING" }), glue.budget(ctx))).toMatchObject({
      runId: done.id,
      status: "SUCCEEDED",
    });
    expect(glue.calls()).toEqual(["GetMaterializedViewRefreshTaskRun"]);
  });

  it("checks the account guards before reading", async () => {
    const glue = new StubGlue();
    const ctx = glue.context({ "aws:region": "us-east-1", "aws:allowedAccountIds": '["222222222222"]' });
    await expect(readBack(ctx, state(), glue.budget(ctx))).rejects.toThrow("refusing to call AWS Glue as account");
    expect(glue.calls()).toEqual([]);
  });
});

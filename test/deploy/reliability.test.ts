/**
 * Reliability at the lifecycle level: retries to the deadline, no second start when an answer is
 * lost, waits that survive transient failures, and interruption that keeps the run in state.
 */
import { RefreshFailedError } from "../../src/model/errors";
import type { RefreshInputs } from "../../src/model/inputs";
import { state } from "../support/fixtures";
import { sdkErrors, StubGlue } from "../support/glue-stub";

const inputs: RefreshInputs = {
  resourceName: "daily",
  databaseName: "sales",
  tableName: "daily_mv",
  catalogId: "123456789012",
};

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: Error) => error,
  );
}

describe("retries", () => {
  it.each([
    ["throttling", sdkErrors.throttling],
    ["5xx", sdkErrors.serverError],
    ["dropped connections", sdkErrors.connectionReset],
    ["ResourceNumberLimitExceededException", sdkErrors.limitExceeded],
  ])("retries Start through %s well past three attempts", async (_what, error) => {
    const glue = new StubGlue({ durationMs: 60_000 });
    glue.failNext("Start", error, { times: 7 });
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED" });
    expect(glue.calls().filter((c) => c === "StartMaterializedViewRefreshTaskRun")).toHaveLength(8);
  });

  it.each([
    ["InvalidInputException", sdkErrors.invalidInput],
    ["EntityNotFoundException", sdkErrors.entityNotFound],
  ])("fails at once on %s", async (name, error) => {
    const glue = new StubGlue();
    glue.failNext("Start", error);
    const failure = await rejection((await glue.lifecycle()).create(inputs));
    expect(failure.message).toContain(
      `StartMaterializedViewRefreshTaskRun for view sales.daily_mv (catalog 123456789012) failed: ${name}`,
    );
    expect(glue.calls()).toEqual(["StartMaterializedViewRefreshTaskRun"]);
    expect(glue.clock.sleeps).toEqual([]);
  });

  it("gives up at timeoutMinutes under throttling that never ends, starting nothing", async () => {
    const glue = new StubGlue();
    glue.failNext("Start", sdkErrors.throttling, { times: 10_000 });
    const start = glue.clock.now();
    const failure = await rejection((await glue.lifecycle()).create({ ...inputs, timeoutMinutes: 10 }));
    expect(failure).not.toBeInstanceOf(RefreshFailedError);
    expect(failure.message).toMatch(
      /ThrottlingException: Rate exceeded \(request id req-throttle\); gave up after \d+ attempts at the timeout/,
    );
    expect(glue.clock.now() - start).toBe(10 * 60_000);
    expect(glue.runs).toHaveLength(0);
  });

  it("keeps waiting through transient Get failures", async () => {
    const glue = new StubGlue({ durationMs: 3 * 60_000 });
    glue.failNext("Get", sdkErrors.serverError, { times: 3 });
    glue.failNext("Get", sdkErrors.throttling, { times: 3 });
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(outs).toMatchObject({ status: "SUCCEEDED" });
  });

  it("keeps the run id in partial state when it can no longer follow the run", async () => {
    const glue = new StubGlue({ durationMs: 3 * 60_000 });
    glue.failNext("Get", () =>
      Object.assign(new Error("not allowed"), { name: "AccessDeniedException", $metadata: { requestId: "r-9" } }),
    );
    const failure = (await rejection((await glue.lifecycle()).create(inputs))) as RefreshFailedError;
    expect(failure).toBeInstanceOf(RefreshFailedError);
    expect(failure.message).toContain(
      `could not follow refresh run ${glue.runs[0].id}, which goes on in Glue: GetMaterializedViewRefreshTaskRun`,
    );
    expect(failure.message).toContain("glue:GetMaterializedViewRefreshTaskRun");
    expect(failure.properties).toMatchObject({ runId: glue.runs[0].id, status: "STARTING" });
  });
});

describe("no double start", () => {
  it.each([
    ["a connection dropped after Glue started the run", sdkErrors.connectionReset],
    ["a 500 after Glue started the run", sdkErrors.serverError],
    ["an OperationTimeoutException after Glue started the run", sdkErrors.operationTimeout],
  ])("recognises its own run after %s, instead of starting a second", async (_what, error) => {
    const glue = new StubGlue({ durationMs: 10 * 60_000 });
    glue.failNext("Start", error, { afterProcessing: true });
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED" });
    expect(glue.calls().slice(0, 2)).toEqual([
      "StartMaterializedViewRefreshTaskRun",
      "ListMaterializedViewRefreshTaskRuns",
    ]);
    expect(glue.lines[0]).toBe(
      `daily (sales.daily_mv): recognised refresh run ${glue.runs[0].id}, started by an earlier attempt whose answer was lost`,
    );
  });

  it("recognises its own run even when that run already ended", async () => {
    const glue = new StubGlue({ durationMs: 500 });
    glue.failNext("Start", sdkErrors.connectionReset, { afterProcessing: true });
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED" });
  });

  it("does not take a run that started before its first attempt for its own", async () => {
    const glue = new StubGlue({ durationMs: 60_000 });
    const scheduled = glue.addRun(30 * 60_000);
    glue.clock.time += 10 * 60_000;
    glue.failNext("Start", sdkErrors.connectionReset);
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(glue.runs.map((r) => r.id)).toEqual([scheduled.id, outs!.runId]);
  });

  it("retries Start without listing when the request was never sent", async () => {
    const glue = new StubGlue({ durationMs: 60_000 });
    glue.failNext("Start", sdkErrors.connectionRefused);
    await (await glue.lifecycle()).create(inputs);
    expect(glue.calls().slice(0, 2)).toEqual([
      "StartMaterializedViewRefreshTaskRun",
      "StartMaterializedViewRefreshTaskRun",
    ]);
  });
});

describe("eventually consistent reads", () => {
  it("waits for its own run to be listed after a lost Start answer meets it running, starting no second", async () => {
    // Reads 15 s behind writes, past the window a lost answer is waited out for (READ_LAG_MS): the
    // next Start meets the run still going, and the provider waits for List to show it.
    const glue = new StubGlue({ durationMs: 60_000, readLagMs: 15_000 });
    glue.failNext("Start", sdkErrors.connectionReset, { afterProcessing: true });
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED" });
    expect(glue.calls().filter((c) => c === "StartMaterializedViewRefreshTaskRun")).toHaveLength(2);
    expect(glue.lines).toContain(
      "daily (sales.daily_mv): a refresh is in progress, probably the one an unanswered Start request began; waiting for Glue to list it",
    );
    expect(glue.lines).toContain(
      `daily (sales.daily_mv): recognised refresh run ${glue.runs[0].id}, started by an earlier attempt whose answer was lost`,
    );
  });

  it("lists again until its own run shows, after a lost Start answer with reads 2 s behind, starting no second", async () => {
    const glue = new StubGlue({ durationMs: 6_000, readLagMs: 2_000 });
    glue.failNext("Start", sdkErrors.connectionReset, { afterProcessing: true });
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED" });
    expect(glue.calls().slice(0, 3)).toEqual([
      "StartMaterializedViewRefreshTaskRun",
      "ListMaterializedViewRefreshTaskRuns",
      "ListMaterializedViewRefreshTaskRuns",
    ]);
    expect(glue.calls().filter((c) => c === "StartMaterializedViewRefreshTaskRun")).toHaveLength(1);
  });

  it("keeps waiting while Get does not know its new run yet", async () => {
    const glue = new StubGlue({ durationMs: 60_000, readLagMs: 20_000 });
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED" });
  });

  it("waits for a run the last deployment started that Get does not know yet, instead of starting another", async () => {
    const glue = new StubGlue({ durationMs: 60_000, readLagMs: 5_000 });
    const interrupted = glue.addRun(60_000);
    const olds = state({
      runId: interrupted.id,
      status: "STARTING",
      startedAt: new Date(glue.clock.now()).toISOString(),
    });
    const { outs } = await (await glue.lifecycle()).update("id", olds, inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: interrupted.id, status: "SUCCEEDED" });
  });

  it("fails, keeping the run id, when Get still does not know its run after the visibility window", async () => {
    const glue = new StubGlue({ durationMs: 60 * 60_000 });
    glue.failNext("Get", sdkErrors.entityNotFound, { times: 10_000 });
    const began = glue.clock.now();
    const failure = (await rejection((await glue.lifecycle()).create(inputs))) as RefreshFailedError;
    const runId = glue.runs[0].id;
    expect(failure).toBeInstanceOf(RefreshFailedError);
    expect(failure.message).toMatch(
      new RegExp(
        `^MaterializedViewRefresh "daily" \\(sales\\.daily_mv\\): Glue does not know refresh run ${runId}: ` +
          "GetMaterializedViewRefreshTaskRun answered EntityNotFoundException for 5m \\d\\ds; " +
          "the next deployment starts a new refresh$",
      ),
    );
    expect(failure.properties).toMatchObject({ runId });
    expect(glue.clock.now() - began).toBeLessThan(6 * 60_000);
  });

  it("applies ifRunning to a run in progress that is not its own once the visibility window has passed", async () => {
    const glue = new StubGlue({ durationMs: 60_000 });
    const scheduled = glue.addRun(60 * 60_000);
    glue.clock.time += 10 * 60_000;
    glue.failNext("Start", sdkErrors.serverError);
    const began = glue.clock.now();
    const failure = await rejection((await glue.lifecycle()).create({ ...inputs, ifRunning: "fail" }));
    expect(failure.message).toContain(`refresh run ${scheduled.id} is already RUNNING`);
    expect(glue.clock.now() - began).toBeGreaterThanOrEqual(5 * 60_000);
    expect(glue.runs).toHaveLength(1);
  });
});

describe("a clock off the service's", () => {
  it.each([
    ["30 s ahead of", -30_000],
    ["30 s behind", 30_000],
    ["almost 5 minutes ahead of", -299_000],
    ["almost 5 minutes behind", 299_000],
  ])(
    "recognises its own run at once when its clock is %s Glue's, the Start answer lost and reads lagging",
    async (_what, serviceSkewMs) => {
      // The sequence of issue 20: a lost answer, reads 2 s behind writes, a 6-second refresh.
      const glue = new StubGlue({ durationMs: 6_000, readLagMs: 2_000, serviceSkewMs });
      glue.failNext("Start", sdkErrors.connectionReset, { afterProcessing: true });
      const lifecycle = await glue.lifecycle();
      glue.measureSkew();
      const began = glue.clock.now();
      const { outs } = await lifecycle.create(inputs);
      expect(glue.runs).toHaveLength(1);
      expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED" });
      expect(glue.lines).toContain(
        `daily (sales.daily_mv): recognised refresh run ${glue.runs[0].id}, started by an earlier attempt whose answer was lost`,
      );
      expect(glue.clock.now() - began).toBeLessThan(30_000);
    },
  );

  it("takes no run that started a minute before its first attempt for its own, Glue's clock 5 minutes ahead", async () => {
    // On the provider's clock alone, that run's start would look four minutes after the attempt.
    const glue = new StubGlue({ durationMs: 60_000, serviceSkewMs: 299_000 });
    const scheduled = glue.addRun(30 * 60_000);
    glue.clock.time += 60_000;
    glue.failNext("Start", sdkErrors.connectionReset);
    const lifecycle = await glue.lifecycle();
    glue.measureSkew();
    const { outs } = await lifecycle.create({ ...inputs, ifRunning: "stop" });
    expect(glue.runs.map((r) => r.id)).toEqual([scheduled.id, outs!.runId]);
  });
});

describe("interruption", () => {
  it("answers with the run it was waiting on, which goes on in Glue", async () => {
    const glue = new StubGlue({ durationMs: 30 * 60_000 });
    const lifecycle = await glue.lifecycle();
    const interruptAt = glue.clock.now() + 5 * 60_000;
    glue.clock.onSleep = () => {
      if (glue.clock.now() >= interruptAt) glue.interrupt.abort("SIGINT");
    };
    const failure = (await rejection(lifecycle.create(inputs))) as RefreshFailedError;
    expect(failure).toBeInstanceOf(RefreshFailedError);
    const runId = glue.runs[0].id;
    expect(failure.message).toBe(
      `MaterializedViewRefresh "daily" (sales.daily_mv): interrupted while waiting for refresh run ${runId}, last seen ` +
        "RUNNING; the run goes on in Glue and the next deployment waits for it again",
    );
    expect(failure.properties).toMatchObject({ runId, status: "RUNNING" });
    expect(glue.status(glue.runs[0])).toBe("RUNNING");
    expect(glue.lines.at(-1)).toContain(`interrupted while waiting for refresh run ${runId}`);
  });

  it("the next deployment waits for that run and starts no second one", async () => {
    const glue = new StubGlue({ durationMs: 30 * 60_000 });
    const interrupted = glue.addRun(30 * 60_000);
    glue.clock.time += 5 * 60_000;
    const { outs } = await (
      await glue.lifecycle()
    ).update("id", state({ runId: interrupted.id, status: "RUNNING" }), inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: interrupted.id, status: "SUCCEEDED" });
  });

  it("starts nothing once interrupted before its run began", async () => {
    const glue = new StubGlue({ durationMs: 60_000 });
    glue.addRun(60 * 60_000);
    glue.interrupt.abort("SIGTERM");
    const failure = await rejection((await glue.lifecycle()).create(inputs));
    expect(failure.message).toBe(
      'MaterializedViewRefresh "daily" (sales.daily_mv): interrupted (the provider host was told to stop) before a refresh was started',
    );
    expect(glue.runs).toHaveLength(1);
  });
});

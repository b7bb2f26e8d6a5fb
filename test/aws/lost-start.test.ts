/**
 * A Start whose answer was lost, when the run it began ends before the next attempt and Glue's
 * reads still lag behind it (issue 24): no second Start until a listing sent once the reads have
 * caught up shows no run of ours. On injected time: nothing really sleeps.
 */
import { RefreshFailedError } from "../../src/model/errors";
import { GroupDeployment, resolveMembers } from "../../src/deploy/group-deployment";
import type { GroupInputs } from "../../src/model/group-inputs";
import type { RefreshInputs } from "../../src/model/inputs";
import { addUncertainAttempt, READ_LAG_MS, relistDelay, RELIST_MS, settles } from "../../src/aws/lost-start";
import { startOwnRun } from "../../src/deploy/starting";
import { settings } from "../support/fixtures";
import { sdkErrors, StubGlue } from "../support/glue-stub";

const inputs: RefreshInputs = {
  resourceName: "daily",
  databaseName: "sales",
  tableName: "daily_mv",
  catalogId: "123456789012",
};
const T0 = Date.UTC(2026, 0, 1);

describe("the uncertainty of lost Start answers", () => {
  it("counts runs from the first lost attempt, and settles READ_LAG_MS after the last one failed", () => {
    const first = addUncertainAttempt(undefined, T0, T0 + 300);
    expect(first).toEqual({ sentAt: T0, settledAt: T0 + 300 + READ_LAG_MS });
    const second = addUncertainAttempt(first, T0 + 12_000, T0 + 12_500);
    expect(second).toEqual({ sentAt: T0, settledAt: T0 + 12_500 + READ_LAG_MS });
  });

  it("trusts only a listing sent once the window has passed", () => {
    const uncertain = addUncertainAttempt(undefined, T0, T0);
    expect(settles(uncertain, T0 + READ_LAG_MS - 1)).toBe(false);
    expect(settles(uncertain, T0 + READ_LAG_MS)).toBe(true);
  });

  it("lists again every RELIST_MS, and last at the moment the window ends", () => {
    const uncertain = addUncertainAttempt(undefined, T0, T0);
    expect(relistDelay(uncertain, T0)).toBe(RELIST_MS);
    expect(relistDelay(uncertain, T0 + READ_LAG_MS - 250)).toBe(250);
    expect(relistDelay(uncertain, T0 + READ_LAG_MS + 5)).toBe(0);
  });
});

// The backoff before the next attempt is 450 ms (jitter 0.45 of 1 s): longer than the runs, shorter
// than every lag, so that the run has ended, unlisted, when the next attempt comes.
const cases = [200, 400].flatMap((durationMs) =>
  (["SUCCEEDED", "FAILED"] as const).flatMap((outcome) =>
    [500, 2_000, 5_000, 10_000].map((readLagMs) => ({ durationMs, outcome, readLagMs })),
  ),
);
const title = "starts one run and records it: a %ims run ending %s, reads %ims behind writes";

function lostAnswer(c: (typeof cases)[number]): StubGlue {
  const glue = new StubGlue({
    durationMs: c.durationMs,
    outcome: c.outcome,
    readLagMs: c.readLagMs,
    random: () => 0.45,
  });
  glue.failNext("Start", sdkErrors.connectionReset, { afterProcessing: true });
  return glue;
}

const starts = (glue: StubGlue) => glue.calls().filter((c) => c === "StartMaterializedViewRefreshTaskRun").length;

describe("a lost Start answer, the run ended before the next attempt and reads lagging", () => {
  it.each(cases.map((c) => [c.durationMs, c.outcome, c.readLagMs, c] as const))(
    `MaterializedViewRefresh ${title}`,
    async (_d, _o, _l, c) => {
      const glue = lostAnswer(c);
      const began = glue.clock.now();
      const created = (await glue.lifecycle()).create(inputs);
      const runId = () => glue.runs[0].id;
      if (c.outcome === "SUCCEEDED") {
        expect((await created).outs).toMatchObject({ runId: runId(), status: "SUCCEEDED" });
      } else {
        const failure = await created.then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(RefreshFailedError);
        expect((failure as RefreshFailedError).properties).toMatchObject({ runId: runId(), status: "FAILED" });
      }
      expect(glue.runs).toHaveLength(1);
      expect(starts(glue)).toBe(1);
      expect(glue.lines).toContain(
        `daily (sales.daily_mv): recognised refresh run ${runId()}, started by an earlier attempt whose answer was lost`,
      );
      // Recognised at the first listing that shows it: the lag and at most one relisting more.
      expect(glue.clock.now() - began).toBeLessThanOrEqual(c.readLagMs + RELIST_MS + 60_000);
    },
  );

  it.each(cases.map((c) => [c.durationMs, c.outcome, c.readLagMs, c] as const))(
    `MaterializedViewRefreshGroup member ${title}`,
    async (_d, _o, _l, c) => {
      const glue = lostAnswer(c);
      const ctx = glue.context(undefined, "MaterializedViewRefreshGroup member");
      const group = {
        resourceName: "g",
        catalogId: undefined,
        views: { daily: { databaseName: "sales", tableName: "daily_mv" } },
      } as GroupInputs;
      const members = await resolveMembers(ctx, group, undefined);
      const [result] = await new GroupDeployment(ctx, "g", members, undefined, glue.interrupt.signal).run();
      expect(glue.runs).toHaveLength(1);
      expect(starts(glue)).toBe(1);
      expect(result.state).toMatchObject({ runId: glue.runs[0].id, status: c.outcome });
    },
  );
});

describe("a Start whose outcome is unknown and that started nothing", () => {
  it("starts only once a listing sent READ_LAG_MS after the failure shows no run, then one", async () => {
    const glue = new StubGlue({ durationMs: 400, readLagMs: 2_000, random: () => 0.45 });
    glue.failNext("Start", sdkErrors.serverError);
    const ctx = glue.context();
    const began = glue.clock.now();
    const run = await startOwnRun(ctx, settings(), { region: "us-east-1" }, glue.budget(ctx));
    expect(glue.runs).toHaveLength(1);
    expect(run.runId).toBe(glue.runs[0].id);
    expect(starts(glue)).toBe(2);
    expect(glue.clock.now() - began).toBe(READ_LAG_MS);
    expect(glue.lines[0]).toBe(
      "daily (sales.daily_mv): the answer to a Start request was lost; waiting up to 10s for Glue to list the " +
        "refresh run it may have started, before starting one",
    );
  });

  it("fails at the deadline when it falls within the window, starting no second refresh", async () => {
    // Six seconds of budget, reads 20 s behind: the run that the lost Start began never shows.
    const glue = new StubGlue({ durationMs: 400, readLagMs: 20_000, random: () => 0.45 });
    glue.failNext("Start", sdkErrors.connectionReset, { afterProcessing: true });
    const ctx = glue.context();
    await expect(
      startOwnRun(ctx, settings({ timeoutMinutes: 0.1 }), { region: "us-east-1" }, glue.budget(ctx, 0.1)),
    ).rejects.toThrow(
      'MaterializedViewRefresh "daily" (sales.daily_mv): gave up after 0.1 minutes (timeoutMinutes) waiting for ' +
        "Glue to list the refresh run that an unanswered Start request may have started; no second refresh was started",
    );
    expect(glue.runs).toHaveLength(1);
    expect(starts(glue)).toBe(1);
  });
});

import {
  ListMaterializedViewRefreshTaskRunsCommand,
  StartMaterializedViewRefreshTaskRunCommand,
  type GlueClient,
} from "@aws-sdk/client-glue";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { RefreshFailedError } from "../../src/model/errors";
import { UNKNOWN, type RefreshInputs } from "../../src/model/inputs";
import type { RefreshState } from "../../src/model/state";
import { ACCOUNT, RUN_ID, state, upstream as upstreamOf } from "../support/fixtures";
import { accessDenied, glueMock, StubGlue, stsMock } from "../support/glue-stub";

const inputs: RefreshInputs = { resourceName: "daily", databaseName: "sales", tableName: "daily_mv" };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("check", () => {
  it("reports bad input without calling AWS", async () => {
    const glue = new StubGlue();
    const lifecycle = await glue.lifecycle();
    const result = await lifecycle.check({} as RefreshInputs, { ...inputs, timeoutMinutes: -1 });
    expect(result.failures).toEqual([
      { property: "timeoutMinutes", reason: expect.stringContaining("timeoutMinutes must be a positive number") },
    ]);
    expect(glueMock.calls()).toHaveLength(0);
    expect(stsMock.calls()).toHaveLength(0);
  });

  it("passes the inputs through untouched", async () => {
    const lifecycle = await new StubGlue().lifecycle();
    const news = { ...inputs, triggers: { v: 1 } };
    expect((await lifecycle.check({} as RefreshInputs, news)).inputs).toBe(news);
  });
});

describe("create", () => {
  it("starts one run for the view, waits for it and records its id and outcome", async () => {
    const glue = new StubGlue({ durationMs: 4 * 60_000 });
    const lifecycle = await glue.lifecycle();
    const { id, outs } = await lifecycle.create(inputs);

    expect(glueMock.commandCalls(StartMaterializedViewRefreshTaskRunCommand).map((c) => c.args[0].input)).toEqual([
      { CatalogId: ACCOUNT, DatabaseName: "sales", TableName: "daily_mv", FullRefresh: false },
    ]);
    expect(id).toBe(`${ACCOUNT}:sales.daily_mv`);
    expect(outs).toMatchObject({
      runId: glue.runs[0].id,
      status: "SUCCEEDED",
      catalogId: ACCOUNT,
      databaseName: "sales",
      tableName: "daily_mv",
      region: "us-east-1",
      fullRefresh: false,
      triggers: {},
      waitForCompletion: true,
      timeoutMinutes: 60,
      ifRunning: "wait",
      refreshType: "INCREMENTAL",
      dpuSeconds: 120.5,
      processedBytes: 1024,
      startedAt: "2026-01-01T00:00:00.000Z",
      endTime: "2026-01-01T00:04:00.000Z",
    });
    expect(Object.values(outs!).includes(undefined)).toBe(false);
    expect(glue.lines[0]).toBe(`daily (sales.daily_mv): started refresh run ${glue.runs[0].id}`);
    expect(glue.lines.at(-1)).toMatch(/SUCCEEDED after 4m 0\ds \(INCREMENTAL, 120.5 DPU-seconds\)$/);
  });

  it("asks for a full refresh when told to", async () => {
    const glue = new StubGlue();
    await (await glue.lifecycle()).create({ ...inputs, fullRefresh: true, catalogId: "999999999999" });
    expect(glueMock.commandCalls(StartMaterializedViewRefreshTaskRunCommand)[0].args[0].input).toMatchObject({
      CatalogId: "999999999999",
      FullRefresh: true,
    });
    expect(stsMock.calls()).toHaveLength(0);
  });

  it("does not wait when waitForCompletion is false", async () => {
    const glue = new StubGlue();
    const { outs } = await (await glue.lifecycle()).create({ ...inputs, waitForCompletion: false });
    expect(glue.calls()).toEqual(["StartMaterializedViewRefreshTaskRun"]);
    expect(outs).toMatchObject({ status: "STARTING", runId: glue.runs[0].id });
  });

  it("prints progress at most once a minute while waiting", async () => {
    const glue = new StubGlue({ durationMs: 10 * 60_000 });
    await (await glue.lifecycle()).create(inputs);
    const progress = glue.lines.filter((l) => l.includes("elapsed"));
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.length).toBeLessThanOrEqual(10);
    expect(progress[0]).toMatch(
      /^daily \(sales\.daily_mv\): refresh run \S+ RUNNING, 1m \d\ds elapsed, 1\.0 KB processed$/,
    );
  });

  describe("polling, paced by the view's previous run", () => {
    const FIVE_MINUTES = 5 * 60_000;
    /** A stub whose view last refreshed in five minutes, an hour ago. */
    function withHistory() {
      const glue = new StubGlue({ durationMs: FIVE_MINUTES });
      glue.addRun(FIVE_MINUTES);
      glue.clock.time += 3_600_000;
      return glue;
    }
    const gets = (glue: StubGlue) => glue.calls().filter((c) => c === "GetMaterializedViewRefreshTaskRun").length;

    it("costs at most 15 Gets for a five-minute run, and notices its end within 5%", async () => {
      const glue = withHistory();
      const began = glue.clock.now();
      const { outs } = await (await glue.lifecycle()).create(inputs);
      expect(outs).toMatchObject({ status: "SUCCEEDED", runId: glue.runs[1].id });
      expect(gets(glue)).toBeLessThanOrEqual(15);
      expect(glue.clock.now() - began - FIVE_MINUTES).toBeLessThanOrEqual(0.05 * FIVE_MINUTES);
      expect(glue.calls().slice(0, 2)).toEqual([
        "StartMaterializedViewRefreshTaskRun",
        "ListMaterializedViewRefreshTaskRuns",
      ]);
    });

    it("polls as before when the view has no previous run, or List fails", async () => {
      const fresh = new StubGlue({ durationMs: FIVE_MINUTES });
      await (await fresh.lifecycle()).create(inputs);
      const denied = withHistory();
      denied.failNext("List", () => accessDenied("not allowed to list"));
      const { outs } = await (await denied.lifecycle()).create(inputs);
      expect(outs).toMatchObject({ status: "SUCCEEDED" });
      expect(gets(fresh)).toBeGreaterThan(2 * 15);
      expect(gets(denied)).toBe(gets(fresh));
    });
  });

  it("prints nothing when quiet, and still fails loudly", async () => {
    const glue = new StubGlue({ durationMs: 10 * 60_000 });
    await (await glue.lifecycle()).create({ ...inputs, quiet: true });
    expect(glue.lines).toEqual([]);
    glue.outcome = "FAILED";
    await expect(
      (await glue.lifecycle()).update("id", state({ triggers: { v: 1 } }), { ...inputs, quiet: true }),
    ).rejects.toThrow("ended FAILED");
    expect(glue.lines).toEqual([]);
  });

  it("fails a run that ends FAILED with the whole story, keeping the run id in partial state", async () => {
    const glue = new StubGlue({ outcome: "FAILED" });
    const error = await rejection((await glue.lifecycle()).create(inputs));
    expect(error).toBeInstanceOf(RefreshFailedError);
    const failed = error as RefreshFailedError;
    expect(failed.message).toBe(
      `MaterializedViewRefresh "daily" (sales.daily_mv): refresh run ${glue.runs[0].id} ended FAILED: ` +
        "Spark job failed: column price not found",
    );
    expect(failed.id).toBe(`${ACCOUNT}:sales.daily_mv`);
    expect(failed.reasons).toEqual([failed.message]);
    expect(failed.properties).toMatchObject({
      runId: glue.runs[0].id,
      status: "FAILED",
      databaseName: "sales",
      tableName: "daily_mv",
      timeoutMinutes: 60,
      errorMessage: "Spark job failed: column price not found",
    });
  });

  it("keeps the serialized provider in partial state, so that refresh and delete can load it later", async () => {
    const glue = new StubGlue({ outcome: "FAILED" });
    const withProvider = { ...inputs, __provider: "exports.handler = ..." } as RefreshInputs;
    const created = (await rejection((await glue.lifecycle()).create(withProvider))) as RefreshFailedError;
    expect(created.properties.__provider).toBe("exports.handler = ...");
    const updated = (await rejection(
      (await glue.lifecycle()).update("id", state({ triggers: { v: 1 } }), withProvider),
    )) as RefreshFailedError;
    expect(updated.properties.__provider).toBe("exports.handler = ...");
  });

  it("gives up at timeoutMinutes, keeping the running run in partial state", async () => {
    const glue = new StubGlue({ durationMs: 5 * 3_600_000 });
    const lifecycle = await glue.lifecycle();
    const start = glue.clock.now();
    const error = (await rejection(lifecycle.create({ ...inputs, timeoutMinutes: 30 }))) as RefreshFailedError;
    expect(glue.clock.now() - start).toBe(30 * 60_000);
    expect(error.message).toContain(
      `gave up after 30 minutes (timeoutMinutes) waiting for refresh run ${glue.runs[0].id}, last seen RUNNING`,
    );
    expect(error.properties).toMatchObject({ runId: glue.runs[0].id, status: "RUNNING" });
  });

  it("turns an AWS error into one line naming operation, view, error, message and request id", async () => {
    const glue = new StubGlue();
    glueMock.on(StartMaterializedViewRefreshTaskRunCommand).rejects(accessDenied("User is not authorized"));
    const error = await rejection((await glue.lifecycle()).create(inputs));
    expect(error).not.toBeInstanceOf(RefreshFailedError);
    expect(error.message).toBe(
      `StartMaterializedViewRefreshTaskRun for view sales.daily_mv (catalog ${ACCOUNT}) failed: AccessDeniedException: ` +
        "User is not authorized (request id req-1234). The caller needs IAM permission glue:StartMaterializedViewRefreshTaskRun: " +
        "grant it to the identity that runs pulumi up (refreshPolicy() returns the policy); " +
        "Lake Formation grants on the view and its source tables may also be the cause",
    );
    expect(error.message).not.toContain("\n");
  });

  it("looks the catalog id up once per process and target", async () => {
    const glue = new StubGlue({ durationMs: 1000 });
    const lifecycle = await glue.lifecycle();
    await lifecycle.create(inputs);
    await lifecycle.create({ ...inputs, tableName: "weekly_mv" });
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it("takes a null catalogId, as a view whose catalog is not set gives it, for the caller's account", async () => {
    const glue = new StubGlue({ durationMs: 1000 });
    const { outs } = await (await glue.lifecycle()).create({ ...inputs, catalogId: null as unknown as string });
    expect(outs).toMatchObject({ catalogId: ACCOUNT, status: "SUCCEEDED" });
  });

  it("takes the region from the stack config when the resource has none", async () => {
    const glue = new StubGlue({ durationMs: 1000 });
    const lifecycle = await glue.lifecycle({ "aws:region": "ap-southeast-2" });
    const { outs } = await lifecycle.create(inputs);
    expect(outs?.region).toBe("ap-southeast-2");
    const client = glueMock.call(0).thisValue as GlueClient;
    expect(await client.config.region()).toBe("ap-southeast-2");
  });

  it("prefers the resource's own region to the stack's", async () => {
    const glue = new StubGlue({ durationMs: 1000 });
    const { outs } = await (
      await glue.lifecycle({ "aws:region": "ap-southeast-2" })
    ).create({ ...inputs, region: "eu-west-1" });
    expect(outs?.region).toBe("eu-west-1");
  });

  it("says where to set a region when none is found", async () => {
    const saved = { ...process.env };
    process.env.AWS_REGION = "";
    process.env.AWS_DEFAULT_REGION = "";
    process.env.AWS_CONFIG_FILE = "/nonexistent/aws-config";
    process.env.AWS_PROFILE = "";
    try {
      const glue = new StubGlue();
      const error = await rejection((await glue.lifecycle({})).create(inputs));
      expect(error.message).toBe(
        'MaterializedViewRefresh "daily": no AWS region found; set the stack config aws:region ' +
          "(pulumi config set aws:region us-east-1), the resource's region, or AWS_REGION",
      );
      expect(glueMock.calls()).toHaveLength(0);
    } finally {
      process.env = saved;
    }
  });
});

describe("when the view already has a run in progress", () => {
  function withScheduledRun(durationMs = 15 * 60_000) {
    const glue = new StubGlue({ durationMs: 60_000 });
    const scheduled = glue.addRun(durationMs);
    return { glue, scheduled };
  }

  it("wait: waits for it, then starts its own run", async () => {
    const { glue, scheduled } = withScheduledRun();
    const { outs } = await (await glue.lifecycle()).create(inputs);
    const ours = glue.runs[1];
    expect(ours.started).toBeGreaterThanOrEqual(scheduled.started + scheduled.durationMs);
    expect(outs).toMatchObject({ runId: ours.id, status: "SUCCEEDED" });
    expect(glue.calls().slice(0, 2)).toEqual([
      "StartMaterializedViewRefreshTaskRun",
      "ListMaterializedViewRefreshTaskRuns",
    ]);
    expect(glue.lines[0]).toContain(
      `waiting for refresh run ${scheduled.id}, already STARTING since 2026-01-01T00:00:00.000Z`,
    );
  });

  it("wait: gives up at the timeout without starting anything", async () => {
    const { glue, scheduled } = withScheduledRun(10 * 3_600_000);
    const error = await rejection((await glue.lifecycle()).create({ ...inputs, timeoutMinutes: 20 }));
    expect(error).not.toBeInstanceOf(RefreshFailedError);
    expect(error.message).toContain(
      "gave up after 20 minutes (timeoutMinutes) waiting for the refresh already in progress",
    );
    expect(glue.runs.map((r) => r.id)).toEqual([scheduled.id]);
  });

  it("stop: stops it, waits until it is no longer running, then starts its own", async () => {
    const { glue, scheduled } = withScheduledRun(3_600_000);
    const { outs } = await (await glue.lifecycle()).create({ ...inputs, ifRunning: "stop" });
    expect(glue.status(scheduled)).toBe("STOPPED");
    expect(glue.calls()).toContain("StopMaterializedViewRefreshTaskRun");
    expect(glue.runs[1].started).toBeGreaterThanOrEqual(scheduled.stoppedAt!);
    expect(outs?.runId).toBe(glue.runs[1].id);
  });

  it("adopt: records the running run as its own and starts none", async () => {
    const { glue, scheduled } = withScheduledRun();
    const { outs } = await (await glue.lifecycle()).create({ ...inputs, ifRunning: "adopt" });
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: scheduled.id, status: "SUCCEEDED" });
  });

  it("fail: fails naming the running run, and starts none", async () => {
    const { glue, scheduled } = withScheduledRun();
    const error = await rejection((await glue.lifecycle()).create({ ...inputs, ifRunning: "fail" }));
    expect(error.message).toBe(
      `MaterializedViewRefresh "daily" (sales.daily_mv): refresh run ${scheduled.id} is already STARTING since ` +
        '2026-01-01T00:00:00.000Z, and ifRunning is "fail"; no refresh was started',
    );
    expect(glue.runs).toHaveLength(1);
  });
});

describe("diff", () => {
  it("finds no change when an omitted catalogId resolves to the recorded one", async () => {
    const lifecycle = await new StubGlue().lifecycle();
    expect(await lifecycle.diff("id", state(), inputs)).toEqual({ changes: false });
  });

  it("replaces when the resolved default catalog differs from the recorded one", async () => {
    const lifecycle = await new StubGlue().lifecycle();
    expect(await lifecycle.diff("id", state({ catalogId: "210987654321" }), inputs)).toEqual({
      changes: true,
      replaces: ["catalogId"],
      deleteBeforeReplace: false,
    });
  });

  it("replaces when the stack's region changes", async () => {
    const lifecycle = await new StubGlue().lifecycle({ "aws:region": "eu-central-1" });
    expect((await lifecycle.diff("id", state(), inputs)).replaces).toEqual(["region"]);
  });

  it("never compares the serialized provider", async () => {
    const lifecycle = await new StubGlue().lifecycle();
    const olds = { ...state(), __provider: "exports.handler = old" } as RefreshState;
    const news = { ...inputs, __provider: "exports.handler = new" } as RefreshInputs;
    expect(await lifecycle.diff("id", olds, news)).toEqual({ changes: false });
  });

  it("reports an update for a trigger change, and for a settings change", async () => {
    const lifecycle = await new StubGlue().lifecycle();
    expect(await lifecycle.diff("id", state(), { ...inputs, triggers: { v: 2 } })).toEqual({ changes: true });
    expect(await lifecycle.diff("id", state(), { ...inputs, timeoutMinutes: 5 })).toEqual({ changes: true });
  });
});

describe("update", () => {
  it("starts a new run when triggers change, and its id replaces the old one", async () => {
    const glue = new StubGlue({ durationMs: 60_000 });
    const lifecycle = await glue.lifecycle();
    const { outs } = await lifecycle.update("id", state({ triggers: { v: 1 } }), { ...inputs, triggers: { v: 2 } });
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED", triggers: { v: 2 } });
    expect(outs?.runId).not.toBe(RUN_ID);
    expect(glue.lines[0]).toBe("daily (sales.daily_mv): starting a new refresh: triggers changed");
  });

  it("changes only settings without calling Glue", async () => {
    const glue = new StubGlue();
    const lifecycle = await glue.lifecycle();
    const { outs } = await lifecycle.update("id", state(), {
      ...inputs,
      catalogId: ACCOUNT,
      timeoutMinutes: 5,
      ifRunning: "stop",
    });
    expect(glueMock.calls()).toHaveLength(0);
    expect(outs).toEqual(state({ timeoutMinutes: 5, ifRunning: "stop" }));
  });

  it("retries after a run that failed the last deployment", async () => {
    const glue = new StubGlue({ durationMs: 60_000 });
    const { outs } = await (
      await glue.lifecycle()
    ).update("id", state({ status: "FAILED", errorMessage: "boom" }), inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: glue.runs[0].id, status: "SUCCEEDED" });
    expect(outs).not.toHaveProperty("errorMessage");
  });

  it("resumes a run the last deployment gave up on, without starting another", async () => {
    const glue = new StubGlue();
    const earlier = glue.addRun(2 * 3_600_000);
    glue.clock.time += 3_600_000;
    const { outs } = await (
      await glue.lifecycle()
    ).update("id", state({ runId: earlier.id, status: "RUNNING" }), inputs);
    expect(glue.runs).toHaveLength(1);
    expect(outs).toMatchObject({ runId: earlier.id, status: "SUCCEEDED" });
    expect(glue.calls()).not.toContain("StartMaterializedViewRefreshTaskRun");
  });

  it("records a resumed run that succeeded meanwhile with one Get", async () => {
    const glue = new StubGlue();
    const earlier = glue.addRun(60_000);
    glue.clock.time += 3_600_000;
    const { outs } = await (
      await glue.lifecycle()
    ).update("id", state({ runId: earlier.id, status: "RUNNING" }), inputs);
    expect(glue.calls()).toEqual(["GetMaterializedViewRefreshTaskRun"]);
    expect(outs).toMatchObject({ runId: earlier.id, status: "SUCCEEDED" });
  });
});

describe("read", () => {
  it("re-reads the recorded run and never starts one", async () => {
    const glue = new StubGlue();
    const run = glue.addRun(60_000, "FAILED");
    glue.clock.time += 120_000;
    const { id, props } = await (await glue.lifecycle()).read("the-id", state({ runId: run.id, status: "RUNNING" }));
    expect(id).toBe("the-id");
    expect(props).toMatchObject({ runId: run.id, status: "FAILED", errorMessage: expect.stringContaining("Spark") });
    expect(glue.calls()).toEqual(["GetMaterializedViewRefreshTaskRun"]);
  });

  it("keeps the resource when Glue no longer knows the run", async () => {
    const glue = new StubGlue();
    const olds = state({ runId: "11111111-1111-4111-8111-111111111111" });
    const { props } = await (await glue.lifecycle()).read("the-id", olds);
    expect(props).toEqual(olds);
    expect(glue.lines[0]).toContain("Glue no longer knows refresh run 11111111-1111-4111-8111-111111111111");
  });
});

describe("delete", () => {
  it("calls nothing: a refresh cannot be undone", async () => {
    const glue = new StubGlue();
    await (await glue.lifecycle()).delete("id", state());
    expect(glueMock.calls()).toHaveLength(0);
    expect(stsMock.calls()).toHaveLength(0);
  });
});

describe("upstream views among the sources", () => {
  it("starts at once after an upstream run that SUCCEEDED, reading nothing of it", async () => {
    const glue = new StubGlue();
    await (await glue.lifecycle()).create({ ...inputs, upstreams: [upstreamOf("upstream-run", "SUCCEEDED")] });
    expect(glue.calls()[0]).toBe("StartMaterializedViewRefreshTaskRun");
  });

  it("waits for an upstream run still going (its refresh did not wait), then starts", async () => {
    const glue = new StubGlue();
    const upstream = glue.addRun(20 * 60_000);
    const { outs } = await (
      await glue.lifecycle()
    ).create({ ...inputs, upstreams: [upstreamOf(upstream.id, "STARTING")] });
    const start = glueMock.commandCalls(StartMaterializedViewRefreshTaskRunCommand);
    expect(start).toHaveLength(1);
    expect(Date.parse(outs!.startedAt)).toBeGreaterThanOrEqual(upstream.started + upstream.durationMs);
    expect(glue.lines[0]).toBe(
      `daily (sales.daily_mv): waiting for upstream view sales.orders_mv's refresh run ${upstream.id}, STARTING, before starting a refresh`,
    );
    expect(glue.lines).toContainEqual(
      expect.stringMatching(
        /^daily \(sales\.daily_mv\): upstream view sales\.orders_mv's refresh run \S+ RUNNING, \d+m/,
      ),
    );
    // The upstream's own history predicts how long its run takes.
    const listed = glueMock
      .commandCalls(ListMaterializedViewRefreshTaskRunsCommand)
      .map((c) => c.args[0].input.TableName);
    expect(listed[0]).toBe("orders_mv");
  });

  it("fails, starting nothing, when the upstream run did not succeed", async () => {
    const glue = new StubGlue();
    const upstream = glue.addRun(5 * 60_000, "FAILED");
    const error = await rejection(
      (await glue.lifecycle()).create({ ...inputs, upstreams: [upstreamOf(upstream.id, "RUNNING")] }),
    );
    expect(error.message).toBe(
      `MaterializedViewRefresh "daily" (sales.daily_mv): upstream view sales.orders_mv's refresh run ${upstream.id} ` +
        "ended FAILED: Spark job failed: column price not found; no refresh was started. " +
        "Refresh the upstream view again (change its triggers), then deploy",
    );
    expect(glueMock.commandCalls(StartMaterializedViewRefreshTaskRunCommand)).toHaveLength(0);
  });

  it("gives up at its own timeout when the upstream run goes on, starting nothing", async () => {
    const glue = new StubGlue();
    const upstream = glue.addRun(5 * 3_600_000);
    const error = await rejection(
      (await glue.lifecycle()).create({
        ...inputs,
        timeoutMinutes: 30,
        upstreams: [upstreamOf(upstream.id, "RUNNING")],
      }),
    );
    expect(error.message).toMatch(
      /gave up after 30 minutes \(timeoutMinutes\) waiting for upstream view sales\.orders_mv's refresh run \S+, last seen RUNNING; no refresh was started$/,
    );
    expect(glueMock.commandCalls(StartMaterializedViewRefreshTaskRunCommand)).toHaveLength(0);
  });

  it("waits for upstreams only to start a run, not for a change of settings", async () => {
    const glue = new StubGlue();
    const upstream = glue.addRun(20 * 60_000);
    await (
      await glue.lifecycle()
    ).update("id", state(), {
      ...inputs,
      timeoutMinutes: 45,
      upstreams: [upstreamOf(upstream.id, "RUNNING")],
    });
    expect(glue.calls()).toEqual([]);
  });
});

describe("accounts and roles", () => {
  const TARGET = "222222222222";
  const asRole = () =>
    stsMock.on(GetCallerIdentityCommand).resolves({
      Account: TARGET,
      Arn: `arn:aws:sts::${TARGET}:assumed-role/deploy/pulumi-glue-mv-refresh`,
      $metadata: {},
    });

  it("defaults the catalog to the account the calls act as", async () => {
    const glue = new StubGlue();
    asRole();
    const { outs } = await (await glue.lifecycle()).create(inputs);
    expect(outs).toMatchObject({ catalogId: TARGET });
    expect(glueMock.commandCalls(StartMaterializedViewRefreshTaskRunCommand)[0].args[0].input.CatalogId).toBe(TARGET);
  });

  it("refuses an account aws:allowedAccountIds does not list before any Glue call, naming it and the rule", async () => {
    const glue = new StubGlue();
    asRole();
    const lifecycle = await glue.lifecycle({
      "aws:region": "us-east-1",
      "aws:allowedAccountIds": JSON.stringify(["111111111111", "333333333333"]),
    });
    // Even with a catalog id given, the account making the calls is checked.
    for (const attempt of [inputs, { ...inputs, catalogId: TARGET }]) {
      await expect(lifecycle.create(attempt)).rejects.toThrow(
        `MaterializedViewRefresh "daily" (sales.daily_mv): refusing to call AWS Glue as account ${TARGET} ` +
          `(arn:aws:sts::${TARGET}:assumed-role/deploy/pulumi-glue-mv-refresh): the stack config ` +
          "aws:allowedAccountIds does not list it (allowed: 111111111111, 333333333333). No Glue call was made",
      );
    }
    // A preview fails the same way: at check for a resource not yet in the stack, at diff for one in it.
    await expect(lifecycle.check({} as RefreshInputs, inputs)).rejects.toThrow(
      "aws:allowedAccountIds does not list it",
    );
    await expect(lifecycle.diff("id", state(), inputs)).rejects.toThrow("aws:allowedAccountIds does not list it");
    await expect(lifecycle.read("id", state())).rejects.toThrow("aws:allowedAccountIds does not list it");
    expect(glueMock.calls()).toHaveLength(0);
  });

  it("checks the guards at check once per identity, and not while the target is unknown or no guard is set", async () => {
    const glue = new StubGlue();
    asRole();
    const guarded = await glue.lifecycle({ "aws:region": "us-east-1", "aws:allowedAccountIds": `[${TARGET}]` });
    await guarded.check({} as RefreshInputs, inputs);
    await guarded.check({} as RefreshInputs, { ...inputs, tableName: "weekly_mv" });
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    await guarded.check({} as RefreshInputs, { ...inputs, region: UNKNOWN, tableName: "other_mv" });
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    const unguarded = await glue.lifecycle();
    await unguarded.check({} as RefreshInputs, inputs);
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(glueMock.calls()).toHaveLength(0);
  });

  it("refuses an account aws:forbiddenAccountIds lists, and allows the others", async () => {
    const glue = new StubGlue();
    asRole();
    const forbidding = await glue.lifecycle({
      "aws:region": "us-east-1",
      "aws:forbiddenAccountIds": JSON.stringify([TARGET]),
    });
    await expect(forbidding.create(inputs)).rejects.toThrow(
      `refusing to call AWS Glue as account ${TARGET} (arn:aws:sts::${TARGET}:assumed-role/deploy/pulumi-glue-mv-refresh): ` +
        "the stack config aws:forbiddenAccountIds lists it. No Glue call was made",
    );
    expect(glueMock.calls()).toHaveLength(0);
    const allowing = await glue.lifecycle({ "aws:region": "us-east-1", "aws:allowedAccountIds": `["${TARGET}"]` });
    expect((await allowing.create(inputs)).outs).toMatchObject({ status: "SUCCEEDED", catalogId: TARGET });
  });

  it("fails every operation with the stack config's problems, calling nothing", async () => {
    const glue = new StubGlue();
    const lifecycle = await glue.lifecycle({
      "aws:region": "us-east-1",
      "aws:assumeRoles": JSON.stringify([{ roleArn: "not-an-arn" }]),
    });
    const problem =
      /^MaterializedViewRefresh: the stack config cannot be used: aws:assumeRoles\[0\]\.roleArn must be an IAM role ARN/;
    await expect(lifecycle.check({} as RefreshInputs, inputs)).rejects.toThrow(problem);
    await expect(lifecycle.diff("id", state(), inputs)).rejects.toThrow(problem);
    await expect(lifecycle.create(inputs)).rejects.toThrow(problem);
    await expect(lifecycle.update("id", state(), inputs)).rejects.toThrow(problem);
    await expect(lifecycle.read("id", state())).rejects.toThrow(problem);
    expect(glueMock.calls()).toHaveLength(0);
    expect(stsMock.calls()).toHaveLength(0);
  });

  it("records the resource's assumeRole, so that pulumi refresh reads as the same role; changing it starts no run", async () => {
    const glue = new StubGlue();
    asRole();
    const lifecycle = await glue.lifecycle();
    const assumeRole = { roleArn: `arn:aws:iam::${TARGET}:role/deploy`, durationSeconds: 3600, externalId: null };
    const { outs } = await lifecycle.create({ ...inputs, assumeRole } as unknown as RefreshInputs);
    expect(outs).toMatchObject({
      assumeRole: { roleArn: `arn:aws:iam::${TARGET}:role/deploy`, durationSeconds: 3600 },
    });
    expect(outs!.assumeRole).not.toHaveProperty("externalId");
    const other = { roleArn: `arn:aws:iam::${TARGET}:role/other` };
    expect(await lifecycle.diff("id", outs!, { ...inputs, assumeRole: other })).toEqual({ changes: true });
    expect(await lifecycle.update("id", outs!, { ...inputs, assumeRole: other })).toEqual({
      outs: expect.objectContaining({ assumeRole: other, runId: outs!.runId }),
    });
    expect(glue.calls().filter((c) => c === "StartMaterializedViewRefreshTaskRun")).toHaveLength(1);
  });

  it("ends a wait whose credentials expired with partial state and how to give the pipeline lasting credentials", async () => {
    const glue = new StubGlue({ durationMs: 2 * 60 * 60_000 });
    const lifecycle = await glue.lifecycle({
      "aws:region": "us-east-1",
      "aws:accessKey": "ASIASTATICSESSION001",
      "aws:secretKey": "static-session-secret",
      "aws:token": "static-session-token",
    });
    // Half an hour into the run, the session keys expire: every call from then on is refused.
    glue.clock.onSleep = () => {
      if (glue.runs.length === 0 || glue.clock.now() - glue.runs[0].started < 30 * 60_000) return;
      glue.failNext(
        "Get",
        () =>
          Object.assign(new Error("The security token included in the request is expired"), {
            name: "ExpiredTokenException",
            $metadata: { httpStatusCode: 403, requestId: "req-expired" },
          }),
        { times: 5 },
      );
      glue.clock.onSleep = undefined;
    };
    const error = await rejection(lifecycle.create(inputs));
    expect(error).toBeInstanceOf(RefreshFailedError);
    expect(error.message).toBe(
      `MaterializedViewRefresh "daily" (sales.daily_mv): the AWS credentials expired while waiting for refresh run ` +
        `${glue.runs[0].id}, which goes on in Glue; the next deployment waits for it again ` +
        `(GetMaterializedViewRefreshTaskRun for run ${glue.runs[0].id} of view sales.daily_mv (catalog ${ACCOUNT}) failed: ` +
        "ExpiredTokenException: The security token included in the request is expired (request id req-expired)). " +
        "These credentials cannot be renewed (static session keys): let the provider assume a role, which it renews " +
        "before it expires (aws:assumeRoles in the stack config, or the resource's assumeRole), or give the pipeline a " +
        "session that outlasts the refresh (up to timeoutMinutes, 60)",
    );
    expect((error as RefreshFailedError).properties).toMatchObject({ runId: glue.runs[0].id });
    expect(error.message).not.toContain("static-session-secret");
    expect(error.message).not.toContain("static-session-token");
  });
});

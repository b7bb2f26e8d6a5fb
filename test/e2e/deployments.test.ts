/**
 * MaterializedViewRefresh end to end: a program run under mocks, Pulumi's provider host over gRPC,
 * the real AWS SDK and the Glue emulator, over successive deployments of one stack.
 */
import type { GlueEmulator } from "../../src/emulator";
import { E2eStack, emulatorFor, startsAnswered } from "../support/e2e";

jest.setTimeout(120_000);

const DAILY = { databaseName: "sales", tableName: "daily_mv" };
const WEEKLY = { databaseName: "sales", tableName: "weekly_mv" };

let emulator: GlueEmulator;
let stack: E2eStack;

beforeEach(async () => {
  emulator = await emulatorFor([DAILY, WEEKLY]);
  stack = new E2eStack(emulator);
});
afterEach(() => emulator.close());

describe("a stack over successive deployments", () => {
  it("creates with one run, changes nothing when nothing changed, refreshes once per trigger change, replaces on a new table", async () => {
    const declare = (triggers: Record<string, unknown>, view = DAILY) => [
      { name: "daily", args: stack.args({ ...view, triggers }) },
    ];

    const first = await stack.up(declare({ schema: 1 }));
    expect(first.ok).toBe(true);
    expect(first.steps.map((s) => s.op)).toEqual(["create"]);
    const [run] = emulator.runs(DAILY);
    expect(first.steps[0].outputs).toMatchObject({
      runId: run.runId,
      status: "SUCCEEDED",
      catalogId: emulator.accountId,
    });
    expect(run.status).toBe("SUCCEEDED");
    expect(first.hostOutput.map((l) => l.text)).toContain(`daily (sales.daily_mv): started refresh run ${run.runId}`);

    const requestsBefore = emulator.requests.length;
    const second = await stack.up(declare({ schema: 1 }));
    expect(second.steps.map((s) => s.op)).toEqual(["same"]);
    expect(emulator.runs(DAILY)).toHaveLength(1);
    // Nothing changed: the only AWS call is the once-per-deployment catalog id check.
    expect(emulator.requests.slice(requestsBefore).map((r) => r.operation)).toEqual(["GetCallerIdentity"]);

    const third = await stack.up(declare({ schema: 2 }));
    expect(third.steps.map((s) => s.op)).toEqual(["update"]);
    const runs = emulator.runs(DAILY);
    expect(runs).toHaveLength(2);
    expect(third.steps[0].outputs).toMatchObject({ runId: runs[1].runId, triggers: { schema: 2 } });

    const fourth = await stack.up(declare({ schema: 2 }, WEEKLY));
    // Create before delete: the new resource, then the old one's (call-free) delete.
    expect(fourth.steps.map((s) => s.op)).toEqual(["replace", "delete"]);
    expect(emulator.runs(DAILY)).toHaveLength(2);
    expect(emulator.runs(WEEKLY)).toHaveLength(1);
    expect(stack.engine.state).toHaveLength(1);
    expect(stack.engine.resource("daily")?.outputs).toMatchObject({
      tableName: "weekly_mv",
      runId: emulator.runs(WEEKLY)[0].runId,
    });
  });

  it("destroys a stack whose last refresh failed", async () => {
    emulator.failNextRuns(DAILY, 1);
    expect((await stack.up([{ name: "daily", args: stack.args(DAILY) }])).ok).toBe(false);
    const destroyed = await stack.engine.destroy();
    expect(destroyed.steps.map((s) => [s.op, s.ok, s.error])).toEqual([["delete", true, undefined]]);
    expect(stack.engine.state).toEqual([]);
  });

  it("deletes a resource the program no longer declares, and destroys the stack, without any AWS call", async () => {
    await stack.up([
      { name: "daily", args: stack.args(DAILY) },
      { name: "weekly", args: stack.args(WEEKLY) },
    ]);
    const requestsBefore = emulator.requests.length;
    const shrunk = await stack.up([{ name: "daily", args: stack.args(DAILY) }]);
    expect(shrunk.steps.map((s) => [s.name, s.op])).toEqual([
      ["daily", "same"],
      ["weekly", "delete"],
    ]);
    const destroyed = await stack.engine.destroy();
    expect(destroyed.steps.map((s) => [s.name, s.op, s.ok])).toEqual([["daily", "delete", true]]);
    expect(stack.engine.state).toEqual([]);
    expect(emulator.requests.slice(requestsBefore).map((r) => r.operation)).toEqual(["GetCallerIdentity"]);
  });

  it("starts no run for a change of settings only", async () => {
    await stack.up([{ name: "daily", args: stack.args({ ...DAILY, timeoutMinutes: 30 }) }]);
    const report = await stack.up([
      { name: "daily", args: stack.args({ ...DAILY, timeoutMinutes: 45, ifRunning: "stop" }) },
    ]);
    expect(report.steps.map((s) => s.op)).toEqual(["update"]);
    expect(report.steps[0].outputs).toMatchObject({ timeoutMinutes: 45, ifRunning: "stop" });
    expect(startsAnswered(emulator)).toBe(1);
  });

  it("fails the deployment when the refresh fails, keeps the run id, and retries on the next deployment", async () => {
    emulator.failNextRuns(DAILY, 1, "Spark job failed: column price not found");
    const declared = [{ name: "daily", args: stack.args({ ...DAILY, triggers: { schema: 1 } }) }];

    const failed = await stack.up(declared);
    expect(failed.ok).toBe(false);
    const [failedRun] = emulator.runs(DAILY);
    expect(failed.steps[0].error).toBe(
      `MaterializedViewRefresh "daily" (sales.daily_mv): refresh run ${failedRun.runId} ended FAILED: ` +
        "Spark job failed: column price not found",
    );
    expect(stack.engine.resource("daily")).toMatchObject({
      outputs: { runId: failedRun.runId, status: "FAILED", errorMessage: "Spark job failed: column price not found" },
      initErrors: [expect.stringContaining("ended FAILED")],
    });

    // The partial state can be refreshed like any other.
    const refreshed = await stack.engine.refresh();
    expect(refreshed.ok).toBe(true);
    expect(refreshed.steps[0].outputs).toMatchObject({ runId: failedRun.runId, status: "FAILED" });

    const retried = await stack.up(declared);
    expect(retried.ok).toBe(true);
    expect(retried.steps.map((s) => s.op)).toEqual(["update"]);
    const runs = emulator.runs(DAILY);
    expect(runs.map((r) => r.status)).toEqual(["FAILED", "SUCCEEDED"]);
    expect(stack.engine.resource("daily")?.outputs).toMatchObject({ runId: runs[1].runId, status: "SUCCEEDED" });
    expect(stack.engine.resource("daily")?.outputs).not.toHaveProperty("errorMessage");

    const settled = await stack.up(declared);
    expect(settled.steps.map((s) => s.op)).toEqual(["same"]);
    expect(emulator.runs(DAILY)).toHaveLength(2);
  });

  it("pulumi refresh updates the status of a run the deployment did not wait for, and starts nothing", async () => {
    const up = await stack.up([{ name: "daily", args: stack.args({ ...DAILY, waitForCompletion: false }) }]);
    expect(up.steps[0].outputs).toMatchObject({ status: "STARTING" });
    // Let the emulated run finish: a minute of emulated time is 60 ms here.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refreshed = await stack.engine.refresh();
    expect(refreshed.steps[0].outputs).toMatchObject({ status: "SUCCEEDED", refreshType: "FULL" });
    expect(refreshed.steps[0].outputs?.endTime).toEqual(expect.any(String));
    expect(startsAnswered(emulator)).toBe(1);
  });

  it("takes the region from stack config and the catalog id from STS", async () => {
    const report = await stack.up([{ name: "daily", args: stack.args(DAILY) }], { "aws:region": "eu-west-1" });
    expect(report.steps[0].outputs).toMatchObject({ region: "eu-west-1", catalogId: emulator.accountId });
    const operations = emulator.requests.map((r) => r.operation);
    expect(operations.filter((o) => o === "GetCallerIdentity")).toHaveLength(1);
    const start = emulator.requests.find((r) => r.operation === "StartMaterializedViewRefreshTaskRun");
    expect(start?.input).toMatchObject({ CatalogId: emulator.accountId, DatabaseName: "sales", TableName: "daily_mv" });
  });

  it("replaces the resource when the stack's region changes", async () => {
    await stack.up([{ name: "daily", args: stack.args(DAILY) }], { "aws:region": "eu-west-1" });
    const moved = await stack.up([{ name: "daily", args: stack.args(DAILY) }], { "aws:region": "eu-central-1" });
    expect(moved.steps.map((s) => s.op)).toEqual(["replace", "delete"]);
    expect(moved.steps[0].outputs).toMatchObject({ region: "eu-central-1" });
  });

  it("takes the view's catalog, database and name from a table-like view object", async () => {
    const view = { catalogId: emulator.accountId, databaseName: "sales", name: "weekly_mv" };
    const report = await stack.up([{ name: "weekly", args: { view, endpoint: emulator.endpoint } }]);
    expect(report.steps[0].outputs).toMatchObject({
      catalogId: emulator.accountId,
      databaseName: "sales",
      tableName: "weekly_mv",
      status: "SUCCEEDED",
    });
    expect(emulator.runs(WEEKLY)).toHaveLength(1);
  });

  it("refuses a view given together with the names it carries, in the program", async () => {
    const view = { catalogId: emulator.accountId, databaseName: "sales", name: "weekly_mv" };
    const both = await stack.up([{ name: "weekly", args: { view, tableName: "daily_mv" } }]);
    expect(both.ok).toBe(false);
    expect(both.programError).toContain(
      'MaterializedViewRefresh "weekly": give either view or tableName, not both: the view names the table',
    );
    const missing = await stack.up([{ name: "weekly", args: { databaseName: "sales" } }]);
    expect(missing.programError).toContain(
      'MaterializedViewRefresh "weekly": give view, or databaseName and tableName (tableName missing)',
    );
    expect([...both.steps, ...missing.steps]).toEqual([]);
    expect(emulator.requests).toHaveLength(0);
  });

  it("refuses bad input in check, before any AWS call", async () => {
    const report = await stack.up([
      { name: "daily", args: stack.args({ ...DAILY, timeoutMinutes: -5, ifRunning: "later" as never }) },
    ]);
    expect(report.ok).toBe(false);
    expect(report.steps[0].error).toContain(
      "timeoutMinutes must be a positive number of minutes, at most 10080 (7 days); got -5",
    );
    expect(report.steps[0].error).toContain('ifRunning must be one of "wait", "stop", "adopt", "fail"; got "later"');
    expect(emulator.requests).toHaveLength(0);
  });

  it("reports an AWS error as one line with operation, view, error name, message and request id", async () => {
    emulator.setFaults({ accessDenied: [DAILY] });
    const report = await stack.up([{ name: "daily", args: stack.args(DAILY) }]);
    const denied = emulator.requests.find((r) => r.errorType === "AccessDeniedException");
    expect(report.steps[0].error).toMatch(
      new RegExp(
        `^StartMaterializedViewRefreshTaskRun for view sales\\.daily_mv \\(catalog ${emulator.accountId}\\) failed: ` +
          `AccessDeniedException: .+ \\(request id ${denied?.requestId}\\)\\. The caller needs IAM permission ` +
          "glue:StartMaterializedViewRefreshTaskRun: grant it to the identity that runs pulumi up \\(refreshPolicy\\(\\) " +
          "returns the policy\\); Lake Formation grants on the view and its source tables may also be the cause$",
      ),
    );
    expect(stack.engine.state).toHaveLength(0);
  });

  it("previews without starting anything", async () => {
    await stack.up([{ name: "daily", args: stack.args({ ...DAILY, triggers: { v: 1 } }) }]);
    const preview = await stack.engine.preview({
      config: {
        "aws:region": "us-east-1",
        refreshes: JSON.stringify([{ name: "daily", args: stack.args({ ...DAILY, triggers: { v: 2 } }) }]),
      },
    });
    expect(preview.steps.map((s) => s.op)).toEqual(["update"]);
    expect(startsAnswered(emulator)).toBe(1);
  });
});

describe("when the view already has a refresh running (a scheduled one)", () => {
  // Twenty emulated minutes: 1.2 real seconds at the emulator's 1000x. Where the policy must find
  // the scheduled run still going (adopt, fail), longer: a loaded CI machine has taken more than
  // 1.2 s from the provider host's start to the resource's check. Adopt's within the default
  // timeout of 60 minutes, which it waits for the run.
  const LONG = 20 * 60_000;

  it("wait: waits for it, then starts its own", async () => {
    const { report, scheduled } = await stack.upWithScheduledRun(
      [{ name: "daily", args: stack.args({ ...DAILY, ifRunning: "wait" }) }],
      DAILY,
      LONG,
    );
    expect(report.ok).toBe(true);
    const runs = emulator.runs(DAILY);
    expect(runs.map((r) => [r.runId, r.startedBy, r.status])).toEqual([
      [scheduled, "outOfBand", "SUCCEEDED"],
      [report.steps[0].outputs?.runId, "api", "SUCCEEDED"],
    ]);
    expect(runs[1].startTime).toBeGreaterThanOrEqual(runs[0].endTime!);
  });

  it("stop: stops it, then starts its own", async () => {
    const { report, scheduled } = await stack.upWithScheduledRun(
      [{ name: "daily", args: stack.args({ ...DAILY, ifRunning: "stop" }) }],
      DAILY,
      10 * LONG,
    );
    expect(report.ok).toBe(true);
    const runs = emulator.runs(DAILY);
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      [scheduled, "STOPPED"],
      [report.steps[0].outputs?.runId, "SUCCEEDED"],
    ]);
    expect(emulator.requests.map((r) => r.operation)).toContain("StopMaterializedViewRefreshTaskRun");
  });

  it("adopt: records it as its own and starts none", async () => {
    const { report, scheduled } = await stack.upWithScheduledRun(
      [{ name: "daily", args: stack.args({ ...DAILY, ifRunning: "adopt" }) }],
      DAILY,
      2 * LONG,
    );
    expect(report.steps[0].outputs).toMatchObject({ runId: scheduled, status: "SUCCEEDED" });
    expect(emulator.runs(DAILY)).toHaveLength(1);
  });

  it("fail: fails the deployment naming the running run, and starts none", async () => {
    const { report, scheduled } = await stack.upWithScheduledRun(
      [{ name: "daily", args: stack.args({ ...DAILY, ifRunning: "fail" }) }],
      DAILY,
      10 * LONG,
    );
    expect(report.ok).toBe(false);
    expect(report.steps[0].error).toMatch(
      new RegExp(
        `refresh run ${scheduled} is already (STARTING|RUNNING) since .*, and ifRunning is "fail"; no refresh was started$`,
      ),
    );
    expect(emulator.runs(DAILY)).toHaveLength(1);
    expect(stack.engine.state).toHaveLength(0);
  });
});

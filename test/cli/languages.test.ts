/**
 * The provider plugin from Python, Go, YAML and Java programs (examples/python, examples/go,
 * examples/yaml, examples/java) under the real Pulumi CLI against the emulator. Each program
 * refreshes a view (`daily`), a view built on it (`weekly`, whose `upstreams` take daily's
 * `upstream`) and a group of two (`regional`); each language goes through the same cases as the
 * TypeScript suite: create, a no-op, a trigger change whose refresh fails, its retry, bad input
 * refused by preview, refresh and destroy. The Java language host runs its program with Maven
 * (`mvn compile exec:java`), which finds the plugin's Java SDK in the local Maven repository.
 */
import { appendFileSync } from "fs";
import * as path from "path";
import type { EmulatedRun, GlueEmulator } from "../../src/emulator";
import { ensureJavaSdk, ROOT } from "../../tools/pulumi-cli";
import { CliStack, configurePlugin, type CliRun, type PreviewPlan } from "../support/cli";
import { emulatorFor } from "../support/e2e";

// A first run on a clean machine builds the Go program's dependencies and has Maven fetch
// com.pulumi:pulumi and its plugins for the Java one.
jest.setTimeout(600_000);

const DAILY = { databaseName: "sales", tableName: "daily_totals_mv" };
const WEEKLY = { databaseName: "sales", tableName: "weekly_totals_mv" };
const EAST = { databaseName: "sales", tableName: "east_totals_mv" };
const WEST = { databaseName: "sales", tableName: "west_totals_mv" };
const REFRESH = "glue-mv-refresh:index:MaterializedViewRefresh";
const GROUP = "glue-mv-refresh:index:MaterializedViewRefreshGroup";

/** How a command ended, with the engine's error messages, so that a failure says why. */
const outcome = (run: CliRun) => ({
  code: run.code,
  stderr: run.stderr,
  errors: run.events.flatMap((e) => (e.diagnosticEvent?.severity === "error" ? [e.diagnosticEvent.message] : [])),
  // Without --json (preview), the errors are in the text.
  output: run.code === 0 || run.events.length > 0 ? "" : run.stdout.slice(-2000),
});
const ok = { code: 0, stderr: "", errors: [], output: "" };

/** Sets one config value as the docs write it: `pulumi config set --path KEY VALUE` (a number stays one). */
async function setPath(stack: CliStack, key: string, value: string): Promise<void> {
  const set = await stack.run(["config", "set", "--path", key, value]);
  if (set.code !== 0) throw new Error(`pulumi config set --path failed: ${set.stderr}`);
}
/** The Glue operations the emulator was asked for. */
const glueCalls = (emulator: GlueEmulator) =>
  emulator.requests.flatMap((r) => (r.operation.includes("MaterializedView") ? [r.operation] : []));
/** A preview's planned operation for each of the program's resources, by name. */
const plannedOps = (plan: PreviewPlan | undefined) =>
  Object.fromEntries(
    (plan?.steps ?? [])
      .filter((step) => step.urn.includes("::glue-mv-refresh:"))
      .map((step) => [step.urn.slice(step.urn.lastIndexOf("::") + 2), step.op]),
  );
const ops = (run: CliRun) => Object.fromEntries(run.steps.map((s) => [s.name, s.op]));
const ended = (run: EmulatedRun) => run.endTime ?? Infinity;

/** Before a Java program runs: the plugin's Java SDK in the local Maven repository, where Maven finds it. */
async function beforeJava(stack: CliStack): Promise<void> {
  await ensureJavaSdk();
  // The CLI looks for the hosts a release ships (Node.js, Python, Go, YAML) beside itself, but for
  // Java's on PATH, warning on stderr; naming the project's build in the copy's Pulumi.yaml (its
  // last key is `plugins`) keeps the example as a user copies it.
  appendFileSync(
    path.join(stack.workspace, "Pulumi.yaml"),
    `  languages:\n    - name: java\n      path: ${stack.toolchain.binDir}\n`,
  );
}

describe.each(["python", "go", "yaml", "java"])("a %s program", (language) => {
  let emulator: GlueEmulator;
  let stack: CliStack;

  beforeAll(async () => {
    emulator = await emulatorFor([DAILY, WEEKLY, EAST, WEST]);
    // Maven runs the Java program twice a command (its packages, then the program): a JVM that
    // compiles with C1 only and collects serially starts faster for such short lives.
    const env = language === "java" ? { MAVEN_OPTS: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" } : {};
    stack = await CliStack.create({ programDir: path.join(ROOT, "examples", language), emulator, env });
    if (language === "java") await beforeJava(stack);
    await configurePlugin(stack, emulator);
  });
  afterAll(async () => {
    stack?.close();
    await emulator?.close();
  });

  it("fails a first preview whose account guard, set with `config set --path`, excludes the caller", async () => {
    await setPath(stack, "glue-mv-refresh:allowedAccountIds[0]", "999999999999");
    const { run } = await stack.preview();
    expect(run.code).not.toBe(0);
    const printed = run.stdout + run.stderr;
    expect(printed).toContain(`refusing to call AWS Glue as account ${emulator.accountId}`);
    expect(printed).toContain(
      "the stack config glue-mv-refresh:allowedAccountIds does not list it (allowed: 999999999999). No Glue call was made",
    );
    expect(glueCalls(emulator)).toEqual([]);
  });

  it("previews a new stack with a chain and a group: every view to create, nothing started", async () => {
    // The same command, with the caller's account: every later case runs under this guard.
    await setPath(stack, "glue-mv-refresh:allowedAccountIds[0]", emulator.accountId);
    const { run, plan } = await stack.preview();
    expect(outcome(run)).toEqual(ok);
    expect(plannedOps(plan)).toEqual({ daily: "create", weekly: "create", regional: "create" });
    // The forecasts' listings alone: one per view (daily, weekly), and one of the database for the
    // views with no history and the group's members, listed again after an (emulated, 1000x) minute.
    expect(glueCalls(emulator).filter((operation) => operation !== "ListMaterializedViewRefreshTaskRuns")).toEqual([]);
    expect(glueCalls(emulator).length).toBeLessThanOrEqual(5);
  });

  it("creates each refresh with one run, the chain in order, and exports the run ids", async () => {
    const up = await stack.up();
    expect(outcome(up)).toEqual(ok);
    expect(up.steps.map((s) => [s.name, s.type, s.op]).sort()).toEqual([
      ["daily", REFRESH, "create"],
      ["regional", GROUP, "create"],
      ["weekly", REFRESH, "create"],
    ]);
    const [daily] = emulator.runs(DAILY);
    const [weekly] = emulator.runs(WEEKLY);
    expect(emulator.runs()).toHaveLength(4);
    expect(weekly.startTime).toBeGreaterThanOrEqual(ended(daily));
    expect(await stack.outputs()).toEqual({
      dailyRunId: daily.runId,
      weeklyRunId: weekly.runId,
      regionalRunIds: { east: emulator.runs(EAST)[0].runId, west: emulator.runs(WEST)[0].runId },
    });
    expect(up.messages).toContain(`daily (sales.daily_totals_mv): started refresh run ${daily.runId}`);
  });

  it("passes preview --expect-no-changes when nothing changed", async () => {
    const preview = await stack.run(["preview", "--expect-no-changes", "--non-interactive"]);
    expect(outcome(preview)).toEqual(ok);
    expect(emulator.runs()).toHaveLength(4);
  });

  it("previews a change to the upstream as an update of both views of the chain, starting nothing", async () => {
    await stack.configure({ schemaVersion: "2" });
    emulator.resetRequests();
    const { run, plan } = await stack.preview();
    expect(outcome(run)).toEqual(ok);
    // The group, which nothing changed, is no step of the plan.
    expect(plannedOps(plan)).toEqual({ daily: "update", weekly: "update" });
    const weekly = plan?.steps.find((step) => step.urn.endsWith("::weekly"));
    // The upstream's new run, not known until it deploys, and the trigger it becomes.
    expect(weekly?.diffReasons).toEqual(["triggers", "upstreams"]);
    expect(glueCalls(emulator).filter((operation) => operation !== "ListMaterializedViewRefreshTaskRuns")).toEqual([]);
    expect(emulator.runs()).toHaveLength(4);
  });

  it("fails up when the refresh a trigger change started fails, keeping that run in the state", async () => {
    emulator.failNextRuns(DAILY, 1, "Spark ran out of memory");
    const up = await stack.up();
    const failed = emulator.runs(DAILY)[1];
    expect(up.code).not.toBe(0);
    expect(emulator.runs(DAILY)).toHaveLength(2);
    expect(failed.status).toBe("FAILED");
    expect(up.steps.find((s) => s.name === "daily")).toMatchObject({ op: "update", ok: false });
    expect(up.steps.find((s) => s.name === "daily")?.error).toContain(
      `MaterializedViewRefresh "daily" (sales.daily_totals_mv): refresh run ${failed.runId} ended FAILED: Spark ran out of memory`,
    );
    // The view built on it waits for the next deployment; the group has nothing to do.
    expect(emulator.runs(WEEKLY)).toHaveLength(1);
    expect((await stack.resource("daily"))?.outputs).toMatchObject({ runId: failed.runId, status: "FAILED" });
  });

  it("retries the failed refresh once on the next up, then refreshes the view built on it", async () => {
    const up = await stack.up();
    expect(outcome(up)).toEqual(ok);
    expect(ops(up)).toEqual({ daily: "update", weekly: "update", regional: "same" });
    const retried = emulator.runs(DAILY)[2];
    const [, weekly] = emulator.runs(WEEKLY);
    expect(emulator.runs(DAILY).map((r) => r.status)).toEqual(["SUCCEEDED", "FAILED", "SUCCEEDED"]);
    expect(weekly.startTime).toBeGreaterThanOrEqual(ended(retried));
    expect(await stack.outputs()).toMatchObject({ dailyRunId: retried.runId, weeklyRunId: weekly.runId });
  });

  it("refuses bad input in preview, naming the property, the value and the rule, and starts nothing", async () => {
    await stack.configure({ timeoutMinutes: "-1" });
    const preview = await stack.run(["preview", "--non-interactive"]);
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain(
      "timeoutMinutes must be a positive number of minutes, at most 10080 (7 days); got -1",
    );
    expect(emulator.runs()).toHaveLength(7);
  });

  it("reads the runs back on refresh and calls nothing on destroy", async () => {
    const refreshed = await stack.refresh();
    expect(refreshed.code).toBe(0);
    expect(refreshed.steps.map((s) => [s.name, s.op, s.ok, s.changed]).sort()).toEqual([
      ["daily", "refresh", true, false],
      ["regional", "refresh", true, false],
      ["weekly", "refresh", true, false],
    ]);
    const destroyed = await stack.destroy();
    expect(destroyed.code).toBe(0);
    expect((await stack.state()).resources ?? []).toEqual([]);
    expect(emulator.runs()).toHaveLength(7);
  });
});

describe("explicit providers", () => {
  let emulator: GlueEmulator;
  let stack: CliStack;

  beforeAll(async () => {
    emulator = await emulatorFor([DAILY, WEEKLY]);
    stack = await CliStack.create({ programDir: path.join(ROOT, "test", "fixtures", "explicit-provider"), emulator });
    await stack.configure({ glueEndpoint: emulator.endpoint });
  });
  afterAll(async () => {
    stack?.close();
    await emulator?.close();
  });

  it("refuse, in a first preview, the account a provider's guard excludes, naming its own argument", async () => {
    const run = await stack.run(["preview", "--non-interactive"]);
    expect(run.code).not.toBe(0);
    const printed = run.stdout + run.stderr;
    expect(printed).toContain(`refusing to call AWS Glue as account ${emulator.accountId}`);
    expect(printed).toContain(
      'the allowedAccountIds argument of provider "otherAccount" does not list it (allowed: 999999999999)',
    );
    expect(printed).not.toContain("stack config");
    expect(emulator.runs()).toEqual([]);
  });

  it("take region, endpoints and account guards as inputs, with no stack config", async () => {
    // The other provider's guard now lists the account its credentials reach.
    await stack.configure({ otherAllowedAccount: emulator.accountId });
    const up = await stack.up();
    expect(outcome(up)).toEqual(ok);
    const [daily] = emulator.runs(DAILY);
    expect(up.steps.map((s) => [s.name, s.op, s.ok]).sort()).toEqual([
      ["daily", "create", true],
      ["weekly", "create", true],
    ]);
    expect((await stack.resource("daily"))?.outputs).toMatchObject({ runId: daily.runId, region: "us-east-1" });
    expect(emulator.runs(WEEKLY)).toHaveLength(1);
  });
});

describe("a YAML program's job cancelled with Ctrl-C while a refresh runs", () => {
  let emulator: GlueEmulator;
  let stack: CliStack;

  beforeAll(async () => {
    // Fifty emulated minutes: three real seconds at the emulator's 1000x, long enough to cancel mid-wait.
    emulator = await emulatorFor([DAILY, WEEKLY, EAST, WEST], { runDurationMs: 50 * 60_000 });
    stack = await CliStack.create({ programDir: path.join(ROOT, "examples", "yaml"), emulator });
    await configurePlugin(stack, emulator);
    expect((await stack.up()).code).toBe(0);
  });
  afterAll(async () => {
    stack?.close();
    await emulator?.close();
  });

  it("lets the plugin finish and record the run; the next up refreshes only what the cancelled one left", async () => {
    await stack.configure({ schemaVersion: "2" });
    const running = stack.start(["up", "--yes", "--non-interactive", "--json"]);
    const deadline = Date.now() + 60_000;
    while (emulator.runs(DAILY).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const [, started] = emulator.runs(DAILY);
    CliStack.signal(running, "SIGINT", true);
    const cancelled = await running.done;

    expect(cancelled.code).not.toBe(0);
    // The step in flight ends first; the view built on it is never started.
    expect(ops(cancelled)).toEqual({ daily: "update", regional: "same" });
    expect(cancelled.steps.every((s) => s.ok)).toBe(true);
    expect((await stack.state()).pending_operations ?? []).toEqual([]);
    expect((await stack.resource("daily"))?.outputs).toMatchObject({ runId: started.runId, status: "SUCCEEDED" });

    const next = await stack.up();
    expect(next.code).toBe(0);
    expect(ops(next)).toEqual({ daily: "same", weekly: "update", regional: "same" });
    expect(emulator.runs(DAILY)).toHaveLength(2);
    expect(emulator.runs(WEEKLY)[1].startTime).toBeGreaterThanOrEqual(ended(emulator.runs(DAILY)[1]));
  });
});

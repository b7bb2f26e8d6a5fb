/**
 * Forecasts and the plan under the real Pulumi CLI, against the emulator: the YAML and Python
 * examples (the same program: a chain daily → weekly and a group of two, maxConcurrent 2) over views with a history of known
 * durations (10 DPUs, a few runs each, with noise). A plain `pulumi preview` prints each view's
 * forecast under it and `--json` carries it, listing runs only; `glue-mv-refresh plan` (the Automation
 * API) prints the plan; a budget below the forecast stops `pulumi up` before any Start; then the
 * deployment's wall time is within 15% of the plan's critical path.
 */
import * as path from "path";
import { startEmulator, type GlueEmulator } from "../../src/emulator";
import type { Plan } from "../../src/model/plan";
import { ROOT } from "../../tools/pulumi-cli";
import { CliStack, configurePlugin, withoutSdkNodeNotice } from "../support/cli";
import { CREDENTIALS } from "../support/e2e";
import { Twins } from "../support/twins";

jest.setTimeout(300_000);

/** Slower than the other suites' 1000x, so that the CLI's own seconds between steps weigh little. */
const SCALE = 100;
const MINUTE = 60_000;
const DAILY = { databaseName: "sales", tableName: "daily_totals_mv" };
const WEEKLY = { databaseName: "sales", tableName: "weekly_totals_mv" };
const EAST = { databaseName: "sales", tableName: "east_totals_mv" };
const WEST = { databaseName: "sales", tableName: "west_totals_mv" };
/** Each view's INCREMENTAL runs' duration: the chain takes 30 minutes, the group 15 at once. */
const MINUTES = new Map([
  [DAILY, 20],
  [WEEKLY, 10],
  [EAST, 15],
  [WEST, 12],
]);
const NOISE = [0.96, 1.03, 0.99, 1.04];
const PLAN_CLI = path.join(ROOT, "dist", "plan", "cli.js");

describe.each(["yaml", "python"])("a %s program", (language) => {
  let emulator: GlueEmulator;
  let stack: CliStack;

  const glueCalls = () =>
    emulator.requests.flatMap((r) => (r.operation.includes("MaterializedView") ? [r.operation] : []));

  beforeAll(async () => {
    emulator = await startEmulator({
      views: [...MINUTES.keys()],
      clockScale: SCALE,
      credentials: [CREDENTIALS],
    });
    // A history: a first (FULL) run, then INCREMENTAL runs with noise.
    for (const [view, minutes] of MINUTES)
      for (const factor of [3, ...NOISE]) {
        emulator.startRunOutOfBand(view, { durationMs: minutes * MINUTE * factor });
        emulator.advanceTime(minutes * MINUTE * factor + 1000);
      }
    for (const [view, minutes] of MINUTES) emulator.setRunDuration(view, minutes * MINUTE * 1.01);
    stack = await CliStack.create({
      programDir: path.join(ROOT, "examples", language),
      emulator,
      env: { GLUE_MV_REFRESH_CLOCK_SCALE: String(SCALE) },
    });
    await configurePlugin(stack, emulator);
    emulator.resetRequests();
  });
  afterAll(async () => {
    stack?.close();
    await emulator?.close();
  });

  let plan: Plan;

  it("prints each view's forecast under it in a plain preview, carries it in --json, and lists runs only", async () => {
    const text = await stack.run(["preview", "--non-interactive"]);
    expect(text.code).toBe(0);
    for (const [name, view] of [
      ["daily", DAILY],
      ["weekly", WEEKLY],
    ] as const)
      expect(text.stdout).toMatch(
        new RegExp(
          `${name} \\(sales\\.${view.tableName}\\): would refresh \\(a new view\\): INCREMENTAL refresh expected to take ${MINUTES.get(view)}m \\d\\ds`,
        ),
      );
    expect(text.stdout).toMatch(/regional\.east \(sales\.east_totals_mv\): would refresh \(a new view\): INCREMENTAL/);
    // One List per view, one of the database for the group's members.
    expect(glueCalls()).toEqual(Array(3).fill("ListMaterializedViewRefreshTaskRuns"));

    // The previewed outputs are in the engine's events, which the CLI streams when asked to (the
    // `--json` digest's steps carry none).
    const json = await stack.exec(stack.toolchain.pulumi, ["preview", "--non-interactive", "--json"], {
      PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true",
    }).done;
    expect(json.code).toBe(0);
    const events = json.stdout
      .split("\n")
      .filter((line) => line.includes("resOutputsEvent"))
      .map(
        (line) =>
          JSON.parse(line) as {
            resOutputsEvent: { metadata: { urn: string; new: { outputs: Record<string, unknown> } } };
          },
      );
    const daily = events.find((e) => e.resOutputsEvent.metadata.urn.endsWith("::daily"));
    expect(daily?.resOutputsEvent.metadata.new.outputs.forecast).toMatchObject({
      refreshType: "INCREMENTAL",
      basis: "own",
      basedOnRuns: 4,
    });
    expect(glueCalls().every((op) => op === "ListMaterializedViewRefreshTaskRuns")).toBe(true);
    expect(emulator.runs().filter((r) => r.startedBy === "api")).toEqual([]);
  });

  it("plans the chain in sequence and the group at once, with the critical path's wall time", async () => {
    const printed = await stack.exec(process.execPath, [PLAN_CLI, "plan"]).done;
    expect(printed.stderr).toBe("");
    expect(printed.code).toBe(0);
    console.log(printed.stdout);
    expect(printed.stdout).toMatch(/^Plan for stack dev: 4 refreshes, expected wall time 30m \d\ds/);
    expect(printed.stdout).toContain("Critical path: daily -> weekly");
    const json = await stack.exec(process.execPath, [PLAN_CLI, "plan", "--json"]).done;
    expect(json.code).toBe(0);
    plan = JSON.parse(json.stdout) as Plan;
    expect(plan.criticalPath).toEqual(["daily", "weekly"]);
    const markdown = await stack.exec(process.execPath, [PLAN_CLI, "plan", "--markdown"]).done;
    expect(markdown.stdout).toContain("| # | Resource | View | Why | Type | Duration | p90 | Cost | Based on |");
    expect(emulator.runs().filter((r) => r.startedBy === "api")).toEqual([]);
  });

  it("stops pulumi up before any Start when the forecast is over the budget, naming the views", async () => {
    await stack.configure({ "glue-mv-refresh:maxCostUsd": "0.5" });
    const up = await stack.up();
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toMatch(
      /over budget: expected cost \$\d\.\d\d exceeds glue-mv-refresh:maxCostUsd \$0\.50: .*\(sales\.\w+_totals_mv\) \d\.\d+ DPU-hours, \$\d\.\d\d.*No refresh was started/,
    );
    expect(glueCalls()).not.toContain("StartMaterializedViewRefreshTaskRun");
    await stack.configure({ "glue-mv-refresh:maxCostUsd": "100" });
  });

  it("deploys within the budget in the wall time the plan forecast, within 15%", async () => {
    const up = await stack.up();
    expect({ code: up.code, errors: up.messages.join("\n") }).toEqual({ code: 0, errors: expect.any(String) });
    const ours = emulator.runs().filter((r) => r.startedBy === "api");
    expect(ours).toHaveLength(4);
    const wallSeconds = (Math.max(...ours.map((r) => r.endTime!)) - Math.min(...ours.map((r) => r.startTime))) / 1000;
    console.log(`plan ${plan.wallSeconds} s, deployment ${wallSeconds} s`);
    expect(Math.abs(plan.wallSeconds - wallSeconds) / wallSeconds).toBeLessThan(0.15);
  });
});

describe("a TypeScript program with the dynamic provider, beside the harness", () => {
  const DAILY_TS = { databaseName: "sales", tableName: "daily_mv" };
  let twins: Twins | undefined;
  afterAll(async () => {
    await twins?.close();
  });

  it("says the forecast in its plain preview and stops pulumi up before any Start over the budget", async () => {
    twins = await Twins.create([DAILY_TS], {}, { "aws:region": "us-east-1", "glue-mv-refresh:maxCostUsd": "0.5" });
    for (const em of [twins.cliEmulator, twins.harnessEmulator])
      for (const factor of [2, 0.97, 1.02, 1.01]) {
        em.startRunOutOfBand(DAILY_TS, { durationMs: 10 * MINUTE * factor });
        em.advanceTime(10 * MINUTE * factor + 1000);
      }
    const { cli, harness } = await twins.up((stack) => [{ name: "daily", args: stack.args(DAILY_TS) }]);
    expect(cli.code).not.toBe(0);
    expect(harness.ok).toBe(false);
    const printed = cli.stdout + cli.stderr;
    // The dynamic provider's lines land under the Stack: check gets no URN to log them under.
    expect(printed).toMatch(
      /daily \(sales\.daily_mv\): would refresh \(a new view\): INCREMENTAL refresh expected to take 10m 06s/,
    );
    expect(printed).toMatch(/over budget: expected cost \$0\.7\d exceeds glue-mv-refresh:maxCostUsd \$0\.50: daily/);
    expect(harness.steps.find((s) => s.name === "daily")?.error).toMatch(/over budget/);
    for (const em of [twins.cliEmulator, twins.harnessEmulator])
      expect(em.requests.filter((r) => r.operation === "StartMaterializedViewRefreshTaskRun")).toEqual([]);
  });

  it("is in the plan with the figures of the provider's own preview, which the engine does not call, starting nothing", async () => {
    await twins!.cli.configure({ "glue-mv-refresh:maxCostUsd": "100" });
    twins!.cliEmulator.resetRequests();
    const printed = await twins!.cli.exec(process.execPath, [PLAN_CLI, "plan"]).done;
    expect({ code: printed.code, stderr: withoutSdkNodeNotice(printed.stderr) }).toEqual({ code: 0, stderr: "" });
    expect(printed.stdout).toContain(
      "daily (sales.daily_mv): a new view. INCREMENTAL refresh expected to take 10m 06s (p90 10m 12s)",
    );
    expect(printed.stdout).toMatch(/^Plan for stack dev: 1 refresh, expected wall time 10m 06s/);
    const operations = new Set(twins!.cliEmulator.requests.map((r) => r.operation));
    expect([...operations].sort()).toEqual(["GetCallerIdentity", "ListMaterializedViewRefreshTaskRuns"]);
  });
});

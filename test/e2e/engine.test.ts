/**
 * The engine harness runs a deployment as the Pulumi engine does: outputs flow back into the running
 * program, steps run in dependency order, the dependents of a failed step are skipped, and at most
 * `parallel` steps run at once. Each test uses real MaterializedViewRefresh resources against the
 * emulator, so the order it asserts is also the order Glue saw.
 */
import { defaultParallel, Engine, type DeploymentReport, type Step } from "../../harness";
import type { GlueEmulator } from "../../src/emulator";
import { E2E_PROGRAM, E2eStack, emulatorFor, hostEnv, output, type Declared } from "../support/e2e";
import { availableParallelism } from "os";

jest.setTimeout(120_000);

const A = { databaseName: "sales", tableName: "orders_mv" };
const B = { databaseName: "sales", tableName: "daily_mv" };
const C = { databaseName: "sales", tableName: "weekly_mv" };
const MANY = Array.from({ length: 6 }, (_, i) => ({ databaseName: "sales", tableName: `view_${i}` }));

let emulator: GlueEmulator;
let stack: E2eStack;

beforeEach(async () => {
  emulator = await emulatorFor([A, B, C, ...MANY], { runDurationMs: 10 * 60_000 });
  stack = new E2eStack(emulator);
});
afterEach(() => emulator.close());

const step = (report: DeploymentReport, name: string): Step => {
  const found = report.steps.find((s) => s.name === name);
  if (!found) throw new Error(`no step for ${name} in ${JSON.stringify(report.steps.map((s) => s.name))}`);
  return found;
};

/** The most steps whose [startedAt, finishedAt) intervals overlap at one moment. */
function mostInFlight(steps: readonly Step[]): number {
  const edges = steps.flatMap((s) => [
    { at: s.startedAt, delta: 1 },
    { at: s.finishedAt, delta: -1 },
  ]);
  edges.sort((x, y) => x.at - y.at || x.delta - y.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (now += edge.delta));
  return most;
}

/** A chain: b's triggers take a's run id. */
const chain = (aTrigger: number): Declared[] => [
  { name: "a", args: stack.args({ ...A, triggers: { v: aTrigger } }) },
  { name: "b", args: stack.args({ ...B, triggers: { upstream: output("a.runId") } }) },
];

describe("outputs flow back into the running program", () => {
  it("creates a, then b with a's new run id, and on a change of a updates both in order in one deployment", async () => {
    const first = await stack.up(chain(1));
    expect(first.ok).toBe(true);
    expect(first.steps.map((s) => [s.name, s.op])).toEqual([
      ["a", "create"],
      ["b", "create"],
    ]);
    const [aRun] = emulator.runs(A);
    expect(step(first, "a").outputs?.runId).toBe(aRun.runId);
    expect(step(first, "b").outputs?.triggers).toEqual({ upstream: aRun.runId });
    expect(step(first, "b").startedAt).toBeGreaterThanOrEqual(step(first, "a").finishedAt);

    const second = await stack.up(chain(2));
    expect(second.steps.map((s) => [s.name, s.op])).toEqual([
      ["a", "update"],
      ["b", "update"],
    ]);
    const aRuns = emulator.runs(A);
    const bRuns = emulator.runs(B);
    expect(aRuns).toHaveLength(2);
    expect(bRuns).toHaveLength(2);
    expect(step(second, "b").outputs?.triggers).toEqual({ upstream: aRuns[1].runId });
    expect(step(second, "b").startedAt).toBeGreaterThanOrEqual(step(second, "a").finishedAt);
    // Glue saw the same order: b's run started after a's ended.
    expect(bRuns[1].startTime).toBeGreaterThanOrEqual(aRuns[1].endTime!);

    const third = await stack.up(chain(2));
    expect(third.steps.map((s) => s.op)).toEqual(["same", "same"]);
  });

  it("previews the change of a as an update of both, a's new run id being unknown until it runs", async () => {
    await stack.up(chain(1));
    const preview = await stack.engine.preview({
      config: { "aws:region": "us-east-1", refreshes: JSON.stringify(chain(2)) },
    });
    expect(preview.ok).toBe(true);
    expect(preview.steps.map((s) => [s.name, s.op])).toEqual([
      ["a", "update"],
      ["b", "update"],
    ]);
    expect(emulator.runs(A)).toHaveLength(1);
    expect(emulator.runs(B)).toHaveLength(1);
  });

  it("runs a resource after those it names in dependsOn", async () => {
    const report = await stack.up([
      { name: "a", args: stack.args(A) },
      { name: "b", args: stack.args(B), dependsOn: ["a"] },
    ]);
    expect(step(report, "b").startedAt).toBeGreaterThanOrEqual(step(report, "a").finishedAt);
    expect(emulator.runs(B)[0].startTime).toBeGreaterThanOrEqual(emulator.runs(A)[0].endTime!);
  });
});

describe("a failed step", () => {
  it("skips its dependents, says so, and the next deployment runs it, then them", async () => {
    emulator.failNextRuns(A, 1, "Spark job failed");
    const failed = await stack.up(chain(1));
    expect(failed.ok).toBe(false);
    expect(step(failed, "a")).toMatchObject({ op: "create", outcome: "failed" });
    expect(step(failed, "b")).toMatchObject({ op: "skip", outcome: "skipped", ok: false });
    expect(step(failed, "b").error).toMatch(/^skipped: /);
    expect(emulator.runs(B)).toHaveLength(0);
    expect(stack.engine.resource("b")).toBeUndefined();

    const retried = await stack.up(chain(1));
    expect(retried.ok).toBe(true);
    expect(retried.steps.map((s) => [s.name, s.op])).toEqual([
      ["a", "update"],
      ["b", "create"],
    ]);
    expect(step(retried, "b").startedAt).toBeGreaterThanOrEqual(step(retried, "a").finishedAt);
    expect(step(retried, "b").outputs?.triggers).toEqual({ upstream: emulator.runs(A)[1].runId });
  });

  it("skips a dependent already in the stack, keeping its state, and deletes nothing", async () => {
    await stack.up([...chain(1), { name: "c", args: stack.args(C) }]);
    const before = stack.engine.resource("b");
    emulator.failNextRuns(A, 1);
    const failed = await stack.up(chain(2));
    expect(failed.steps.map((s) => [s.name, s.op, s.outcome])).toEqual([
      ["a", "update", "failed"],
      ["b", "skip", "skipped"],
      ["c", "skip", "skipped"],
    ]);
    expect(step(failed, "c").error).toBe("skipped: not deleted, because the deployment failed");
    expect(stack.engine.resource("b")).toEqual(before);
    expect(stack.engine.resource("c")).toBeDefined();
  });

  it("stops the deployment starting new steps, as pulumi up does, unless continueOnError", async () => {
    const declared = [
      { name: "a", args: stack.args(A) },
      { name: "c", args: stack.args(C) },
    ];
    emulator.failNextRuns(A, 1);
    const stopping = new E2eStack(emulator, { parallel: 1 });
    const stopped = await stopping.up(declared);
    expect(stopped.steps.map((s) => [s.name, s.outcome])).toEqual([
      ["a", "failed"],
      ["c", "skipped"],
    ]);
    expect(step(stopped, "c").error).toBe("skipped: the deployment stopped starting steps after a failed");
    expect(emulator.runs(C)).toHaveLength(0);

    emulator.failNextRuns(A, 1);
    const continuing = new E2eStack(emulator, { parallel: 1, continueOnError: true });
    const continued = await continuing.up(declared);
    expect(continued.ok).toBe(false);
    expect(continued.steps.map((s) => [s.name, s.outcome])).toEqual([
      ["a", "failed"],
      ["c", "succeeded"],
    ]);
    expect(emulator.runs(C)).toHaveLength(1);
  });
});

describe("bounded parallelism", () => {
  const six = () => MANY.map((view, i) => ({ name: `mv-${i}`, args: stack.args(view) }));

  it("runs at most `parallel` steps at once, measured from the step times and from Glue's runs", async () => {
    const report = await new E2eStack(emulator, { parallel: 2 }).up(six());
    expect(report.ok).toBe(true);
    expect(mostInFlight(report.steps)).toBe(2);
    const runs = MANY.map((view) => emulator.runs(view)[0]);
    const runsInFlight = mostInFlight(runs.map((r) => ({ startedAt: r.startTime, finishedAt: r.endTime! }) as Step));
    expect(runsInFlight).toBe(2);
  });

  it("runs every step at once with parallel 0, as --parallel 0 does", async () => {
    const report = await new E2eStack(emulator, { parallel: 0 }).up(six());
    expect(mostInFlight(report.steps)).toBe(6);
  });

  it("defaults to four steps per CPU, as pulumi up does", () => {
    const engine = new Engine({ projectDir: E2E_PROGRAM, hostEnv: hostEnv(emulator) });
    expect(engine.parallel).toBe(4 * availableParallelism());
    expect(defaultParallel()).toBe(engine.parallel);
  });
});

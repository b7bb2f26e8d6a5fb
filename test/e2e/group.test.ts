/**
 * MaterializedViewRefreshGroup end to end, through the engine harness with bounded parallelism and
 * against the emulator: the members' runs go on at once while the group holds one slot; each member
 * refreshes exactly when a MaterializedViewRefresh would; a failing member fails the deployment
 * and only it runs again; maxConcurrent holds; waiting costs a List per database, not a Get per member.
 */
import type { DeploymentReport, Step } from "../../harness";
import type { EmulatedRun, GlueEmulator } from "../../src/emulator";
import type { MaterializedViewRefreshGroupArgs, MaterializedViewRefreshGroupMember } from "../../src";
import { E2eStack, emulatorFor, resource, startsAnswered } from "../support/e2e";

jest.setTimeout(120_000);

const VIEWS = Array.from({ length: 12 }, (_, i) => ({ databaseName: "sales", tableName: `view_${i}` }));
const OTHER = { databaseName: "marketing", tableName: "campaigns_mv" };

let emulator: GlueEmulator;
let stack: E2eStack;

beforeEach(async () => {
  emulator = await emulatorFor([...VIEWS, OTHER], { runDurationMs: 10 * 60_000 });
  stack = new E2eStack(emulator, { parallel: 2 });
});
afterEach(() => emulator.close());

const members = (count = 12, each: (i: number) => Partial<MaterializedViewRefreshGroupMember> = () => ({})) =>
  Object.fromEntries(VIEWS.slice(0, count).map((view, i) => [`m${i}`, { ...view, ...each(i) }]));
const group = (
  views: MaterializedViewRefreshGroupArgs["views"],
  extra: Partial<MaterializedViewRefreshGroupArgs> = {},
) => ({
  groups: [{ name: "sales-views", args: { views, endpoint: emulator.endpoint, ...extra } }],
});
const step = (report: DeploymentReport, name: string): Step => report.steps.find((s) => s.name === name)!;
const apiRuns = () => emulator.runs().filter((r) => r.startedBy === "api");

/** The most runs going on at one moment, from the emulator's record. */
function mostInFlight(runs: readonly EmulatedRun[]): number {
  const edges = runs.flatMap((r) => [
    { at: r.startTime, delta: 1 },
    { at: r.endTime ?? Infinity, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  return Math.max(...edges.map((e) => (now += e.delta)));
}

it("runs twelve members at once under parallel 2, holding one slot, and records every run", async () => {
  const report = await stack.up(group(members()));
  expect(report.ok).toBe(true);
  expect(report.steps.map((s) => [s.name, s.op])).toEqual([["sales-views", "create"]]);
  const runs = apiRuns();
  expect(runs).toHaveLength(12);
  expect(mostInFlight(runs)).toBe(12);
  // One progress line a minute for the group, not one per member.
  const progress = report.hostOutput.filter((l) => l.text.startsWith("sales-views: 12 members: "));
  expect(progress.length).toBeGreaterThanOrEqual(5);
  expect(progress.length).toBeLessThanOrEqual(11);
  // The first line comes a minute into the group; its slowest member started a little after the
  // group did, by how long the Starts took (seconds, on a loaded machine).
  expect(progress[0].text).toMatch(
    /^sales-views: 12 members: \d+ starting, \d+ running, 0 done, 0 failed; slowest: m\d+ \(sales\.view_\d+\) (STARTING|RUNNING), (1m \d\d|[1-5]\d)s$/,
  );
  const recorded = step(report, "sales-views").outputs?.runs as Record<string, { runId: string; status: string }>;
  expect(Object.keys(recorded).sort()).toEqual(Object.keys(members()).sort());
  for (const [key, run] of Object.entries(recorded)) {
    const view = VIEWS[Number(key.slice(1))];
    expect(run).toMatchObject({ runId: emulator.runs(view)[0].runId, status: "SUCCEEDED", ...view });
  }
});

it("waits with a List per database per round, at a fraction of the reads of a resource per view", async () => {
  const reads = () => emulator.requests.filter((r) => /^(Get|List)MaterializedViewRefreshTaskRuns?$/.test(r.operation));
  await stack.up(VIEWS.map((view, i) => ({ name: `mv-${i}`, args: stack.args(view) })));
  const separate = reads().length;
  emulator.resetRequests();
  await new E2eStack(emulator, { parallel: 2 }).up(group(members(12, () => ({ triggers: { v: 2 } }))));
  const grouped = reads();
  const lists = grouped.filter((r) => r.operation === "ListMaterializedViewRefreshTaskRuns").length;
  expect(lists).toBeGreaterThan(grouped.length - lists);
  // About a fourth on an idle machine (69 against 272); resources per view poll less since they
  // guess a first run's length from the database's other views, and a loaded machine (CI's matrix)
  // has measured 276 against 272 for a bound of a fourth, so the bound is a third.
  expect(grouped.length * 3).toBeLessThan(separate);
});

it("refreshes exactly the member whose trigger changed, and nothing for a change of group settings", async () => {
  await stack.up(group(members(12, () => ({ triggers: { v: 1 } }))));
  expect(startsAnswered(emulator)).toBe(12);

  const one = await stack.up(group(members(12, (i) => ({ triggers: { v: i === 4 ? 2 : 1 } }))));
  expect(one.ok).toBe(true);
  expect(startsAnswered(emulator)).toBe(13);
  expect(emulator.runs(VIEWS[4])).toHaveLength(2);

  const settings = await stack.up(
    group(
      members(12, (i) => ({ triggers: { v: i === 4 ? 2 : 1 } })),
      { timeoutMinutes: 90, maxConcurrent: 6 },
    ),
  );
  expect(settings.steps.map((s) => s.op)).toEqual(["update"]);
  expect(startsAnswered(emulator)).toBe(13);
  const same = await stack.up(
    group(
      members(12, (i) => ({ triggers: { v: i === 4 ? 2 : 1 } })),
      { timeoutMinutes: 90, maxConcurrent: 6 },
    ),
  );
  expect(same.steps.map((s) => s.op)).toEqual(["same"]);
});

it("starts a run on a member's new view when its identity changes, and calls nothing for a member removed", async () => {
  await stack.up(group(members(3)));
  const requests = emulator.requests.length;
  const moved = await stack.up(group({ ...members(2), m2: OTHER }));
  expect(moved.ok).toBe(true);
  expect(emulator.runs(OTHER)).toHaveLength(1);
  expect(emulator.runs(VIEWS[2])).toHaveLength(1);
  const runs = step(moved, "sales-views").outputs?.runs as Record<string, { tableName: string }>;
  expect(runs.m2.tableName).toBe("campaigns_mv");

  const before = emulator.requests.length;
  const shrunk = await stack.up(group(members(2)));
  expect(Object.keys(step(shrunk, "sales-views").outputs?.runs as object).sort()).toEqual(["m0", "m1"]);
  expect(emulator.requests.slice(before).map((r) => r.operation)).toEqual(["GetCallerIdentity"]);
  expect(requests).toBeGreaterThan(0);
});

it("fails naming the member that failed, keeps every run, and next time starts only that member", async () => {
  emulator.failNextRuns(VIEWS[7], 1, "Spark job failed: column price not found");
  const failed = await stack.up(group(members()));
  expect(failed.ok).toBe(false);
  const [failedRun] = emulator.runs(VIEWS[7]);
  expect(step(failed, "sales-views").error).toBe(
    'MaterializedViewRefreshGroup "sales-views": 1 of 12 members did not refresh:\n' +
      `  m7 (sales.view_7): refresh run ${failedRun.runId} ended FAILED: Spark job failed: column price not found`,
  );
  const kept = stack.engine.resource("sales-views")!;
  expect(kept.initErrors).toHaveLength(1);
  expect(Object.keys(kept.outputs.runs as object)).toHaveLength(12);
  expect((kept.outputs.runs as Record<string, { status: string }>).m7.status).toBe("FAILED");

  const retried = await stack.up(group(members()));
  expect(retried.ok).toBe(true);
  expect(startsAnswered(emulator)).toBe(13);
  expect(emulator.runs(VIEWS[7]).map((r) => r.status)).toEqual(["FAILED", "SUCCEEDED"]);
});

it("never has more than maxConcurrent of its runs in flight", async () => {
  const report = await stack.up(group(members(), { maxConcurrent: 3 }));
  expect(report.ok).toBe(true);
  expect(apiRuns()).toHaveLength(12);
  expect(mostInFlight(apiRuns())).toBe(3);
});

it("keeps to maxConcurrent without waiting for the last runs when waitForCompletion is false", async () => {
  const report = await stack.up(group(members(6), { maxConcurrent: 2, waitForCompletion: false }));
  expect(report.ok).toBe(true);
  const runs = apiRuns();
  expect(runs).toHaveLength(6);
  expect(mostInFlight(runs)).toBe(2);
  expect(runs.filter((r) => r.status !== "SUCCEEDED").length).toBeGreaterThan(0);
  // The runs left going are not waited for, and nothing says they were interrupted.
  expect(report.hostOutput.filter((l) => l.text.includes("interrupted"))).toEqual([]);
});

it("refuses bad member arguments, naming the member key and the property", async () => {
  const program = await stack.up(group({ daily: { ...VIEWS[0], sources: ["sales.orders" as never] } }));
  expect(program.programError).toContain(
    'MaterializedViewRefreshGroup "sales-views" member "daily": sources[0] must be a Glue table',
  );
  const check = await stack.up(group({ daily: { ...VIEWS[0], timeoutMinutes: -1 } }));
  expect(step(check, "sales-views").error).toContain(
    "views.daily.timeoutMinutes must be a positive number of minutes, at most 10080 (7 days); got -1",
  );
  expect(emulator.requests).toHaveLength(0);
});

it("refreshes a member after a source refresh, as a MaterializedViewRefresh would", async () => {
  const declare = (v: number) => ({
    refreshes: [{ name: "upstream", args: stack.args({ ...OTHER, triggers: { v } }) }],
    groups: [
      {
        name: "sales-views",
        args: {
          views: { m0: { ...VIEWS[0], sources: [resource("upstream")] }, m1: VIEWS[1] },
          endpoint: emulator.endpoint,
        },
      },
    ],
  });
  await stack.up(declare(1));
  const changed = await stack.up(declare(2));
  expect(changed.steps.map((s) => [s.name, s.op])).toEqual([
    ["upstream", "update"],
    ["sales-views", "update"],
  ]);
  expect(emulator.runs(VIEWS[0])).toHaveLength(2);
  expect(emulator.runs(VIEWS[1])).toHaveLength(1);
  expect(emulator.runs(VIEWS[0])[1].startTime).toBeGreaterThanOrEqual(emulator.runs(OTHER)[1].endTime!);
});

it("records every member's run when the provider host is interrupted, and the next deployment waits for them", async () => {
  emulator.setRunDuration(undefined, 90 * 60_000);
  const declared = group(members(4), { timeoutMinutes: 600 });
  const interrupted = await stack.up(declared, undefined, {
    onHost: (host) => {
      const timer = setInterval(() => {
        if (host.lines.filter((l) => l.text.includes("started refresh run")).length === 4) {
          clearInterval(timer);
          host.signal("SIGINT");
        }
      }, 10);
      void host.exited.then(() => clearInterval(timer));
    },
  });
  expect(interrupted.ok).toBe(false);
  expect(step(interrupted, "sales-views").error).toMatch(
    /^MaterializedViewRefreshGroup "sales-views": 4 of 4 members did not refresh:\n/,
  );
  expect(step(interrupted, "sales-views").error).toContain("interrupted while waiting for refresh run");
  const runs = stack.engine.resource("sales-views")!.outputs.runs as Record<string, { runId: string }>;
  expect(
    Object.values(runs)
      .map((r) => r.runId)
      .sort(),
  ).toEqual(
    apiRuns()
      .map((r) => r.runId)
      .sort(),
  );

  const resumed = await stack.up(declared);
  expect(resumed.ok).toBe(true);
  expect(apiRuns()).toHaveLength(4);
  expect(apiRuns().every((r) => r.status === "SUCCEEDED")).toBe(true);
});

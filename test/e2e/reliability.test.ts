/**
 * Reliability end to end: faults injected by the emulator, and the provider host told to stop
 * while it waits, through Pulumi's provider host and the real AWS SDK.
 */
import type { DeploymentReport, ProviderHost } from "../../harness";
import type { GlueEmulator } from "../../src/emulator";
import { E2eStack, emulatorFor, hostEnv } from "../support/e2e";

jest.setTimeout(120_000);

const DAILY = { databaseName: "sales", tableName: "daily_mv" };
let emulator: GlueEmulator;
let stack: E2eStack;

beforeEach(async () => {
  emulator = await emulatorFor([DAILY]);
  stack = new E2eStack(emulator);
});
afterEach(() => emulator.close());

const apiRuns = () => emulator.runs(DAILY).filter((r) => r.startedBy === "api");

/** The deployment started exactly one run, recorded it, and recognised it after a lost Start answer. */
function expectOneRecognisedRun(em: GlueEmulator, report: DeploymentReport): void {
  const runs = em.runs(DAILY);
  expect(runs).toHaveLength(1);
  expect(report.steps[0]).toMatchObject({ ok: true, outputs: { runId: runs[0].runId, status: "SUCCEEDED" } });
  expect(report.hostOutput.map((l) => l.text)).toContain(
    `daily (sales.daily_mv): recognised refresh run ${runs[0].runId}, started by an earlier attempt whose answer was lost`,
  );
}

describe("a Start whose answer is lost", () => {
  it.each([
    ["the connection drops after Glue started the run", { dropAfterProcessingRatio: 1 }],
    ["Glue answers 500 after it started the run", { serverErrorAfterProcessingRatio: 1 }],
  ])("starts exactly one run when %s", async (_what, faults) => {
    emulator.setFaults({ ...faults, operations: ["StartMaterializedViewRefreshTaskRun"] });
    const report = await stack.up([{ name: "daily", args: stack.args(DAILY) }]);
    expect(report.ok).toBe(true);
    expect(apiRuns()).toHaveLength(1);
    expect(report.steps[0].outputs).toMatchObject({ runId: apiRuns()[0].runId, status: "SUCCEEDED" });
    expect(report.hostOutput.map((l) => l.text)).toContain(
      `daily (sales.daily_mv): recognised refresh run ${apiRuns()[0].runId}, started by an earlier attempt whose answer was lost`,
    );
    expect(emulator.requests.filter((r) => r.fault !== undefined).length).toBeGreaterThan(0);
  });
});

describe("an eventually consistent Glue", () => {
  it("starts one run when the first Start's answer is lost and reads lag 2 s behind writes", async () => {
    // A slower clock than the other tests', so that the lag is long against a request's real time.
    const scale = 5;
    const lagging = await emulatorFor([DAILY], {
      clockScale: scale,
      runDurationMs: 6_000,
      faults: {
        consistencyLagMs: 2_000,
        dropAfterProcessingRatio: 1,
        maxFaults: 1,
        operations: ["StartMaterializedViewRefreshTaskRun"],
      },
    });
    try {
      const lagStack = new E2eStack(lagging, { hostEnv: hostEnv(lagging, scale) });
      expectOneRecognisedRun(lagging, await lagStack.up([{ name: "daily", args: lagStack.args(DAILY) }]));
      // No second Start: the provider listed until Glue showed the run (issue 24).
      const starts = lagging.requests.filter((r) => r.operation === "StartMaterializedViewRefreshTaskRun");
      expect(starts.map((r) => r.fault ?? r.errorType)).toEqual(["dropAfterProcessingRatio"]);
    } finally {
      await lagging.close();
    }
  });
});

describe("a provider host whose clock is off AWS's", () => {
  // The sequence measured when start times were judged on the host's clock: the host 30 s fast,
  // the first Start's answer lost, reads 2 s behind writes, a 6-second refresh. It waited out the
  // visibility window (78 Lists) and started a second refresh. Both directions, a group's member too.
  const faults = {
    consistencyLagMs: 2_000,
    dropAfterProcessingRatio: 1,
    maxFaults: 1,
    operations: ["StartMaterializedViewRefreshTaskRun"],
  };
  const scale = 5;
  let skewed: GlueEmulator;
  afterEach(() => skewed.close());

  /** What a deployment asked of Glue, and how long it took on Glue's clock. */
  function calls(em: GlueEmulator) {
    const glue = em.requests.filter((r) => r.operation !== "GetCallerIdentity");
    const times = glue.map((r) => r.emulatedTime ?? 0).filter((t) => t > 0);
    return {
      starts: glue
        .filter((r) => r.operation === "StartMaterializedViewRefreshTaskRun")
        .map((r) => r.fault ?? r.errorType ?? "started"),
      lists: glue.filter((r) => r.operation === "ListMaterializedViewRefreshTaskRuns").length,
      tookMs: Math.max(...times) - Math.min(...times),
    };
  }

  it.each([
    ["30 s ahead of", -30_000],
    ["30 s behind", 30_000],
  ])("starts one refresh, within the read lag, when the host's clock is %s AWS's", async (_what, clockOffsetMs) => {
    skewed = await emulatorFor([DAILY], { clockScale: scale, clockOffsetMs, runDurationMs: 6_000, faults });
    const skewStack = new E2eStack(skewed, { hostEnv: hostEnv(skewed, scale) });
    expectOneRecognisedRun(skewed, await skewStack.up([{ name: "daily", args: skewStack.args(DAILY) }]));
    const { starts, lists, tookMs } = calls(skewed);
    expect(starts).toEqual(["dropAfterProcessingRatio"]);
    expect(lists).toBeLessThan(10);
    expect(tookMs).toBeLessThan(60_000);
  });

  it.each([
    ["30 s ahead of", -30_000],
    ["30 s behind", 30_000],
  ])("starts one refresh for a group's member when the host's clock is %s AWS's", async (_what, clockOffsetMs) => {
    skewed = await emulatorFor([DAILY], { clockScale: scale, clockOffsetMs, runDurationMs: 6_000, faults });
    const skewStack = new E2eStack(skewed, { hostEnv: hostEnv(skewed, scale) });
    const report = await skewStack.up({
      groups: [{ name: "views", args: { views: { daily: DAILY }, endpoint: skewed.endpoint } }],
    });
    const runs = skewed.runs(DAILY);
    expect(runs).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({
      ok: true,
      outputs: { runs: { daily: { runId: runs[0].runId, status: "SUCCEEDED" } } },
    });
    const { starts, tookMs } = calls(skewed);
    expect(starts).toEqual(["dropAfterProcessingRatio"]);
    expect(tookMs).toBeLessThan(60_000);
  });
});

it("refreshes through 50% throttling, 5xx and dropped connections on every operation", async () => {
  emulator.setFaults({ throttleRatio: 0.5, serverErrorRatio: 0.1, dropRatio: 0.05, operationTimeoutRatio: 0.05 });
  const report = await stack.up([{ name: "daily", args: stack.args(DAILY) }]);
  expect(report.steps[0].error).toBeUndefined();
  expect(report.ok).toBe(true);
  expect(apiRuns()).toHaveLength(1);
  expect(emulator.requests.filter((r) => r.errorType === "ThrottlingException").length).toBeGreaterThan(2);
});

describe("the provider host told to stop while it waits", () => {
  /** Sends SIGINT to the host as soon as it has printed that the run started. */
  function interruptOnceStarted(host: ProviderHost): void {
    const timer = setInterval(() => {
      if (host.lines.some((l) => l.text.includes("started refresh run"))) {
        clearInterval(timer);
        host.signal("SIGINT");
      }
    }, 10);
    void host.exited.then(() => clearInterval(timer));
  }

  it("says which run goes on, keeps it in state, and the next deployment waits for it without starting another", async () => {
    emulator.setRunDuration(DAILY, 3 * 3_600_000);
    const declared = [{ name: "daily", args: stack.args({ ...DAILY, timeoutMinutes: 600 }) }];
    const interrupted = await stack.up(declared, undefined, { onHost: interruptOnceStarted });
    const [run] = apiRuns();
    expect(interrupted.ok).toBe(false);
    expect(interrupted.steps[0].error).toMatch(
      new RegExp(
        `interrupted while waiting for refresh run ${run.runId}, last seen (STARTING|RUNNING); the run goes on in Glue`,
      ),
    );
    expect(interrupted.hostOutput.map((l) => l.text)).toContainEqual(
      expect.stringContaining(`interrupted while waiting for refresh run ${run.runId}`),
    );
    expect(stack.engine.resource("daily")).toMatchObject({
      outputs: { runId: run.runId },
      initErrors: [expect.any(String)],
    });
    expect(emulator.runs(DAILY)[0].status).toBe("RUNNING");

    const resumed = await stack.up(declared);
    expect(resumed.ok).toBe(true);
    expect(resumed.steps[0].outputs).toMatchObject({ runId: run.runId, status: "SUCCEEDED" });
    expect(apiRuns()).toHaveLength(1);
  });
});

it("starts every refresh of a stack of many views under a request rate limit, pacing instead of hammering", async () => {
  const count = 40;
  const many = Array.from({ length: count }, (_, i) => ({ databaseName: "sales", tableName: `view_${i}` }));
  // Real time on both sides: a rate limit is a real-time matter.
  const limited = await emulatorFor(many, { faults: { requestsPerSecond: 10 }, clockScale: 1 });
  try {
    const manyStack = new E2eStack(limited, { parallel: count, hostEnv: hostEnv(limited, 1) });
    const report = await manyStack.up(
      many.map((view, i) => ({
        name: `mv-${i}`,
        args: manyStack.args({ ...view, catalogId: limited.accountId, waitForCompletion: false }),
      })),
    );
    expect(report.steps.filter((s) => s.ok)).toHaveLength(count);
    expect(limited.runs().filter((r) => r.startedBy === "api")).toHaveLength(count);
    const throttled = limited.requests.filter((r) => r.errorType === "ThrottlingException").length;
    console.log(`${count} starts at 10 requests/s: ${limited.requests.length} requests, ${throttled} throttled`);
    expect(throttled).toBeLessThan(count);
  } finally {
    await limited.close();
  }
});

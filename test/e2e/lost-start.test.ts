/**
 * Issue 24 through Pulumi's provider host: every Start answer lost (the run started), runs of 0.2 s
 * and 0.4 s that end FAILED or SUCCEEDED before the next attempt, and reads 0.5 to 10 s behind
 * writes. Each deployment declares the four runs as resources and as a group's members, so that
 * each lag is one deployment; every view must get exactly one run, recorded in the state.
 */
import type { DeploymentReport } from "../../harness";
import type { GlueEmulator } from "../../src/emulator";
import { E2eStack, emulatorFor, hostEnv } from "../support/e2e";
import {
  LOST_START_LAGS_MS,
  lostStartEmulator,
  lostStartViews,
  viewRef,
  type LostStartView,
} from "../support/lost-start";

jest.setTimeout(180_000);

// A slow clock (5x), so that the lag is long against a request's real time, as against AWS.
const SCALE = 5;

let emulator: GlueEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** The run of `view`, which must be its only one. */
function onlyRun(em: GlueEmulator, view: LostStartView) {
  const runs = em.runs(view);
  expect({ view: view.tableName, runs: runs.length }).toEqual({ view: view.tableName, runs: 1 });
  expect(runs[0].status).toBe(view.outcome);
  return runs[0];
}

describe.each(LOST_START_LAGS_MS)("every Start answer lost, reads %i ms behind writes", (lagMs) => {
  it("starts exactly one run per view, recorded, for resources and a group's members", async () => {
    const { resources, members } = lostStartViews();
    emulator = await emulatorFor([...resources, ...members].map(viewRef), { clockScale: SCALE });
    lostStartEmulator(emulator, [...resources, ...members], lagMs);
    const em = emulator;
    const stack = new E2eStack(em, { hostEnv: hostEnv(em, SCALE), parallel: 16 });
    const report: DeploymentReport = await stack.up({
      refreshes: resources.map((v) => ({ name: v.tableName, args: stack.args(viewRef(v)) })),
      groups: [
        {
          name: "members",
          args: { views: Object.fromEntries(members.map((v) => [v.tableName, viewRef(v)])), endpoint: em.endpoint },
        },
      ],
    });
    for (const view of resources) {
      const run = onlyRun(em, view);
      expect(stack.engine.resource(view.tableName)?.outputs).toMatchObject({ runId: run.runId, status: view.outcome });
    }
    const group = stack.engine.resource("members")?.outputs.runs as Record<string, { runId: string; status: string }>;
    for (const view of members) {
      const run = onlyRun(em, view);
      expect(group[view.tableName]).toMatchObject({ runId: run.runId, status: view.outcome });
    }
    const starts = em.requests.filter((r) => r.operation === "StartMaterializedViewRefreshTaskRun");
    expect(starts.map((r) => r.fault ?? r.errorType ?? "started")).toEqual(
      Array(resources.length + members.length).fill("dropAfterProcessingRatio"),
    );
    expect(report.ok).toBe(false); // the FAILED runs fail their steps
  });
});

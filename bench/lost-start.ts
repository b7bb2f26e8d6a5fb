/**
 * Section 9 of `npm run bench`: what the wait after a lost Start answer costs (issue 24). One
 * MaterializedViewRefresh, a 60-second run, deployed with the Start answer arriving (the reference,
 * in the same run) and with it lost, after Glue started the run or before, with reads 0, 2 and
 * 10 s behind writes. Times are on the emulator's clock, so a loaded machine does not move them.
 */
import type { DeploymentReport } from "../harness";
import { startEmulator, type Faults, type GlueEmulator } from "pulumi-glue-mv-refresh/emulator";
import type { Row } from "./row";

/** Emulated ms per real ms: the 10-second window takes half a real second. */
const SCALE = 20;
const RUN_MS = 60_000;
const ROUNDS = 3;

export interface LostStartBenchOptions {
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Deploys one of this package's resources against the emulator, on its clock. */
  readonly deployOne: (emulator: GlueEmulator, scale: number) => Promise<DeploymentReport>;
}

interface Measure {
  /** From the first Start to the first Get of the run: how long before the deployment follows its run. */
  readonly toFollowMs: number;
  /** From the first Glue request to the last: the whole deployment. */
  readonly deploymentMs: number;
  readonly starts: number;
  readonly lists: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const signed = (ms: number) => `${ms < 0 ? "-" : "+"}${seconds(Math.abs(ms))}`;

async function measure(options: LostStartBenchOptions, lagMs: number, lost?: keyof Faults): Promise<Measure> {
  const faults: Faults = {
    consistencyLagMs: lagMs,
    ...(lost ? { [lost]: 1, maxFaults: 1, operations: ["StartMaterializedViewRefreshTaskRun"] } : {}),
  };
  const emulator = await startEmulator({
    views: [{ databaseName: "bench", tableName: "view_0" }],
    credentials: [options.credentials],
    clockScale: SCALE,
    runDurationMs: RUN_MS,
    faults,
  });
  try {
    const report = await options.deployOne(emulator, SCALE);
    if (!report.ok) throw new Error(`lost Start answer bench: the deployment failed: ${report.steps[0]?.error}`);
    if (emulator.runs().length !== 1) throw new Error(`lost Start answer bench: ${emulator.runs().length} runs`);
    const glue = emulator.requests.filter((r) => r.operation !== "GetCallerIdentity" && r.emulatedTime !== undefined);
    const at = (operation: string) => glue.find((r) => r.operation === operation)!.emulatedTime!;
    const times = glue.map((r) => r.emulatedTime!);
    const count = (operation: string) => glue.filter((r) => r.operation === operation).length;
    return {
      toFollowMs: at("GetMaterializedViewRefreshTaskRun") - at("StartMaterializedViewRefreshTaskRun"),
      deploymentMs: Math.max(...times) - Math.min(...times),
      starts: count("StartMaterializedViewRefreshTaskRun"),
      lists: count("ListMaterializedViewRefreshTaskRuns"),
    };
  } finally {
    await emulator.close();
  }
}

/** The median of each figure over ROUNDS deployments. */
async function medianOf(options: LostStartBenchOptions, lagMs: number, lost?: keyof Faults): Promise<Measure> {
  const all: Measure[] = [];
  for (let round = 0; round < ROUNDS; round++) all.push(await measure(options, lagMs, lost));
  const of = (key: keyof Measure) => median(all.map((m) => m[key]));
  return { toFollowMs: of("toFollowMs"), deploymentMs: of("deploymentMs"), starts: of("starts"), lists: of("lists") };
}

/** 9. The extra time of a deployment whose Start answer was lost, against one whose answer arrived. */
export async function lostStart(options: LostStartBenchOptions): Promise<Row[]> {
  const rows: Row[] = [];
  for (const lagMs of [0, 2_000, 10_000]) {
    const arrived = await medianOf(options, lagMs);
    const lag = `reads ${lagMs / 1000} s behind`;
    rows.push({
      figure: `answer arrived, ${lag}: Start to following the run; deployment (median of ${ROUNDS})`,
      ours: `${seconds(arrived.toFollowMs)}; ${seconds(arrived.deploymentMs)}`,
      baseline: "the reference for the rows below",
      ratio: "",
      goal: "no wait: one Start",
      met: arrived.starts === 1,
    });
    const cases: [string, keyof Faults][] = [
      ["answer lost after Glue started the run", "dropAfterProcessingRatio"],
      ["connection dropped before Glue acted", "dropRatio"],
    ];
    for (const [what, fault] of cases) {
      const lost = await medianOf(options, lagMs, fault);
      const extra = lost.deploymentMs - arrived.deploymentMs;
      rows.push({
        figure: `  ${what}: Start to following the run; deployment, its extra time`,
        ours: `${seconds(lost.toFollowMs)}; ${seconds(lost.deploymentMs)}, ${signed(extra)} (${lost.starts} Starts, ${lost.lists} Lists)`,
        baseline: `${seconds(arrived.toFollowMs)}; ${seconds(arrived.deploymentMs)}`,
        ratio: ratio(lost.deploymentMs, arrived.deploymentMs),
        // The window (10 s), the first attempt's backoff (up to 1 s) and one relisting (1 s).
        goal: "one run; following it at most 12 s later",
        met: lost.toFollowMs - arrived.toFollowMs <= 12_000,
      });
    }
  }
  return rows;
}

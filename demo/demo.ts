/**
 * The main job, offline: starts the Glue emulator and runs this repository's Pulumi program
 * (Pulumi.yaml -> examples/quickstart) through the engine harness over several deployments,
 * printing what happened like a deployment log.
 *
 *   npm run demo
 */
import * as path from "path";
import { startEmulator, type EmulatedRun } from "pulumi-glue-mv-refresh/emulator";
import { Engine, type DeploymentReport } from "../harness";

/** Emulated milliseconds per real millisecond: a five-minute refresh takes half a second. */
const CLOCK_SCALE = 600;
const VIEW = { databaseName: "sales", tableName: "daily_totals_mv" };
const CREDENTIALS = { accessKeyId: "AKIAEMULATORDEMO0001", secretAccessKey: "demo-secret-access-key" };

const SYMBOLS: Record<string, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  same: " ",
  delete: "-",
  refresh: "~",
  skip: "!",
};

function printReport(title: string, report: DeploymentReport): void {
  const seconds = ((report.timing.end - report.timing.start) / 1000).toFixed(1);
  console.log(`\n=== ${title}`);
  for (const line of report.hostOutput) {
    if (line.stream === "stdout") console.log(`    | ${line.text}`);
  }
  for (const step of report.steps) {
    console.log(`  ${SYMBOLS[step.op]} ${step.name}: ${step.op}${step.ok ? "" : " FAILED"}`);
    if (step.error) console.log(`    error: ${step.error}`);
    if (step.ok && step.outputs?.runId) {
      const { runId, status, refreshType } = step.outputs as Record<string, string>;
      console.log(`    runId=${runId} status=${status} refreshType=${refreshType}`);
    }
  }
  if (report.programError) console.log(`  program error: ${report.programError}`);
  for (const [name, value] of Object.entries(report.outputs ?? {}))
    console.log(`  output ${name}: ${JSON.stringify(value)}`);
  console.log(`  ${report.ok ? "succeeded" : "FAILED"} in ${seconds}s`);
}

function printRuns(runs: EmulatedRun[]): void {
  console.log("\n=== Refresh runs Glue (the emulator) saw, oldest first");
  for (const run of runs) {
    const error = run.errorMessage ? ` (${run.errorMessage})` : "";
    console.log(`  ${run.runId}  ${run.status.padEnd(9)} ${run.fullRefresh ? "full" : "auto"}${error}`);
  }
}

async function main(): Promise<void> {
  const emulator = await startEmulator({
    views: [VIEW],
    clockScale: CLOCK_SCALE,
    runDurationMs: 5 * 60_000,
    credentials: [CREDENTIALS],
  });
  console.log(
    `Glue emulator on ${emulator.endpoint} (account ${emulator.accountId}); a 5-minute refresh takes ${300_000 / CLOCK_SCALE} ms`,
  );
  const engine = new Engine({
    projectDir: path.resolve(__dirname, "..", ".."),
    typeCheck: true,
    config: { "aws:region": "us-east-1", glueEndpoint: emulator.endpoint, schemaVersion: "1" },
    hostEnv: {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: "",
      AWS_PROFILE: "",
      AWS_CONFIG_FILE: path.join(__dirname, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(__dirname, "no-aws-credentials"),
      GLUE_MV_REFRESH_CLOCK_SCALE: String(CLOCK_SCALE),
      GLUE_MV_REFRESH_CLOCK_ORIGIN: String(emulator.clockOrigin),
    },
  });
  const config = (schemaVersion: number) => ({
    "aws:region": "us-east-1",
    glueEndpoint: emulator.endpoint,
    schemaVersion: String(schemaVersion),
  });
  let failed = 0;
  const deploy = async (title: string, run: () => Promise<DeploymentReport>, expectOk: boolean) => {
    const report = await run();
    printReport(title, report);
    if (report.ok !== expectOk) failed++;
  };
  try {
    await deploy("pulumi up #1: first deployment, schemaVersion 1", () => engine.up(), true);
    await deploy("pulumi up #2: schema change, schemaVersion 2", () => engine.up({ config: config(2) }), true);
    await deploy("pulumi up #3: nothing changed", () => engine.up(), true);
    emulator.failNextRuns(VIEW, 1, "Spark job failed: column 'region_code' not found in source table sales.orders");
    await deploy("pulumi up #4: schemaVersion 3, and the refresh fails", () => engine.up({ config: config(3) }), false);
    await deploy("pulumi up #5: the same program again, after fixing the source table", () => engine.up(), true);
    await deploy("pulumi refresh", () => engine.refresh(), true);
    printRuns(emulator.runs(VIEW));
    const calls = emulator.requests.reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r.operation]: (acc[r.operation] ?? 0) + 1 }),
      {},
    );
    console.log(
      `\nAWS requests: ${Object.entries(calls)
        .map(([op, n]) => `${op} ${n}`)
        .join(", ")}`,
    );
  } finally {
    await emulator.close();
  }
  if (failed > 0) {
    console.error(`\n${failed} deployment(s) did not end as expected`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * The main job, offline: starts the Glue emulator and runs this repository's Pulumi program
 * (Pulumi.yaml -> examples/quickstart) through the engine harness over several deployments, then
 * examples/chain, where a source table's schema change cascades through a chain of two views,
 * printing what happened like a deployment log.
 *
 *   npm run demo
 *   npm run demo -- --cli    the same deployments of examples/quickstart under the real Pulumi CLI
 */
import * as path from "path";
import { startEmulator, type EmulatedRun } from "pulumi-glue-mv-refresh/emulator";
import { Engine, type DeploymentReport } from "../harness";
import { printReport, printRuns } from "./log";
import { runWithCli } from "./cli";

/** Emulated milliseconds per real millisecond: a five-minute refresh takes half a second. */
const CLOCK_SCALE = 600;
const VIEW = { databaseName: "sales", tableName: "daily_totals_mv" };
const CHAIN = [
  { databaseName: "sales", tableName: "orders_by_region_mv" },
  { databaseName: "sales", tableName: "daily_totals_mv" },
];
const ORDER_COLUMNS = [
  { name: "order_id", type: "bigint" },
  { name: "customer_id", type: "bigint" },
  { name: "price", type: "decimal(12,2)" },
  { name: "day", type: "date" },
];
const CREDENTIALS = { accessKeyId: "AKIAEMULATORDEMO0001", secretAccessKey: "demo-secret-access-key" };

/** The runs in the order they started, with their emulated start and end from the first one's start. */
function printRunOrder(title: string, runs: EmulatedRun[]): void {
  console.log(`\n=== ${title}`);
  const sorted = [...runs].sort((a, b) => a.startTime - b.startTime);
  const at = (ms: number | undefined) => (ms === undefined ? "   -   " : formatMinutes(ms - sorted[0].startTime));
  for (const run of sorted) {
    console.log(
      `  ${`${run.databaseName}.${run.tableName}`.padEnd(26)} ${run.runId}  ${run.status.padEnd(9)} ` +
        `started ${at(run.startTime)}  ended ${at(run.endTime)}`,
    );
  }
}

const formatMinutes = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `+${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
};

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
  const hostEnv = {
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: path.join(__dirname, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(__dirname, "no-aws-credentials"),
    GLUE_MV_REFRESH_CLOCK_SCALE: String(CLOCK_SCALE),
    GLUE_MV_REFRESH_CLOCK_ORIGIN: String(emulator.clockOrigin),
  };
  const root = path.resolve(__dirname, "..", "..");
  if (process.argv.includes("--cli")) {
    try {
      process.exitCode = await runWithCli({ emulator, view: VIEW, hostEnv, root });
    } finally {
      await emulator.close();
    }
    return;
  }
  const engine = new Engine({
    projectDir: root,
    typeCheck: true,
    config: { "aws:region": "us-east-1", glueEndpoint: emulator.endpoint, schemaVersion: "1" },
    hostEnv,
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

    // Part two: sources and a chain of views (examples/chain), in a second stack.
    emulator.addView(CHAIN[0]);
    const chain = new Engine({ projectDir: path.join(root, "examples", "chain"), stack: "chain", hostEnv });
    const chainConfig = (orderColumns: typeof ORDER_COLUMNS) => ({
      "aws:region": "us-east-1",
      glueEndpoint: emulator.endpoint,
      orderColumns: JSON.stringify(orderColumns),
    });
    const chainRuns = () => CHAIN.flatMap((view) => emulator.runs(view)).filter((r) => !before.has(r.runId));
    const before = new Set(emulator.runs().map((r) => r.runId));
    await deploy(
      "examples/chain, pulumi up #1: source tables and a chain of two views",
      () => chain.up({ config: chainConfig(ORDER_COLUMNS) }),
      true,
    );
    const migrated = [...ORDER_COLUMNS, { name: "currency", type: "string" }];
    const firstRuns = new Set(chainRuns().map((r) => r.runId));
    await deploy(
      "examples/chain, pulumi up #2: a migration adds the column currency to sales.orders",
      () => chain.up({ config: chainConfig(migrated) }),
      true,
    );
    printRunOrder(
      "The migration's runs: each view refreshed after the one it reads ended",
      chainRuns().filter((r) => !firstRuns.has(r.runId)),
    );
    await deploy(
      "examples/chain, pulumi up #3: nothing changed",
      () => chain.up({ config: chainConfig(migrated) }),
      true,
    );
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

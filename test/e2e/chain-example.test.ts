/**
 * examples/chain through the engine harness: source tables and a two-level chain of views. A
 * source's schema change cascades through the chain in one deployment, run after run.
 */
import * as path from "path";
import { Engine, type DeploymentReport } from "../../harness";
import type { EmulatedRun, GlueEmulator } from "../../src/emulator";
import { emulatorFor, hostEnv } from "../support/e2e";

jest.setTimeout(120_000);

const BRONZE = { databaseName: "sales", tableName: "orders_by_region_mv" };
const SILVER = { databaseName: "sales", tableName: "daily_totals_mv" };
const ORDER_COLUMNS = [
  { name: "order_id", type: "bigint" },
  { name: "customer_id", type: "bigint" },
  { name: "price", type: "decimal(12,2)" },
  { name: "day", type: "date" },
];
let emulator: GlueEmulator;
let engine: Engine;

beforeEach(async () => {
  emulator = await emulatorFor([BRONZE, SILVER]);
  engine = new Engine({
    projectDir: path.join(__dirname, "..", "..", "examples", "chain"),
    hostEnv: hostEnv(emulator),
  });
});
afterEach(() => emulator.close());

const config = (orderColumns = ORDER_COLUMNS) => ({
  "aws:region": "us-east-1",
  glueEndpoint: emulator.endpoint,
  orderColumns: JSON.stringify(orderColumns),
});
const ops = (report: DeploymentReport) => Object.fromEntries(report.steps.map((s) => [s.name, s.op]));
const ranAfter = (later: EmulatedRun, earlier: EmulatedRun) => later.startTime >= earlier.endTime!;

it("refreshes the chain in order on create and after a migration of a source table, and not otherwise", async () => {
  const first = await engine.up({ config: config() });
  expect(first.ok).toBe(true);
  expect(ops(first)).toMatchObject({ orders: "create", "orders-by-region": "create", "daily-totals": "create" });
  expect(ranAfter(emulator.runs(SILVER)[0], emulator.runs(BRONZE)[0])).toBe(true);
  expect(first.outputs).toEqual({
    ordersByRegionRunId: emulator.runs(BRONZE)[0].runId,
    dailyTotalsRunId: emulator.runs(SILVER)[0].runId,
  });

  const migrated = await engine.up({ config: config([...ORDER_COLUMNS, { name: "currency", type: "string" }]) });
  expect(migrated.ok).toBe(true);
  expect(ops(migrated)).toMatchObject({
    orders: "update",
    customers: "same",
    "orders-by-region": "update",
    "daily-totals": "update",
  });
  const [bronze, silver] = [emulator.runs(BRONZE), emulator.runs(SILVER)];
  expect([bronze.length, silver.length]).toEqual([2, 2]);
  expect(ranAfter(silver[1], bronze[1])).toBe(true);

  const same = await engine.up({ config: config([...ORDER_COLUMNS, { name: "currency", type: "string" }]) });
  expect(same.steps.every((s) => s.op === "same")).toBe(true);
  expect([emulator.runs(BRONZE).length, emulator.runs(SILVER).length]).toEqual([2, 2]);
});

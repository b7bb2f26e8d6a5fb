/**
 * examples/glue-table through the engine harness: @pulumi/aws resources mocked, the refresh
 * through the provider host against the emulator. A schema change in the same deployment updates
 * the table and refreshes the view; Glue's own parameter churn does not.
 */
import * as path from "path";
import { Engine } from "../../harness";
import type { GlueEmulator } from "../../src/emulator";
import { emulatorFor, hostEnv } from "../support/e2e";

jest.setTimeout(120_000);

const VIEW = { databaseName: "sales", tableName: "daily_totals_mv" };
const COLUMNS = [
  { name: "day", type: "date" },
  { name: "total", type: "decimal(12,2)" },
];
let emulator: GlueEmulator;
let engine: Engine;

beforeEach(async () => {
  emulator = await emulatorFor([VIEW]);
  engine = new Engine({
    projectDir: path.join(__dirname, "..", "..", "examples", "glue-table"),
    hostEnv: hostEnv(emulator),
  });
});
afterEach(() => emulator.close());

const config = (extra: Record<string, string> = {}) => ({
  "aws:region": "us-east-1",
  glueEndpoint: emulator.endpoint,
  ...extra,
});
const ops = (report: { steps: { name: string; op: string }[] }) =>
  Object.fromEntries(report.steps.map((s) => [s.name, s.op]));

it("refreshes the view on create and after each schema change, not after Glue's own parameter changes", async () => {
  const first = await engine.up({ config: config() });
  expect(first.ok).toBe(true);
  expect(ops(first)).toEqual({
    sales: "create",
    "daily-totals": "create",
    "daily-totals-refresh": "create",
    "mv-refresh": "create",
  });
  const refreshStep = first.steps.find((s) => s.name === "daily-totals-refresh")!;
  expect(refreshStep.outputs).toMatchObject({
    databaseName: "sales",
    tableName: "daily_totals_mv",
    status: "SUCCEEDED",
  });
  expect(refreshStep.outputs?.triggers).toEqual({ viewDefinitionSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(emulator.runs(VIEW)).toHaveLength(1);
  // The program's exports, as `pulumi up` prints them under Outputs.
  expect(first.outputs).toMatchObject({ refreshRunId: emulator.runs(VIEW)[0].runId });

  const same = await engine.up({ config: config() });
  expect(same.steps.every((s) => s.op === "same")).toBe(true);
  expect(emulator.runs(VIEW)).toHaveLength(1);

  const schemaChange = await engine.up({
    config: config({ columns: JSON.stringify([...COLUMNS, { name: "orders", type: "bigint" }]) }),
  });
  expect(schemaChange.ok).toBe(true);
  expect(ops(schemaChange)).toMatchObject({ "daily-totals": "update", "daily-totals-refresh": "update" });
  expect(emulator.runs(VIEW)).toHaveLength(2);

  const churn = await engine.up({
    config: config({
      columns: JSON.stringify([...COLUMNS, { name: "orders", type: "bigint" }]),
      parameters: JSON.stringify({ metadata_location: "s3://warehouse/sales/daily_totals_mv/metadata/00002.json" }),
    }),
  });
  expect(ops(churn)).toMatchObject({ "daily-totals": "update", "daily-totals-refresh": "same" });
  expect(emulator.runs(VIEW)).toHaveLength(2);
});

it("declares the pipeline's IAM policy from refreshPolicy()", async () => {
  const report = await engine.up({ config: config() });
  const policy = report.steps.find((s) => s.name === "mv-refresh")?.outputs?.policy;
  expect(policy).toMatchObject({
    Statement: [
      {
        Action: expect.arrayContaining([
          "glue:StartMaterializedViewRefreshTaskRun",
          "glue:ListMaterializedViewRefreshTaskRuns",
        ]),
      },
      { Action: ["sts:GetCallerIdentity"] },
    ],
  });
});

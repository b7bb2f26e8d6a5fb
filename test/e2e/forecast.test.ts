/**
 * The dynamic provider's forecasts through the engine harness (a TypeScript program, Pulumi's own
 * provider host) against the emulator: with a budget set, check (a create) and diff (an update) say
 * each refresh's forecast, and a budget below it fails the preview and the deployment before any
 * Start; above it, the deployment goes through. Without a budget, a preview lists nothing.
 */
import type { GlueEmulator } from "../../src/emulator";
import { E2eStack, emulatorFor, startsAnswered } from "../support/e2e";

jest.setTimeout(120_000);

const DAILY = { databaseName: "sales", tableName: "daily_mv" };
const WEEKLY = { databaseName: "sales", tableName: "weekly_mv" };
const TEN_MINUTES = 10 * 60_000;

let emulator: GlueEmulator;
let stack: E2eStack;

beforeAll(async () => {
  emulator = await emulatorFor([DAILY, WEEKLY], { runDurationMs: TEN_MINUTES });
  for (const view of [DAILY, WEEKLY])
    for (const factor of [2, 0.97, 1.02, 1.01]) {
      emulator.startRunOutOfBand(view, { durationMs: TEN_MINUTES * factor });
      emulator.advanceTime(TEN_MINUTES * factor + 1000);
    }
  stack = new E2eStack(emulator);
});
afterAll(() => emulator.close());

const declare = (schema: number) => [
  { name: "daily", args: stack.args({ ...DAILY, triggers: { schema } }) },
  { name: "weekly", args: stack.args({ ...WEEKLY, triggers: { schema } }) },
];
const budget = (maxCostUsd: string) => ({ "aws:region": "us-east-1", "glue-mv-refresh:maxCostUsd": maxCostUsd });
const lines = (report: { hostOutput: readonly { text: string }[] }) =>
  report.hostOutput.map((l) => l.text).filter((t) => t.includes("would refresh"));
const glueCalls = () =>
  emulator.requests.filter((r) => r.operation.includes("MaterializedView")).map((r) => r.operation);

it("lists nothing in a preview without a budget", async () => {
  emulator.resetRequests();
  const report = await stack.preview(declare(1));
  expect(report.ok).toBe(true);
  expect(glueCalls()).toEqual([]);
  expect(lines(report)).toEqual([]);
});

it("says each new view's forecast in preview, and fails preview and up over the budget before any Start", async () => {
  const preview = await stack.preview(declare(1), budget("0.5"));
  expect(preview.ok).toBe(false);
  expect(lines(preview)[0]).toMatch(
    /^(daily|weekly) \(sales\.\w+\): would refresh \(a new view\): INCREMENTAL refresh expected to take 10m 06s \(p90 10m 12s\), 1\.6\d DPU-hours, \$0\.7\d .*based on its last 3 INCREMENTAL runs$/,
  );
  const failed = preview.steps.find((s) => !s.ok);
  expect(failed?.error).toMatch(/over budget: expected cost \$\d\.\d\d exceeds glue-mv-refresh:maxCostUsd \$0\.50/);
  const up = await stack.up(declare(1), budget("0.5"));
  expect(up.ok).toBe(false);
  expect(startsAnswered(emulator)).toBe(0);
});

it("deploys within the budget, and says an update's forecast in diff", async () => {
  const up = await stack.up(declare(1), budget("10"));
  expect(up.ok).toBe(true);
  expect(startsAnswered(emulator)).toBe(2);
  const preview = await stack.preview(declare(2), budget("10"));
  expect(preview.ok).toBe(true);
  expect(lines(preview)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^daily \(sales\.daily_mv\): would refresh \(triggers changed\): INCREMENTAL/),
    ]),
  );
});

/**
 * The plan's forecasts for the TypeScript dynamic provider's refreshes, which the engine does not
 * preview: the provider's own preview, configured with the stack's config, against the emulator.
 * Each refresh that would start gets the figures the plugin's previewed outputs would carry; a step
 * that starts none, or is not the dynamic provider's, is left as it was and lists nothing.
 */
import type { GlueEmulator } from "../../src/emulator";
import { UNKNOWN } from "../../src/model/inputs";
import { withDynamicForecasts } from "../../src/plan/dynamic-forecasts";
import {
  DYNAMIC_GROUP_TOKEN,
  DYNAMIC_REFRESH_TOKEN,
  REFRESH_TOKEN,
  stepsFromPreview,
  type PreviewJson,
} from "../../src/plan/steps";
import { CREDENTIALS, emulatorFor } from "../support/e2e";

const MINUTE = 60_000;
const DAILY = { databaseName: "sales", tableName: "daily_mv" };
const WEEKLY = { databaseName: "sales", tableName: "weekly_mv" };
const EAST = { databaseName: "sales", tableName: "east_mv" };
const WEST = { databaseName: "sales", tableName: "west_mv" };

let emulator: GlueEmulator;
let config: Record<string, string>;

beforeAll(async () => {
  emulator = await emulatorFor([DAILY, WEEKLY, EAST, WEST]);
  // Each view's history: a first (FULL) run, then INCREMENTAL ones of its minutes, give or take.
  for (const [view, minutes] of [
    [DAILY, 20],
    [WEEKLY, 10],
    [EAST, 15],
    [WEST, 12],
  ] as const)
    for (const factor of [3, 0.98, 1.02, 1]) {
      emulator.startRunOutOfBand(view, { durationMs: minutes * MINUTE * factor });
      emulator.advanceTime(minutes * MINUTE * factor + 1000);
    }
  config = {
    "aws:region": "us-east-1",
    "aws:accessKey": CREDENTIALS.accessKeyId,
    "aws:secretKey": CREDENTIALS.secretAccessKey,
  };
});
afterAll(() => emulator?.close());
beforeEach(() => emulator.resetRequests());

const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;
const args = (view: object, extra: object = {}) => ({ ...view, endpoint: emulator.endpoint, ...extra });
const step = (op: string, type: string, name: string, inputs: object, olds?: Record<string, unknown>) => ({
  op,
  urn: urn(type, name),
  newState: { type, inputs: { resourceName: name, ...inputs }, outputs: {} },
  ...(olds ? { oldState: { outputs: olds } } : {}),
});
const operations = () => emulator.requests.map((r) => r.operation);
const outputsOf = (preview: PreviewJson, name: string) =>
  preview.steps?.find((s) => s.urn.endsWith(`::${name}`))?.newState?.outputs;

it("forecasts a new view and a group's new members from their runs, one List per view and per database", async () => {
  const preview = await withDynamicForecasts(
    {
      steps: [
        step("create", DYNAMIC_REFRESH_TOKEN, "daily", args(DAILY)),
        step("create", DYNAMIC_GROUP_TOKEN, "regional", {
          views: { east: args(EAST), west: args(WEST) },
          maxConcurrent: 2,
        }),
      ],
    },
    config,
  );
  expect(outputsOf(preview, "daily")?.forecast).toMatchObject({
    refreshType: "INCREMENTAL",
    basis: "own",
    basedOnRuns: 3,
    durationSeconds: 20 * 60,
  });
  const group = outputsOf(preview, "regional")?.forecast as Record<string, { durationSeconds: number }>;
  expect([group.east.durationSeconds, group.west.durationSeconds]).toEqual([15 * 60, 12 * 60]);
  // The account of views whose inputs name no catalog, then the lists; nothing started.
  expect(operations().filter((op) => op !== "GetCallerIdentity")).toEqual([
    "ListMaterializedViewRefreshTaskRuns",
    "ListMaterializedViewRefreshTaskRuns",
  ]);
  // The plan then has the figures, and the group's members' order.
  const planned = stepsFromPreview(preview);
  expect(planned.map((s) => (s.kind === "view" ? s.refresh.forecast?.durationSeconds : s.members.length))).toEqual([
    20 * 60,
    2,
  ]);
});

it("forecasts an update that starts a run by the provider's rules, and none that changes settings alone", async () => {
  const recorded = (view: object, schemaVersion: number) => ({
    ...view,
    catalogId: emulator.accountId,
    region: "us-east-1",
    endpoint: emulator.endpoint,
    triggers: { schemaVersion },
    runId: "run-1",
    status: "SUCCEEDED",
  });
  const preview = await withDynamicForecasts(
    {
      steps: [
        // A trigger changed: a new run, forecast.
        step("update", DYNAMIC_REFRESH_TOKEN, "weekly", args(WEEKLY, { triggers: { schemaVersion: 2 } }), {
          ...recorded(WEEKLY, 1),
          resourceName: "weekly",
        }),
        // Only the timeout changed: no run, no forecast, no List.
        step(
          "update",
          DYNAMIC_REFRESH_TOKEN,
          "daily",
          args(DAILY, { triggers: { schemaVersion: 1 }, timeoutMinutes: 90 }),
          {
            ...recorded(DAILY, 1),
            resourceName: "daily",
          },
        ),
      ],
    },
    config,
  );
  expect(outputsOf(preview, "weekly")?.forecast).toMatchObject({ durationSeconds: 10 * 60, basedOnRuns: 3 });
  expect(outputsOf(preview, "daily")).toEqual({});
  expect(operations().filter((op) => op !== "GetCallerIdentity")).toEqual(["ListMaterializedViewRefreshTaskRuns"]);
});

it("leaves the plugin's steps and a view not known yet as they were, calling nothing", async () => {
  const plugin = step("create", REFRESH_TOKEN, "plugin", args(DAILY));
  const unknown = step("create", DYNAMIC_REFRESH_TOKEN, "later", args({ databaseName: "sales", tableName: UNKNOWN }));
  const preview = await withDynamicForecasts({ steps: [plugin, unknown] }, config);
  expect(preview.steps).toEqual([plugin, unknown]);
  expect(operations().filter((op) => op !== "GetCallerIdentity")).toEqual([]);
});

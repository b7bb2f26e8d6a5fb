import {
  DYNAMIC_GROUP_TOKEN,
  DYNAMIC_REFRESH_TOKEN,
  GROUP_TOKEN,
  REFRESH_TOKEN,
  stepsFromPreview,
} from "../../src/plan/steps";
import { parseArgs } from "../../src/plan/cli";

const forecast = { refreshType: "FULL", basis: "own", basedOnRuns: 2, durationSeconds: 60, dpuHourPriceUsd: 0.44 };
const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;
const step = (
  op: string,
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown>,
  extra: object = {},
) => ({
  op,
  urn: urn(type, name),
  newState: { type, inputs, outputs, ...extra },
});

it("reads the refreshes a preview would start, the views they wait for, and groups' members", () => {
  const steps = stepsFromPreview({
    steps: [
      step("create", REFRESH_TOKEN, "orders", { databaseName: "sales", tableName: "orders_mv" }, { forecast }),
      {
        ...step(
          "update",
          REFRESH_TOKEN,
          "daily",
          { databaseName: "sales", tableName: "daily_mv" },
          { forecast },
          {
            dependencies: [
              urn(REFRESH_TOKEN, "orders"),
              "urn:pulumi:dev::p::pulumi:providers:glue-mv-refresh::default",
            ],
          },
        ),
        diffReasons: ["triggers", "upstreams"],
      },
      step("update", REFRESH_TOKEN, "quiet", { databaseName: "sales", tableName: "q" }, {}),
      step("same", REFRESH_TOKEN, "same", { databaseName: "sales", tableName: "s" }, { forecast }),
      step(
        "create",
        GROUP_TOKEN,
        "nightly",
        {
          maxConcurrent: 2,
          views: { a: { databaseName: "sales", tableName: "a" }, b: { databaseName: "sales", tableName: "b" } },
        },
        { forecast: { a: forecast } },
        { dependencies: [urn(REFRESH_TOKEN, "daily")] },
      ),
    ],
  });
  expect(steps).toEqual([
    { kind: "view", refresh: { name: "orders", view: "sales.orders_mv", why: "a new view", forecast, after: [] } },
    {
      kind: "view",
      refresh: {
        name: "daily",
        view: "sales.daily_mv",
        why: "triggers, upstreams changed",
        forecast,
        after: ["sales.orders_mv"],
      },
    },
    {
      kind: "group",
      name: "nightly",
      maxConcurrent: 2,
      members: [{ name: "a", view: "sales.a", why: "a new view", forecast, after: ["sales.daily_mv"] }],
    },
  ]);
});

it("puts the dynamic provider's creates and the updates that start a run in the plan without figures, by its diff's rules", () => {
  // As the engine reports a dynamic provider's update: no diffReasons; the recorded outputs in oldState.
  const view = (name: string) => ({ databaseName: "sales", tableName: `${name}_mv`, resourceName: name });
  const recorded = (name: string, extra: object = {}) => ({
    ...view(name),
    catalogId: "111111111111",
    region: "us-east-1",
    triggers: { schemaVersion: 1 },
    runId: `run-${name}`,
    status: "SUCCEEDED",
    ...extra,
  });
  const update = (name: string, inputs: object, old: object, extra: object = {}) => ({
    ...step("update", DYNAMIC_REFRESH_TOKEN, name, { ...view(name), ...inputs }, {}, extra),
    oldState: { outputs: old },
  });
  const members = {
    east: { databaseName: "sales", tableName: "east_mv", triggers: { schemaVersion: 2 } },
    west: { databaseName: "sales", tableName: "west_mv", triggers: { schemaVersion: 2 } },
  };
  const memberRecord = (table: string, schemaVersion: number) => ({
    databaseName: "sales",
    tableName: table,
    catalogId: "111111111111",
    region: "us-east-1",
    triggers: { schemaVersion },
    status: "SUCCEEDED",
  });
  expect(
    stepsFromPreview({
      steps: [
        step("create", DYNAMIC_REFRESH_TOKEN, "a", view("a"), {}),
        update("b", { triggers: { schemaVersion: 2 } }, recorded("b")),
        update("c", { triggers: { schemaVersion: 1 }, timeoutMinutes: 90 }, recorded("c")),
        update("d", { triggers: { schemaVersion: 1 } }, recorded("d", { status: "FAILED" }), {
          dependencies: [urn(DYNAMIC_REFRESH_TOKEN, "c"), urn(DYNAMIC_REFRESH_TOKEN, "b")],
        }),
        {
          ...step("update", DYNAMIC_GROUP_TOKEN, "regional", { resourceName: "regional", views: members }, {}),
          oldState: { outputs: { runs: { east: memberRecord("east_mv", 1), west: memberRecord("west_mv", 2) } } },
        },
      ],
    }),
  ).toEqual([
    { kind: "view", refresh: { name: "a", view: "sales.a_mv", why: "a new view", after: [] } },
    { kind: "view", refresh: { name: "b", view: "sales.b_mv", why: "triggers changed", after: [] } },
    {
      kind: "view",
      refresh: { name: "d", view: "sales.d_mv", why: "the last refresh run run-d ended FAILED", after: ["sales.b_mv"] },
    },
    {
      kind: "group",
      name: "regional",
      members: [{ name: "east", view: "sales.east_mv", why: "triggers changed", after: [] }],
    },
  ]);
});

it("parses the command line, naming what it does not know", () => {
  expect(parseArgs(["plan", "--json", "--stack", "prod", "--cwd", "dir"])).toEqual({
    stack: "prod",
    cwd: "dir",
    format: "json",
  });
  expect(parseArgs(["plan", "--markdown"])).toMatchObject({ format: "markdown" });
  expect(parseArgs(["plna"])).toEqual({ error: 'unknown command "plna"; the command is plan' });
  expect(parseArgs(["plan", "--stack"])).toEqual({ error: 'unknown or incomplete option "--stack"' });
});

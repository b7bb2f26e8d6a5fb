import type { EngineEvent } from "@pulumi/pulumi/automation";
import { GROUP_TOKEN, REFRESH_TOKEN, stepsFromEvents } from "../../src/plan/steps";
import { parseArgs } from "../../src/plan/cli";

const forecast = { refreshType: "FULL", basis: "own", basedOnRuns: 2, durationSeconds: 60, dpuHourPriceUsd: 0.44 };
const event = (op: string, type: string, name: string, inputs: object, outputs: object, diffs?: string[]) =>
  ({
    sequence: 1,
    timestamp: 0,
    resOutputsEvent: {
      metadata: {
        op,
        type,
        urn: `urn:pulumi:dev::p::${type}::${name}`,
        provider: "",
        ...(diffs ? { diffs } : {}),
        new: { type, urn: "", id: "", parent: "", provider: "", inputs, outputs },
      },
    },
  }) as unknown as EngineEvent;

it("reads the refreshes a preview would start, their upstreams from their triggers, and groups' members", () => {
  const steps = stepsFromEvents([
    event("create", REFRESH_TOKEN, "orders", { databaseName: "sales", tableName: "orders_mv" }, { forecast }),
    event(
      "update",
      REFRESH_TOKEN,
      "daily",
      { databaseName: "sales", tableName: "daily_mv", triggers: { "source:sales.orders_mv": "x" } },
      { forecast },
      ["triggers"],
    ),
    event("update", REFRESH_TOKEN, "quiet", { databaseName: "sales", tableName: "q" }, {}, ["quiet"]),
    event("same", REFRESH_TOKEN, "same", { databaseName: "sales", tableName: "s" }, {}),
    event(
      "create",
      GROUP_TOKEN,
      "nightly",
      {
        maxConcurrent: 2,
        views: { a: { databaseName: "sales", tableName: "a" }, b: { databaseName: "sales", tableName: "b" } },
      },
      { forecast: { a: forecast } },
    ),
  ]);
  expect(steps).toEqual([
    { kind: "view", refresh: { name: "orders", view: "sales.orders_mv", why: "a new view", forecast, after: [] } },
    {
      kind: "view",
      refresh: { name: "daily", view: "sales.daily_mv", why: "triggers changed", forecast, after: ["sales.orders_mv"] },
    },
    {
      kind: "group",
      name: "nightly",
      maxConcurrent: 2,
      members: [{ name: "a", view: "sales.a", why: "a new view", forecast, after: [] }],
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

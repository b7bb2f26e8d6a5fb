/**
 * The dynamic provider's forecasts: the engine calls no Create or Update of a dynamic provider in a
 * preview, so its check (a create) and diff (an update) say the forecast and hold it to the budget,
 * when a budget is set; without one they call nothing more than before.
 */
import { StartMaterializedViewRefreshTaskRunCommand } from "@aws-sdk/client-glue";
import { Forecaster } from "../../src/deploy/forecasting";
import type { RefreshInputs } from "../../src/model/inputs";
import { FakeClock } from "../support/fake-clock";
import { state } from "../support/fixtures";
import { glueMock, StubGlue } from "../support/glue-stub";

const inputs: RefreshInputs = { resourceName: "daily", databaseName: "sales", tableName: "daily_mv" };
const BUDGET = { "aws:region": "us-east-1", "glue-mv-refresh:maxCostUsd": "0.01" };

/** A stub whose view has two finished INCREMENTAL runs of 120.5 DPU-seconds ($0.0147 each). */
function withHistory(): StubGlue {
  const glue = new StubGlue({ durationMs: 4 * 60_000 });
  glue.addRun(4 * 60_000);
  glue.clock.time += 5 * 60_000;
  glue.addRun(4 * 60_000);
  glue.clock.time += 5 * 60_000;
  return glue;
}

it("diff says an update's forecast and fails it over the budget, before any Start", async () => {
  const glue = withHistory();
  const lifecycle = await glue.lifecycle(BUDGET);
  const error = await lifecycle.diff("id", state({ triggers: { v: 1 } }), { ...inputs, triggers: { v: 2 } }).then(
    () => "no error",
    (e: Error) => e.message,
  );
  expect(glue.lines).toEqual([
    expect.stringMatching(
      /^daily \(sales\.daily_mv\): would refresh \(triggers changed\): INCREMENTAL refresh expected to take 4m 00s .*based on its last 2 INCREMENTAL runs$/,
    ),
  ]);
  expect(error).toMatch(
    /^MaterializedViewRefresh "daily".*over budget: expected cost \$0\.015 exceeds glue-mv-refresh:maxCostUsd \$0\.01: daily \(sales\.daily_mv\)/,
  );
  expect(glueMock.commandCalls(StartMaterializedViewRefreshTaskRunCommand)).toHaveLength(0);
});

it("check says a new view's forecast within the budget; without a budget neither calls Glue", async () => {
  const glue = withHistory();
  const budgeted = await glue.lifecycle({ ...BUDGET, "glue-mv-refresh:maxCostUsd": "1" });
  await budgeted.check({} as RefreshInputs, inputs);
  expect(glue.lines).toEqual([expect.stringContaining("would refresh (a new view): INCREMENTAL refresh")]);
  expect(glue.calls()).toEqual(["ListMaterializedViewRefreshTaskRuns"]);

  glueMock.resetHistory();
  glue.lines.length = 0;
  const plain = await glue.lifecycle();
  await plain.check({} as RefreshInputs, inputs);
  await plain.diff("id", state({ triggers: { v: 1 } }), { ...inputs, triggers: { v: 2 } });
  expect(glue.calls()).toEqual([]);
  expect(glue.lines).toEqual([]);
});

it("refuses a budget that is not a positive number, naming the key, the value and the rule", async () => {
  const lifecycle = await new StubGlue().lifecycle({
    "aws:region": "us-east-1",
    "glue-mv-refresh:maxDpuHours": "lots",
  });
  await expect(lifecycle.check({} as RefreshInputs, inputs)).rejects.toThrow(
    'the stack config cannot be used: glue-mv-refresh:maxDpuHours must be a positive number; got "lots". Nothing was called in AWS',
  );
});

it("lists a database once for all the views that ask within a minute, and again after", async () => {
  const clock = new FakeClock();
  const list = jest.fn(async () => ({ runs: [] }));
  const forecaster = new Forecaster(clock, list);
  const target = { region: "us-east-1" };
  const s = (tableName: string) => ({
    ...state(),
    tableName,
    resourceName: tableName,
    fullRefresh: false,
    triggers: {},
  });
  await forecaster.forMember(s("a") as never, target, undefined);
  await forecaster.forView(s("b") as never, target, undefined);
  expect(list.mock.calls.map((c) => (c as unknown[])[1])).toEqual([
    { catalogId: state().catalogId, databaseName: "sales" },
    { catalogId: state().catalogId, databaseName: "sales", tableName: "b" },
  ]);
  clock.time += 61_000;
  await forecaster.forMember(s("a") as never, target, undefined);
  expect(list).toHaveBeenCalledTimes(3);
});

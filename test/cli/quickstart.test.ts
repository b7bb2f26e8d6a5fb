/**
 * examples/quickstart under the real Pulumi CLI against the emulator, beside the same program
 * through the engine harness: create, a no-op, a trigger change, preview, a failed refresh and its
 * retry, `refresh` and `destroy`. The engines must agree step for step.
 */
import * as path from "path";
import { Engine, type DeploymentReport } from "../../harness";
import type { GlueEmulator } from "../../src/emulator";
import { ROOT } from "../../tools/pulumi-cli";
import { CliStack, type CliRun } from "../support/cli";
import { emulatorFor, hostEnv } from "../support/e2e";
import { cliSteps, harnessSteps } from "../support/twins";

jest.setTimeout(300_000);

const QUICKSTART = path.join(ROOT, "examples", "quickstart");
const VIEW = { databaseName: "sales", tableName: "daily_totals_mv" };
const TYPE = "pulumi-nodejs:dynamic/glue:MaterializedViewRefresh";

let cliEmulator: GlueEmulator;
let harnessEmulator: GlueEmulator;
let cli: CliStack;
let harness: Engine;

const configFor = (emulator: GlueEmulator, extra: Record<string, string> = {}) => ({
  "aws:region": "us-east-1",
  glueEndpoint: emulator.endpoint,
  ...extra,
});

beforeAll(async () => {
  [cliEmulator, harnessEmulator] = await Promise.all([emulatorFor([VIEW]), emulatorFor([VIEW])]);
  cli = await CliStack.create({ programDir: QUICKSTART, emulator: cliEmulator });
  harness = new Engine({ projectDir: QUICKSTART, hostEnv: hostEnv(harnessEmulator) });
});
afterAll(async () => {
  cli?.close();
  await Promise.all([cliEmulator?.close(), harnessEmulator?.close()]);
});

/** `pulumi up` under both engines with the same config. */
async function upBoth(extra: Record<string, string> = {}): Promise<{ cli: CliRun; harness: DeploymentReport }> {
  await cli.configure(configFor(cliEmulator, extra));
  const [cliRun, report] = await Promise.all([cli.up(), harness.up({ config: configFor(harnessEmulator, extra) })]);
  expect(cliSteps(cliRun.steps)).toEqual(harnessSteps(report));
  return { cli: cliRun, harness: report };
}

const statuses = (emulator: GlueEmulator) => emulator.runs(VIEW).map((r) => r.status);

describe("examples/quickstart under the real CLI", () => {
  it("fails a first preview whose aws:allowedAccountIds, set with `config set --path`, excludes the account", async () => {
    await cli.configure(configFor(cliEmulator));
    const set = await cli.run(["config", "set", "--path", "aws:allowedAccountIds[0]", "999999999999"]);
    expect(set.code).toBe(0);
    const refusal = "the stack config aws:allowedAccountIds does not list it (allowed: 999999999999)";
    const { run } = await cli.preview();
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain(`refusing to call AWS Glue as account ${cliEmulator.accountId}`);
    expect(run.stdout + run.stderr).toContain(refusal);
    // The harness's preview refuses alike, with the value as the CLI stores it: a number.
    const previewed = await harness.preview({
      config: configFor(harnessEmulator, { "aws:allowedAccountIds": "[999999999999]" }),
    });
    expect(previewed.ok).toBe(false);
    expect(previewed.steps.map((s) => s.error).join("\n")).toContain(refusal);
    expect(cliEmulator.runs(VIEW)).toEqual([]);
    expect(harnessEmulator.runs(VIEW)).toEqual([]);
    expect((await cli.run(["config", "rm", "aws:allowedAccountIds"])).code).toBe(0);
  });

  it("creates with exactly one run and exports its id", async () => {
    const first = await upBoth();
    expect(first.cli.code).toBe(0);
    expect(cliSteps(first.cli.steps)).toEqual([["daily-sales", "create", true]]);
    const [run] = cliEmulator.runs(VIEW);
    expect(statuses(cliEmulator)).toEqual(["SUCCEEDED"]);
    expect(statuses(harnessEmulator)).toEqual(["SUCCEEDED"]);
    expect(await cli.outputs()).toMatchObject({ refreshRunId: run.runId, refreshStatus: "SUCCEEDED" });
    expect(first.cli.messages).toContain(`daily-sales (sales.daily_totals_mv): started refresh run ${run.runId}`);
  });

  it("changes nothing when nothing changed: `preview --expect-no-changes` passes and `up` starts no run", async () => {
    const { run, plan } = await cli.preview("--expect-no-changes");
    expect(run.code).toBe(0);
    expect(plan?.changeSummary).toEqual({ same: 2 });
    const again = await upBoth();
    expect(cliSteps(again.cli.steps)).toEqual([["daily-sales", "same", true]]);
    expect(cliEmulator.runs(VIEW)).toHaveLength(1);
    expect(harnessEmulator.runs(VIEW)).toHaveLength(1);
  });

  it("previews a trigger change as an update of `triggers`, then refreshes exactly once", async () => {
    await cli.configure(configFor(cliEmulator, { schemaVersion: "2" }));
    const { plan } = await cli.preview();
    expect(plan?.steps.find((s) => s.urn.includes(TYPE))?.op).toBe("update");
    // What a user reads: the resource to update, and the trigger that changed.
    const shown = await cli.run(["preview", "--diff", "--non-interactive"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      /~ pulumi-nodejs:dynamic\/glue:MaterializedViewRefresh: \(update\)[^]*\[urn=[^\]]*::daily-sales\]/,
    );
    expect(shown.stdout).toMatch(/~ triggers\s*: \{\s*~ schemaVersion: 1 => 2/);
    // A no-op expectation now fails: the deployment would refresh the view.
    expect((await cli.preview("--expect-no-changes")).run.code).not.toBe(0);
    expect(cliEmulator.runs(VIEW)).toHaveLength(1);

    const changed = await upBoth({ schemaVersion: "2" });
    expect(cliSteps(changed.cli.steps)).toEqual([["daily-sales", "update", true]]);
    expect(statuses(cliEmulator)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(statuses(harnessEmulator)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect((await cli.outputs()).refreshRunId).toBe(cliEmulator.runs(VIEW)[1].runId);
  });

  it("fails `pulumi up` on a failed refresh with the one-line message, keeps the run, and retries it once next time", async () => {
    for (const emulator of [cliEmulator, harnessEmulator]) emulator.failNextRuns(VIEW, 1, "Spark ran out of memory");
    const failed = await upBoth({ schemaVersion: "3" });
    expect(failed.cli.code).not.toBe(0);
    const failedRun = cliEmulator.runs(VIEW)[2];
    expect(failedRun.status).toBe("FAILED");
    const message = `MaterializedViewRefresh "daily-sales" (sales.daily_totals_mv): refresh run ${failedRun.runId} ended FAILED: Spark ran out of memory`;
    expect(failed.cli.steps[0].error).toContain(message);
    expect(failed.harness.steps[0].error).toContain(
      message.replace(failedRun.runId, harnessEmulator.runs(VIEW)[2].runId),
    );
    // The engine kept the run: partial state with the run id and an init error.
    const kept = await cli.resource("daily-sales");
    expect(kept?.outputs).toMatchObject({ runId: failedRun.runId, status: "FAILED" });
    expect(kept?.initErrors?.length).toBeGreaterThan(0);

    const retried = await upBoth({ schemaVersion: "3" });
    expect(retried.cli.code).toBe(0);
    expect(cliSteps(retried.cli.steps)).toEqual([["daily-sales", "update", true]]);
    expect(statuses(cliEmulator)).toEqual(["SUCCEEDED", "SUCCEEDED", "FAILED", "SUCCEEDED"]);
    expect(statuses(harnessEmulator)).toEqual(statuses(cliEmulator));
    expect((await cli.outputs()).refreshRunId).toBe(cliEmulator.runs(VIEW)[3].runId);
  });

  it("`pulumi refresh` reads the run back and starts none; `destroy` starts none and empties the stack", async () => {
    const [refreshed, harnessRefreshed] = await Promise.all([cli.refresh(), harness.refresh()]);
    expect(refreshed.code).toBe(0);
    expect(cliSteps(refreshed.steps)).toEqual(harnessSteps(harnessRefreshed));
    expect(cliSteps(refreshed.steps)).toEqual([["daily-sales", "refresh:same", true]]);
    expect(cliEmulator.runs(VIEW)).toHaveLength(4);

    const [destroyed, harnessDestroyed] = await Promise.all([cli.destroy(), harness.destroy()]);
    expect(destroyed.code).toBe(0);
    expect(cliSteps(destroyed.steps)).toEqual(harnessSteps(harnessDestroyed));
    expect(cliSteps(destroyed.steps)).toEqual([["daily-sales", "delete", true]]);
    expect(cliEmulator.runs(VIEW)).toHaveLength(4);
    expect((await cli.state()).resources ?? []).toEqual([]);
  });
});

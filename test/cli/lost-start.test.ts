/**
 * Issue 24 under the real Pulumi CLI, with a plain `pulumi up --yes` (preview first, as users run
 * it): every Start answer lost after the run started, runs of 0.2 s and 0.4 s ending FAILED or
 * SUCCEEDED before the next attempt, reads 0.5 to 10 s behind writes. Through the dynamic provider
 * (the e2e TypeScript program) and through the provider plugin (a YAML program), four views as
 * resources and four as a group's members: exactly one run per view, recorded in the state.
 */
import * as path from "path";
import type { GlueEmulator } from "../../src/emulator";
import { CliStack, configurePlugin, type CliRun } from "../support/cli";
import { E2E_PROGRAM, emulatorFor } from "../support/e2e";
import {
  LOST_START_LAGS_MS,
  lostStartEmulator,
  lostStartViews,
  viewRef,
  type LostStartView,
} from "../support/lost-start";

jest.setTimeout(600_000);

// A slow clock (5x), so that the lag is long against a request's real time, as against AWS.
const SCALE = 5;
const { resources, members } = lostStartViews();
const all = [...resources, ...members];

/** Declares the views in the e2e program's stack config, as the harness's E2eStack does. */
async function declareTypeScript(stack: CliStack, emulator: GlueEmulator): Promise<void> {
  await stack.configure({
    "aws:region": "us-east-1",
    tables: "[]",
    refreshes: JSON.stringify(
      resources.map((v) => ({ name: v.tableName, args: { ...viewRef(v), endpoint: emulator.endpoint } })),
    ),
    groups: JSON.stringify([
      {
        name: "members",
        args: { views: Object.fromEntries(members.map((v) => [v.tableName, viewRef(v)])), endpoint: emulator.endpoint },
      },
    ]),
  });
}

const programs = [
  ["the dynamic provider (TypeScript)", E2E_PROGRAM, declareTypeScript],
  ["the provider plugin (YAML)", path.join(__dirname, "lost-start-yaml"), configurePlugin],
] as const;

/** A plain `pulumi up`: preview, then the update. */
const up = (stack: CliStack): Promise<CliRun> => stack.run(["up", "--yes", "--non-interactive", "--json"]);

describe.each(programs)("through %s", (_what, programDir, declare) => {
  let emulator: GlueEmulator | undefined;
  let stack: CliStack | undefined;
  afterEach(async () => {
    stack?.close();
    await emulator?.close();
    stack = emulator = undefined;
  });

  it.each(LOST_START_LAGS_MS)(
    "starts exactly one run per view, recorded, every Start answer lost and reads %i ms behind",
    async (lagMs) => {
      const em = (emulator = await emulatorFor(all.map(viewRef), { clockScale: SCALE }));
      stack = await CliStack.create({
        programDir,
        emulator: em,
        env: { GLUE_MV_REFRESH_CLOCK_SCALE: String(SCALE) },
      });
      await declare(stack, em);
      lostStartEmulator(em, all, lagMs);
      const run = await up(stack);
      const onlyRun = (view: LostStartView) => {
        const runs = em.runs(view);
        expect({ view: view.tableName, runs: runs.length }).toEqual({ view: view.tableName, runs: 1 });
        expect(runs[0].status).toBe(view.outcome);
        return runs[0];
      };
      for (const view of resources) {
        const recorded = await stack.resource(view.tableName);
        expect(recorded?.outputs).toMatchObject({ runId: onlyRun(view).runId, status: view.outcome });
      }
      const group = (await stack.resource("members"))?.outputs?.runs as Record<string, { runId: string }>;
      for (const view of members) expect(group[view.tableName]).toMatchObject({ runId: onlyRun(view).runId });
      const starts = em.requests.filter((r) => r.operation === "StartMaterializedViewRefreshTaskRun");
      expect(starts.map((r) => r.fault ?? r.errorType ?? "started")).toEqual(
        Array(all.length).fill("dropAfterProcessingRatio"),
      );
      // The FAILED runs fail their steps: the update fails, with their run ids kept.
      expect(run.code).not.toBe(0);
      expect(
        run.steps
          .filter((s) => !s.ok)
          .map((s) => s.name)
          .sort(),
      ).toEqual(["members", ...resources.filter((v) => v.outcome === "FAILED").map((v) => v.tableName)].sort());
    },
  );
});

/**
 * The views and faults of issue 24's case, shared by the harness's and the real CLI's tests: every
 * Start answer lost after the run started, short runs ending FAILED or SUCCEEDED, reads lagging.
 */
import type { GlueEmulator } from "../../src/emulator";

/** How far reads lag behind writes, emulated ms: from half a second to the bound (READ_LAG_MS). */
export const LOST_START_LAGS_MS = [500, 2_000, 10_000];

export interface LostStartView {
  readonly databaseName: string;
  readonly tableName: string;
  readonly durationMs: number;
  readonly outcome: "SUCCEEDED" | "FAILED";
}

/** The view as the emulator and a resource name it. */
export const viewRef = (view: LostStartView) => ({ databaseName: view.databaseName, tableName: view.tableName });

const views = (prefix: string): LostStartView[] =>
  [200, 400].flatMap((durationMs) =>
    (["SUCCEEDED", "FAILED"] as const).map((outcome) => ({
      databaseName: "sales",
      tableName: `${prefix}_${durationMs}ms_${outcome.toLowerCase()}`,
      durationMs,
      outcome,
    })),
  );

/** Four views for resources and four for a group's members: runs of 0.2 s and 0.4 s, each outcome. */
export function lostStartViews(): { resources: LostStartView[]; members: LostStartView[] } {
  return { resources: views("mv"), members: views("member") };
}

/** Sets the views' runs and the faults: each view's first Start answer lost, reads `lagMs` behind. */
export function lostStartEmulator(emulator: GlueEmulator, all: readonly LostStartView[], lagMs: number): void {
  for (const view of all) {
    emulator.setRunDuration(view, view.durationMs);
    if (view.outcome === "FAILED") emulator.failNextRuns(view, 1, "Spark job failed: column price not found");
  }
  emulator.setFaults({
    consistencyLagMs: lagMs,
    dropAfterProcessingRatio: 1,
    // One lost answer per view: a second Start (the duplicate) would go through.
    maxFaults: all.length,
    operations: ["StartMaterializedViewRefreshTaskRun"],
  });
}

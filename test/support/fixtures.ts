import type { UpstreamRun } from "../../src/model/inputs";
import type { RefreshState, ResolvedSettings } from "../../src/model/state";

export const ACCOUNT = "123456789012";
export const RUN_ID = "3f2b8c1e-7a4d-4e5f-9b10-2c3d4e5f6a7b";

/** Settings as create would resolve them for the usual test view. */
export function settings(overrides: Partial<ResolvedSettings> = {}): ResolvedSettings {
  return {
    resourceName: "daily",
    catalogId: ACCOUNT,
    databaseName: "sales",
    tableName: "daily_mv",
    region: "us-east-1",
    fullRefresh: false,
    triggers: {},
    waitForCompletion: true,
    timeoutMinutes: 60,
    ifRunning: "wait",
    quiet: false,
    upstreams: [],
    ...overrides,
  };
}

/** The state a successful create of `settings()` records. */
export function state(overrides: Partial<RefreshState> = {}): RefreshState {
  const { endpoint: _endpoint, upstreams: _upstreams, ...s } = settings();
  return {
    ...s,
    runId: RUN_ID,
    status: "SUCCEEDED",
    startedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** An upstream view's run among the sources, as the resource class passes it. */
export function upstream(runId: string, status: string): UpstreamRun {
  return { runId, status, catalogId: ACCOUNT, databaseName: "sales", tableName: "orders_mv", region: "us-east-1" };
}

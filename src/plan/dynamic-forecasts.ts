/**
 * The forecasts of the TypeScript dynamic provider's refreshes, for the plan. The engine calls no
 * Create or Update of a dynamic provider in a preview, so such a resource has no previewed outputs;
 * the plan asks the provider's own preview instead (deploy/lifecycle.ts, group-lifecycle.ts, the
 * code the provider plugin answers a preview with), configured with the stack's config as the
 * provider host is: the same figures, account guards and budget. Read-only: the List calls of a
 * preview, and STS for the account when the inputs name no catalog.
 */
import { createGroupLifecycle, type GroupState } from "../deploy/group-lifecycle";
import { createLifecycle, type LifecycleOptions } from "../deploy/lifecycle";
import type { GroupInputs } from "../model/group-inputs";
import type { RefreshInputs } from "../model/inputs";
import type { RefreshState } from "../model/state";
import { DYNAMIC_REFRESH_TOKEN, isDynamicType, PLANNED_OPS, type PreviewJson } from "./steps";

type Values = Record<string, unknown>;
const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The preview with a `forecast` in the outputs of each dynamic-provider step that would start a
 * refresh, as the plugin's previewed outputs carry it (a view's, or a group's by member key).
 * `config` is the stack's config by full key (`aws:region`, `glue-mv-refresh:dpuHourPriceUsd`).
 */
export async function withDynamicForecasts(
  preview: PreviewJson,
  config: Readonly<Record<string, string>>,
): Promise<PreviewJson> {
  // The lines the provider would print: the plan prints its own.
  const lifecycleOptions: LifecycleOptions = { print: () => undefined };
  const refresh = createLifecycle(lifecycleOptions);
  const group = createGroupLifecycle(lifecycleOptions);
  // The provider host's configure: the stack's config, read by full key.
  const request = { config: { get: (key: string) => config[key] } } as Parameters<typeof refresh.configure>[0];
  await refresh.configure(request);
  await group.configure(request);

  const steps = [];
  for (const step of preview.steps ?? []) {
    const state = step.newState;
    if (!state || !isDynamicType(state.type) || !PLANNED_OPS.has(step.op) || !isMap(state.inputs)) {
      steps.push(step);
      continue;
    }
    // A create or a replacement starts from nothing; an update from the recorded state.
    const olds = step.op === "update" && isMap(step.oldState?.outputs) ? step.oldState.outputs : undefined;
    const forecast: unknown =
      state.type === DYNAMIC_REFRESH_TOKEN
        ? (await refresh.preview(state.inputs as unknown as RefreshInputs, olds as RefreshState | undefined)).forecast
        : (await group.preview(state.inputs as unknown as GroupInputs, olds as GroupState | undefined)).forecast;
    // Not known yet (a view from an output of another resource): no figure, as for the plugin.
    steps.push(
      isMap(forecast) ? { ...step, newState: { ...state, outputs: { ...(state.outputs ?? {}), forecast } } } : step,
    );
  }
  return { ...preview, steps };
}

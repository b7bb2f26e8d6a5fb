/**
 * The refreshes a preview says would start, from its engine events: each plugin
 * MaterializedViewRefresh created, replaced or updated with a `forecast` in its previewed outputs,
 * and each group's members with theirs; the views each is built on from its triggers' `source:`
 * keys (the upstreams' runs). Resources of the TypeScript dynamic provider carry no forecast (the
 * engine calls no Create or Update of a dynamic provider in a preview) and are left out. Pure.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import type { Forecast } from "../model/forecast";
import type { PlannedStep, PlannedView } from "../model/plan";

export const REFRESH_TOKEN = "glue-mv-refresh:index:MaterializedViewRefresh";
export const GROUP_TOKEN = "glue-mv-refresh:index:MaterializedViewRefreshGroup";

type Values = Record<string, unknown>;
const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);
const isForecast = (v: unknown): v is Forecast => isMap(v) && typeof v.refreshType === "string";

/** The views a resource's triggers say it is built on. */
const afterOf = (inputs: Values): string[] =>
  isMap(inputs.triggers)
    ? Object.keys(inputs.triggers)
        .filter((k) => k.startsWith("source:"))
        .map((k) => k.slice("source:".length))
    : [];

function why(m: StepEventMetadata): string {
  if (m.op === "create") return "a new view";
  if (m.op === "replace" || m.op === "create-replacement")
    return `replaced: ${(m.keys ?? m.diffs ?? []).join(", ")} changed`;
  return `${(m.diffs ?? []).join(", ") || "its last run"} changed`;
}

const nameOfUrn = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** The steps of a preview, in the order the engine planned their resources. */
export function stepsFromEvents(events: readonly EngineEvent[]): PlannedStep[] {
  const latest = new Map<string, StepEventMetadata>();
  for (const e of events) {
    const m = e.resOutputsEvent?.metadata ?? e.resourcePreEvent?.metadata;
    if (m && (m.type === REFRESH_TOKEN || m.type === GROUP_TOKEN) && m.op !== "delete" && m.op !== "same")
      latest.set(m.urn, { ...latest.get(m.urn), ...m, new: m.new ?? latest.get(m.urn)?.new });
  }
  const steps: PlannedStep[] = [];
  for (const m of latest.values()) {
    const inputs = (m.new?.inputs ?? {}) as Values;
    const outputs = (m.new?.outputs ?? {}) as Values;
    if (m.type === REFRESH_TOKEN) {
      const forecast = isForecast(outputs.forecast) ? outputs.forecast : undefined;
      if (!forecast && m.op === "update") continue; // a change of settings: no run
      steps.push({
        kind: "view",
        refresh: {
          name: nameOfUrn(m.urn),
          view: `${String(inputs.databaseName)}.${String(inputs.tableName)}`,
          why: why(m),
          ...(forecast ? { forecast } : {}),
          after: afterOf(inputs),
        },
      });
      continue;
    }
    const forecasts = isMap(outputs.forecast) ? outputs.forecast : {};
    const views = isMap(inputs.views) ? inputs.views : {};
    const members: PlannedView[] = Object.entries(views)
      .filter(([key]) => isForecast(forecasts[key]))
      .map(([key, member]) => {
        const v = isMap(member) ? member : {};
        return {
          name: key,
          view: `${String(v.databaseName)}.${String(v.tableName)}`,
          why: m.op === "create" ? "a new view" : "its triggers or settings changed",
          forecast: forecasts[key] as Forecast,
          after: afterOf(v),
        };
      });
    if (members.length > 0)
      steps.push({
        kind: "group",
        name: nameOfUrn(m.urn),
        ...(typeof inputs.maxConcurrent === "number" ? { maxConcurrent: inputs.maxConcurrent } : {}),
        members,
      });
  }
  return steps;
}

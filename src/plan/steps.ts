/**
 * The refreshes a preview says would start, from `pulumi preview --json`: each plugin
 * MaterializedViewRefresh created, replaced or updated with a `forecast` in its previewed outputs,
 * and each group's members with theirs; the views each waits for from the resources it depends on
 * (a chain's `upstreams`), which the engine records in each step's `newState.dependencies`.
 * Resources of the TypeScript dynamic provider carry no forecast (the engine calls no Create or
 * Update of a dynamic provider in a preview): their creates, and their updates of anything but
 * settings, are in the plan without figures. Pure.
 */
import { SETTINGS_PROPERTIES } from "../model/diff";
import type { Forecast } from "../model/forecast";
import type { PlannedStep, PlannedView } from "../model/plan";

export const REFRESH_TOKEN = "glue-mv-refresh:index:MaterializedViewRefresh";
export const GROUP_TOKEN = "glue-mv-refresh:index:MaterializedViewRefreshGroup";
/** The TypeScript dynamic provider's resource types. */
export const DYNAMIC_REFRESH_TOKEN = "pulumi-nodejs:dynamic/glue:MaterializedViewRefresh";
export const DYNAMIC_GROUP_TOKEN = "pulumi-nodejs:dynamic/glue:MaterializedViewRefreshGroup";
const REFRESH_TOKENS = new Set([REFRESH_TOKEN, DYNAMIC_REFRESH_TOKEN]);
const ALL_TOKENS = new Set([REFRESH_TOKEN, GROUP_TOKEN, DYNAMIC_REFRESH_TOKEN, DYNAMIC_GROUP_TOKEN]);
const isDynamic = (type: string) => type === DYNAMIC_REFRESH_TOKEN || type === DYNAMIC_GROUP_TOKEN;
/** An update of these alone changes settings and starts no run. */
const SETTINGS = new Set<string>(SETTINGS_PROPERTIES);

type Values = Record<string, unknown>;

/** What the plan reads of `pulumi preview --json`. */
export interface PreviewJson {
  readonly steps?: readonly {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: readonly string[];
    readonly newState?: {
      readonly type: string;
      readonly inputs?: Values;
      readonly outputs?: Values;
      readonly dependencies?: readonly string[];
      readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    };
  }[];
  readonly diagnostics?: readonly { readonly message: string; readonly severity: string; readonly urn?: string }[];
}

const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);
const isForecast = (v: unknown): v is Forecast => isMap(v) && typeof v.refreshType === "string";
const nameOfUrn = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const viewOf = (v: Values) => `${String(v.databaseName)}.${String(v.tableName)}`;

function why(op: string, reasons: readonly string[] | undefined): string {
  if (op === "create") return "a new view";
  const changed = reasons && reasons.length > 0 ? `${reasons.join(", ")} changed` : "its last run did not succeed";
  return op === "update" ? changed : `replaced: ${changed}`;
}

/**
 * The preview's steps with the previewed outputs the engine's events (one JSON event a line, as a
 * streamed `pulumi preview --json` prints them) report for each resource.
 */
export function withOutputs(preview: PreviewJson, eventLog: string): PreviewJson {
  const outputs = new Map<string, Values>();
  for (const line of eventLog.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const event = JSON.parse(line) as Record<string, { metadata?: { urn?: string; new?: { outputs?: Values } } }>;
      const metadata = (event.resOutputsEvent ?? event.resourcePreEvent)?.metadata;
      if (metadata?.urn && isMap(metadata.new?.outputs) && Object.keys(metadata.new.outputs).length > 0)
        outputs.set(metadata.urn, metadata.new.outputs);
    } catch {
      // A line cut short: the events before it are read.
    }
  }
  return {
    ...preview,
    steps: preview.steps?.map((s) =>
      s.newState && outputs.has(s.urn) ? { ...s, newState: { ...s.newState, outputs: outputs.get(s.urn) } } : s,
    ),
  };
}

/** The steps of a preview, in the engine's order, each with the views it waits for. */
export function stepsFromPreview(preview: PreviewJson): PlannedStep[] {
  const relevant = (preview.steps ?? []).filter(
    (s) =>
      ALL_TOKENS.has(s.newState?.type ?? "") &&
      ["create", "update", "replace", "create-replacement"].includes(s.op) &&
      // A dynamic resource's update of settings alone starts no run; a plugin's says so by its forecast.
      !(isDynamic(s.newState!.type) && s.op === "update" && (s.diffReasons ?? []).every((r) => SETTINGS.has(r))),
  );
  // The views of each resource, by URN, for the views a dependent resource waits for.
  const viewsByUrn = new Map<string, string[]>();
  for (const s of relevant) {
    const inputs = s.newState!.inputs ?? {};
    viewsByUrn.set(
      s.urn,
      REFRESH_TOKENS.has(s.newState!.type)
        ? [viewOf(inputs)]
        : Object.values(isMap(inputs.views) ? inputs.views : {}).map((m) => viewOf(isMap(m) ? m : {})),
    );
  }
  const steps: PlannedStep[] = [];
  const seen = new Set<string>();
  for (const s of relevant) {
    if (seen.has(s.urn)) continue; // a replacement's two halves
    seen.add(s.urn);
    const { type, inputs = {}, outputs = {}, dependencies = [], propertyDependencies = {} } = s.newState!;
    const on = new Set([...dependencies, ...Object.values(propertyDependencies).flat()]);
    const after = [...on].flatMap((urn) => viewsByUrn.get(urn) ?? []);
    if (REFRESH_TOKENS.has(type)) {
      const forecast = isForecast(outputs.forecast) ? outputs.forecast : undefined;
      if (!forecast && s.op === "update" && !isDynamic(type)) continue; // a change of settings: no run
      steps.push({
        kind: "view",
        refresh: {
          name: nameOfUrn(s.urn),
          view: viewOf(inputs),
          why: why(s.op, s.diffReasons),
          ...(forecast ? { forecast } : {}),
          after,
        },
      });
      continue;
    }
    const forecasts = isMap(outputs.forecast) ? outputs.forecast : {};
    const members: PlannedView[] = Object.entries(isMap(inputs.views) ? inputs.views : {})
      .filter(([key]) => isDynamic(type) || isForecast(forecasts[key]))
      .map(([key, member]) => ({
        name: key,
        view: viewOf(isMap(member) ? member : {}),
        why: why(s.op, s.diffReasons),
        ...(isForecast(forecasts[key]) ? { forecast: forecasts[key] } : {}),
        after,
      }));
    if (members.length > 0)
      steps.push({
        kind: "group",
        name: nameOfUrn(s.urn),
        ...(typeof inputs.maxConcurrent === "number" ? { maxConcurrent: inputs.maxConcurrent } : {}),
        members,
      });
  }
  return steps;
}

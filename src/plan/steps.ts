/**
 * The refreshes a preview says would start, from `pulumi preview --json`: each plugin
 * MaterializedViewRefresh created, replaced or updated with a `forecast` in its previewed outputs,
 * and each group's members with theirs; the views each waits for from the resources it depends on
 * (a chain's `upstreams`), which the engine records in each step's `newState.dependencies`.
 * Resources of the TypeScript dynamic provider have no previewed outputs (the engine calls no
 * Create or Update of a dynamic provider in a preview): their creates, and their updates that start
 * a run, carry the forecast dynamic-forecasts.ts put in their outputs, else none. Pure.
 */
import { planChange, whyRefresh } from "../model/diff";
import type { Forecast } from "../model/forecast";
import { memberSettings, type GroupInputs } from "../model/group-inputs";
import { withDefaults, type RefreshInputs, type RefreshSettings } from "../model/inputs";
import type { PlannedStep, PlannedView } from "../model/plan";
import type { RefreshState } from "../model/state";

export const REFRESH_TOKEN = "glue-mv-refresh:index:MaterializedViewRefresh";
export const GROUP_TOKEN = "glue-mv-refresh:index:MaterializedViewRefreshGroup";
/** The TypeScript dynamic provider's resource types. */
export const DYNAMIC_REFRESH_TOKEN = "pulumi-nodejs:dynamic/glue:MaterializedViewRefresh";
export const DYNAMIC_GROUP_TOKEN = "pulumi-nodejs:dynamic/glue:MaterializedViewRefreshGroup";
const REFRESH_TOKENS = new Set([REFRESH_TOKEN, DYNAMIC_REFRESH_TOKEN]);
const ALL_TOKENS = new Set([REFRESH_TOKEN, GROUP_TOKEN, DYNAMIC_REFRESH_TOKEN, DYNAMIC_GROUP_TOKEN]);
/** The steps that may start a run: a create, an update, a replacement's two halves. */
export const PLANNED_OPS: ReadonlySet<string> = new Set(["create", "update", "replace", "create-replacement"]);
/** Whether a resource type is one of the TypeScript dynamic provider's. */
export const isDynamicType = (type: string | undefined): boolean =>
  type === DYNAMIC_REFRESH_TOKEN || type === DYNAMIC_GROUP_TOKEN;

type Values = Record<string, unknown>;

/** What the plan reads of `pulumi preview --json`. */
export interface PreviewJson {
  readonly steps?: readonly {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: readonly string[];
    /** The recorded state an update starts from: a dynamic resource's outputs hold its settings and last run. */
    readonly oldState?: { readonly outputs?: Values };
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

/**
 * Why the dynamic provider's update of a view starts a run, by the rules its diff applies to the
 * recorded state (the engine reports no reasons for a dynamic provider's diff); undefined when it
 * starts none (settings alone, or a run to resume). A region or catalog id the inputs leave out is
 * the recorded one, as the provider finds it again unless the stack's AWS config changed.
 */
function dynamicWhy(old: RefreshState | undefined, settings: RefreshSettings): string | undefined {
  if (!old) return whyRefresh({ kind: "create" });
  const resolved = {
    ...settings,
    region: settings.region ?? old.region,
    catalogId: settings.catalogId ?? old.catalogId,
  };
  return whyRefresh(planChange(old, resolved));
}

type Step = NonNullable<PreviewJson["steps"]>[number];
/** A resource's views that would refresh, before the views they wait for are known. */
interface Refreshing {
  readonly step: Step;
  readonly views: Omit<PlannedView, "after">[];
}

/** The views of a step that would refresh, each with why and its forecast when it has one. */
function refreshing(s: Step): Omit<PlannedView, "after">[] {
  const { type, inputs = {}, outputs = {} } = s.newState!;
  const update = isDynamicType(type) && s.op === "update";
  if (REFRESH_TOKENS.has(type)) {
    const forecast = isForecast(outputs.forecast) ? outputs.forecast : undefined;
    // The plugin previews the update: an update without a forecast changes settings and starts no run.
    if (!forecast && s.op === "update" && !isDynamicType(type)) return [];
    const reason = update
      ? dynamicWhy(s.oldState?.outputs as RefreshState | undefined, withDefaults(inputs as unknown as RefreshInputs))
      : why(s.op, s.diffReasons);
    if (reason === undefined) return [];
    return [{ name: nameOfUrn(s.urn), view: viewOf(inputs), why: reason, ...(forecast ? { forecast } : {}) }];
  }
  const forecasts = isMap(outputs.forecast) ? outputs.forecast : {};
  const oldRuns = isMap(s.oldState?.outputs?.runs) ? s.oldState.outputs.runs : {};
  return Object.entries(isMap(inputs.views) ? inputs.views : {}).flatMap(([key, member]) => {
    const forecast = isForecast(forecasts[key]) ? forecasts[key] : undefined;
    // The plugin previews each member: one without a forecast starts no run.
    const reason = update
      ? dynamicWhy(oldRuns[key] as RefreshState | undefined, memberSettings(inputs as unknown as GroupInputs, key))
      : isDynamicType(type) || forecast
        ? why(s.op, s.diffReasons)
        : undefined;
    if (reason === undefined) return [];
    return [{ name: key, view: viewOf(isMap(member) ? member : {}), why: reason, ...(forecast ? { forecast } : {}) }];
  });
}

/** The steps of a preview, in the engine's order, each with the views it waits for. */
export function stepsFromPreview(preview: PreviewJson): PlannedStep[] {
  const found: Refreshing[] = [];
  const seen = new Set<string>();
  for (const s of preview.steps ?? []) {
    if (!ALL_TOKENS.has(s.newState?.type ?? "")) continue;
    if (!PLANNED_OPS.has(s.op)) continue;
    if (seen.has(s.urn)) continue; // a replacement's two halves
    seen.add(s.urn);
    const views = refreshing(s);
    if (views.length > 0) found.push({ step: s, views });
  }
  // The views of each resource that refreshes, by URN, for the views a dependent resource waits for.
  const viewsByUrn = new Map(found.map((r) => [r.step.urn, r.views.map((v) => v.view)]));
  return found.map(({ step: s, views }) => {
    const { type, inputs = {}, dependencies = [], propertyDependencies = {} } = s.newState!;
    const on = new Set([...dependencies, ...Object.values(propertyDependencies).flat()]);
    const after = [...on].flatMap((urn) => viewsByUrn.get(urn) ?? []);
    if (REFRESH_TOKENS.has(type)) return { kind: "view", refresh: { ...views[0], after } };
    return {
      kind: "group",
      name: nameOfUrn(s.urn),
      ...(typeof inputs.maxConcurrent === "number" ? { maxConcurrent: inputs.maxConcurrent } : {}),
      members: views.map((v) => ({ ...v, after })),
    };
  });
}

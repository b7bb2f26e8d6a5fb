/**
 * The plan of a deployment's refreshes, from what a preview says of each: the views in the order
 * they will run, why each refreshes, the critical path's expected wall time (a view after the views
 * it is built on, a group's members at once up to its `maxConcurrent`, the group done when its last
 * member is), total DPU-hours and cost, and the views with no history. Pure.
 */
import { describeForecast, formatUsd, type Forecast } from "./forecast";
import { formatDuration } from "./progress";

/** A refresh the preview says would start. */
export interface PlannedView {
  /** The resource's name, or a group member's key. */
  readonly name: string;
  /** `database.table`. */
  readonly view: string;
  /** Why it refreshes. */
  readonly why: string;
  /** Its forecast; absent when the preview gave none (e.g. its view was not known yet). */
  readonly forecast?: Forecast;
  /** The views (`database.table`) it is built on, which refresh first. */
  readonly after: readonly string[];
}

/** A resource of the plan: one view, or a group whose members run at once up to `maxConcurrent`. */
export type PlannedStep =
  | { readonly kind: "view"; readonly refresh: PlannedView }
  | {
      readonly kind: "group";
      readonly name: string;
      readonly maxConcurrent?: number;
      readonly members: readonly PlannedView[];
    };

/** A step with when it is expected to start and end, in seconds from the deployment's start. */
export type TimedStep = PlannedStep & { readonly startSeconds: number; readonly endSeconds: number };

export interface Plan {
  /** The steps in the order they are expected to start. */
  readonly steps: readonly TimedStep[];
  /** The critical path's expected wall time in seconds (median durations), and with p90 durations. */
  readonly wallSeconds: number;
  readonly p90WallSeconds: number;
  /** The steps on the critical path, by name, first to last. */
  readonly criticalPath: readonly string[];
  readonly refreshes: number;
  readonly dpuHours: number;
  readonly costUsd: number;
  /** Refreshes whose figures are not their own runs': `database` guesses and no history at all. */
  readonly noHistory: readonly PlannedView[];
  readonly guessed: readonly PlannedView[];
}

const durationOf = (v: PlannedView, p90: boolean) =>
  (p90 ? v.forecast?.p90DurationSeconds : v.forecast?.durationSeconds) ?? 0;

/** How long members take at once, `limit` at a time (0 or none: all), each starting when a slot frees, in order. */
export function makespan(durations: readonly number[], limit: number | undefined): number {
  const slots = Math.max(1, limit && limit > 0 ? Math.min(limit, durations.length) : durations.length);
  const free = new Array<number>(slots).fill(0);
  for (const d of durations) {
    const i = free.indexOf(Math.min(...free));
    free[i] += d;
  }
  return Math.max(0, ...free);
}

const viewsOf = (s: PlannedStep): readonly PlannedView[] => (s.kind === "view" ? [s.refresh] : s.members);
const nameOf = (s: PlannedStep): string => (s.kind === "view" ? s.refresh.name : s.name);

/** Each step's start and end: after the steps holding the views it is built on. */
function schedule(steps: readonly PlannedStep[], p90: boolean) {
  const holder = new Map<string, number>();
  steps.forEach((s, i) => viewsOf(s).forEach((v) => holder.set(v.view, i)));
  const times = new Array<{ start: number; end: number; via?: number } | undefined>(steps.length);
  const visiting = new Set<number>();
  const timeOf = (i: number): { start: number; end: number; via?: number } => {
    const known = times[i];
    if (known) return known;
    if (visiting.has(i)) throw new Error(`the views of ${nameOf(steps[i])} are built on themselves: no order`);
    visiting.add(i);
    let start = 0;
    let via: number | undefined;
    for (const v of viewsOf(steps[i]))
      for (const up of v.after) {
        const j = holder.get(up);
        if (j === undefined || j === i) continue;
        const end = timeOf(j).end;
        if (end >= start) [start, via] = [end, j];
      }
    const s = steps[i];
    const length =
      s.kind === "view"
        ? durationOf(s.refresh, p90)
        : makespan(
            s.members.map((m) => durationOf(m, p90)),
            s.maxConcurrent,
          );
    visiting.delete(i);
    return (times[i] = { start, end: start + length, via });
  };
  steps.forEach((_, i) => timeOf(i));
  return times as { start: number; end: number; via?: number }[];
}

export function buildPlan(steps: readonly PlannedStep[]): Plan {
  const times = schedule(steps, false);
  const p90 = schedule(steps, true);
  const order = steps.map((s, i) => i).sort((a, b) => times[a].start - times[b].start || a - b);
  // No critical path where no step has figures: a path of zero-length steps would be made up.
  const last = order.reduce<number | undefined>(
    (a, i) => (times[i].end > (a === undefined ? 0 : times[a].end) ? i : a),
    undefined,
  );
  const path: string[] = [];
  for (let i = last; i !== undefined; i = times[i].via) path.unshift(nameOf(steps[i]));
  const all = steps.flatMap(viewsOf);
  const dpuSeconds = all.reduce((sum, v) => sum + (v.forecast?.dpuSeconds ?? 0), 0);
  const costUsd = all.reduce((sum, v) => sum + (v.forecast?.costUsd ?? 0), 0);
  return {
    steps: order.map((i) => ({ ...steps[i], startSeconds: times[i].start, endSeconds: times[i].end })),
    wallSeconds: last === undefined ? 0 : times[last].end,
    p90WallSeconds: Math.max(0, ...p90.map((t) => t.end)),
    criticalPath: path,
    refreshes: all.length,
    dpuHours: Math.round((dpuSeconds / 3600) * 1000) / 1000,
    costUsd: Math.round(costUsd * 10_000) / 10_000,
    noHistory: all.filter((v) => !v.forecast || v.forecast.basis === "none"),
    guessed: all.filter((v) => v.forecast?.basis === "database"),
  };
}

const ms = (seconds: number) => formatDuration(seconds * 1000);

function viewLine(v: PlannedView): string {
  const after = v.after.length > 0 ? `, after ${v.after.join(", ")}` : "";
  const figures = v.forecast
    ? describeForecast(v.forecast)
    : "no forecast (its view was not known in the preview, or the TypeScript dynamic provider, which the engine does not preview)";
  return `${v.name} (${v.view}): ${v.why}${after}. ${figures}`;
}

/**
 * The plan's first line: how many refreshes, and the totals of those with figures (saying how many
 * they leave out); no totals at all when none has figures, rather than a wall time and cost of 0.
 * `b` marks a figure (bold in Markdown).
 */
function headline(plan: Plan, b: (text: string) => string): string {
  const count = `${b(String(plan.refreshes))} refresh${plan.refreshes === 1 ? "" : "es"}`;
  const left = plan.noHistory.length;
  if (left > 0 && left === plan.refreshes) return `${count}, none with a forecast: no wall time or cost to add up`;
  return (
    `${count}${left > 0 ? ` (${left} without figures, not counted)` : ""}, ` +
    `expected wall time ${b(ms(plan.wallSeconds))} (p90 ${ms(plan.p90WallSeconds)}), ` +
    `${b(`${plan.dpuHours} DPU-hours`)}, ${b(formatUsd(plan.costUsd))}`
  );
}

/** The plan as text for a terminal. */
export function planText(plan: Plan, stack: string): string {
  const out = [`Plan for stack ${stack}: ${headline(plan, (text) => text)}`];
  if (plan.criticalPath.length > 0) out.push(`Critical path: ${plan.criticalPath.join(" -> ")}`);
  plan.steps.forEach((s, n) => {
    const when = `[${ms(s.startSeconds)} - ${ms(s.endSeconds)}]`;
    if (s.kind === "view") out.push(`${n + 1}. ${when} ${viewLine(s.refresh)}`);
    else {
      const limit = s.maxConcurrent ? `maxConcurrent ${s.maxConcurrent}` : "no maxConcurrent";
      out.push(`${n + 1}. ${when} group ${s.name} (${s.members.length} members at once, ${limit}):`);
      for (const m of s.members) out.push(`   - ${viewLine(m)}`);
    }
  });
  if (plan.noHistory.length > 0)
    out.push(`No history or no forecast: ${plan.noHistory.map((v) => `${v.name} (${v.view})`).join(", ")}`);
  if (plan.guessed.length > 0)
    out.push(
      `Guessed from their databases' other views: ${plan.guessed.map((v) => `${v.name} (${v.view})`).join(", ")}`,
    );
  return out.join("\n");
}

/** The plan as Markdown, for a pull-request comment. */
export function planMarkdown(plan: Plan, stack: string): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const row = (n: string, step: string, v: PlannedView) => {
    const f = v.forecast;
    const figures =
      f?.durationSeconds !== undefined
        ? [
            ms(f.durationSeconds),
            ms(f.p90DurationSeconds!),
            f.costUsd !== undefined ? formatUsd(f.costUsd) : "?",
            f.basis === "own" ? `${f.basedOnRuns} runs` : `guess (${f.basedOnRuns} runs of other views)`,
          ]
        : ["?", "?", "?", !f ? "no forecast" : f.error ? `no forecast: ${f.error}` : "no history"];
    return `| ${n} | ${cell(step)} | \`${v.view}\` | ${cell(v.why)} | ${f?.refreshType ?? "?"} | ${figures.join(" | ")} |`;
  };
  const out = [
    `### Glue materialized view refreshes: stack \`${stack}\``,
    "",
    `${headline(plan, (text) => `**${text}**`)}.` +
      (plan.criticalPath.length > 0 ? ` Critical path: ${plan.criticalPath.join(" → ")}.` : ""),
    "",
    "| # | Resource | View | Why | Type | Duration | p90 | Cost | Based on |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  plan.steps.forEach((s, n) => {
    if (s.kind === "view") out.push(row(String(n + 1), s.refresh.name, s.refresh));
    else
      for (const m of s.members)
        out.push(row(String(n + 1), `${s.name} (max ${s.maxConcurrent ?? "all"}) / ${m.name}`, m));
  });
  if (plan.noHistory.length > 0)
    out.push("", `No history or no forecast: ${plan.noHistory.map((v) => `\`${v.view}\``).join(", ")}: not counted.`);
  return out.join("\n");
}

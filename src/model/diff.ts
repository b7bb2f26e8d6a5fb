/**
 * Diff rules: which changes replace the resource, which start a new refresh, and which only
 * change settings. Pure: the lifecycle resolves catalog id and region before asking.
 */
import { DEFAULTS, UNKNOWN, containsUnknown } from "./inputs";
import { canonicalJson } from "./json";
import type { RefreshState, ResolvedSettings } from "./state";

/** The view's identity: a change of any of these replaces the resource. */
export const IDENTITY_PROPERTIES = ["catalogId", "databaseName", "tableName", "region"] as const;

/** Settings that change how later runs are waited for, but start no run. */
export const SETTINGS_PROPERTIES = [
  "waitForCompletion",
  "timeoutMinutes",
  "ifRunning",
  "endpoint",
  "assumeRole",
  "quiet",
] as const;

export type ChangePlan =
  | { readonly kind: "replace"; readonly properties: string[] }
  | { readonly kind: "refresh"; readonly reason: string }
  | { readonly kind: "resume"; readonly reason: string }
  | { readonly kind: "settings"; readonly properties: string[] }
  | { readonly kind: "none" };

function differs(old: unknown, next: unknown): boolean {
  return containsUnknown(next) || canonicalJson(old) !== canonicalJson(next);
}

/** Old state written by any version of this provider, with the defaults of its time filled in. */
function oldSetting<K extends keyof typeof DEFAULTS>(olds: RefreshState, key: K): RefreshState[K] {
  return olds[key] ?? DEFAULTS[key];
}

/**
 * What a deployment must do to go from the recorded state to these settings.
 * A refresh that was waited for and did not succeed (the deployment failed) is retried, or resumed
 * when it may still be running, even if nothing else changed.
 */
export function planChange(olds: RefreshState, news: ResolvedSettings): ChangePlan {
  const replaced = IDENTITY_PROPERTIES.filter((p) => news[p] === UNKNOWN || news[p] !== olds[p]);
  if (replaced.length > 0) return { kind: "replace", properties: replaced };

  if (differs(oldSetting(olds, "fullRefresh"), news.fullRefresh))
    return { kind: "refresh", reason: "fullRefresh changed" };
  if (differs(olds.triggers ?? {}, news.triggers)) return { kind: "refresh", reason: "triggers changed" };

  if (oldSetting(olds, "waitForCompletion") && olds.status !== "SUCCEEDED") {
    return olds.status === "STARTING" || olds.status === "RUNNING"
      ? { kind: "resume", reason: `the deployment did not see refresh run ${olds.runId} finish` }
      : { kind: "refresh", reason: `the last refresh run ${olds.runId} ended ${olds.status ?? "without a status"}` };
  }

  const changed = SETTINGS_PROPERTIES.filter((p) =>
    differs(p in DEFAULTS ? oldSetting(olds, p as keyof typeof DEFAULTS) : olds[p], news[p]),
  );
  return changed.length > 0 ? { kind: "settings", properties: changed } : { kind: "none" };
}

/** Why a plan starts a run, or undefined when it starts none (a resumed run is not a new one). */
export function whyRefresh(plan: ChangePlan | { readonly kind: "create" }): string | undefined {
  switch (plan.kind) {
    case "create":
      return "a new view";
    case "replace":
      return `${plan.properties.join(", ")} changed`;
    case "refresh":
      return plan.reason;
    default:
      return undefined;
  }
}

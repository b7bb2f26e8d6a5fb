/**
 * The inputs a planned change comes from, as the engine shows them (`diffReasons`, `~ triggers`):
 * those whose value differs from the last deployment's, or is not known yet (a preview, while an
 * upstream is still to deploy). Pure.
 */
import { containsUnknown } from "../model/inputs";
import { canonicalJson } from "../model/json";

type Values = Record<string, unknown>;

/**
 * The top-level inputs that changed between the old inputs and the new. Without old inputs (an
 * engine that sends only old outputs), only the new inputs' keys are compared, since the outputs
 * hold more than the inputs.
 */
export function changedKeys(oldInputs: Values | undefined, olds: Values, news: Values): string[] {
  const before = oldInputs ?? olds;
  const keys = new Set([...Object.keys(news), ...(oldInputs ? Object.keys(oldInputs) : [])]);
  return [...keys]
    .filter(
      (key) => containsUnknown(news[key]) || canonicalJson(before[key] ?? null) !== canonicalJson(news[key] ?? null),
    )
    .sort();
}

/**
 * One resource's step, planned and applied as the Pulumi engine does it. Dynamic resources go
 * through Pulumi's own provider host: Check, then Diff against the recorded state, then Create,
 * Update or a create-before-delete replacement. Resources of other providers (e.g. @pulumi/aws)
 * are mocked: their outputs are their inputs plus an id, and a change of their inputs is an update.
 *
 * Partial state follows the engine: a create or update that fails with ErrorResourceInitFailed is
 * recorded with its properties and init errors, and the engine updates it on the next deployment
 * even when nothing changed. A failed replacement that left partial state replaces the old resource;
 * one that left none keeps it.
 */
import { ProviderCallError, type ProviderHost } from "./host";
import type { Registration } from "./program";

type Props = Record<string, unknown>;

/** One resource in the stack's state. */
export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly id: string;
  readonly inputs: Props;
  readonly outputs: Props;
  /** The URNs of the resources it depended on when last registered. */
  readonly dependencies: readonly string[];
  /** Set when the last create or update failed after the resource came to exist (partial state). */
  readonly initErrors?: readonly string[];
  /** The old half of a replacement, deleted once a deployment ends without error. */
  readonly pendingDelete?: boolean;
}

/** What the engine does to a resource in a deployment; `skip`: nothing, because of a failure. */
export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "refresh" | "skip";
export type PlannedOp = "create" | "update" | "replace" | "same";

/** The engine's plan for a registration: the operation, and the inputs the provider checked. */
export interface Plan {
  readonly op: PlannedOp;
  readonly inputs: Props;
}

/** A step's result: the resource's id and outputs, and the state it leaves. */
export interface Applied {
  readonly id: string;
  readonly outputs: Props;
  readonly state: ResourceState;
  /** The old resource was replaced, so it is deleted at the end of the deployment. */
  readonly replacedOld?: boolean;
}

/** A step that failed, with the state it leaves (partial state, or the prior state). */
export class StepFailed extends Error {
  override readonly name = "StepFailed";
  constructor(
    message: string,
    readonly state: ResourceState | undefined,
    readonly replacedOld = false,
  ) {
    super(message);
  }
}

export const isDynamic = (type: string): boolean => type.startsWith("pulumi-nodejs:dynamic");

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A mocked resource's outputs: its inputs, and null for each other property it declares, as a
 * Terraform-bridged provider such as @pulumi/aws reports an attribute that is not set. A preview of
 * a create leaves those unknown instead, as computed attributes are until the resource exists.
 */
function mockedOutputs(reg: Registration, creating: boolean): Props {
  if (creating) return reg.inputs;
  const unset = reg.properties.filter((p) => p !== "id" && p !== "urn" && !(p in reg.inputs));
  return { ...Object.fromEntries(unset.map((p) => [p, null])), ...reg.inputs };
}

/** Check and Diff, as the engine's step generator does for each registration, one at a time. */
export async function planStep(host: ProviderHost, reg: Registration, prior?: ResourceState): Promise<Plan> {
  if (!isDynamic(reg.type)) {
    return { op: !prior ? "create" : sameJson(prior.inputs, reg.inputs) ? "same" : "update", inputs: reg.inputs };
  }
  const fail = (error: unknown): never => {
    throw new StepFailed(message(error), prior);
  };
  const check = await host.check(reg.urn, prior?.inputs ?? {}, reg.inputs).catch(fail);
  if (check.failures.length > 0) fail(check.failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
  const inputs = check.inputs;
  if (!prior) return { op: "create", inputs };
  const diff = await host.diff(reg.urn, prior.id, prior.outputs, inputs, prior.inputs).catch(fail);
  if (diff.replaces.length > 0) return { op: "replace", inputs };
  const changed = diff.changes === "some" || (diff.changes === "unknown" && !sameJson(prior.inputs, inputs));
  // The engine always updates a resource whose last operation left it with init errors.
  return { op: changed || prior.initErrors?.length ? "update" : "same", inputs };
}

/**
 * Applies a planned step. In a preview nothing is called: a dynamic provider does not preview, so
 * the engine hands the checked inputs back as outputs, and the program sees the rest as unknown.
 */
export async function applyStep(
  host: ProviderHost,
  reg: Registration,
  plan: Plan,
  prior: ResourceState | undefined,
  preview: boolean,
): Promise<Applied> {
  const { urn, type, name, dependencies } = reg;
  const { inputs } = plan;
  const state = (id: string, outputs: Props): ResourceState => ({ urn, type, name, id, inputs, outputs, dependencies });
  if (plan.op === "same") return { id: prior!.id, outputs: prior!.outputs, state: { ...prior!, inputs, dependencies } };
  if (!isDynamic(type)) {
    const id = prior?.id ?? `${name}-id`;
    const outputs = mockedOutputs(reg, preview && plan.op === "create");
    return { id, outputs, state: state(id, outputs) };
  }
  if (preview) return { id: prior?.id ?? "", outputs: inputs, state: state(prior?.id ?? "", inputs) };

  const partial = (error: unknown, id?: string): ResourceState | undefined => {
    const left = error instanceof ProviderCallError ? error.partial : undefined;
    return left && { ...state(id ?? left.id, left.properties), initErrors: left.reasons };
  };
  if (plan.op === "update") {
    try {
      const outputs = await host.update(urn, prior!.id, prior!.outputs, inputs, prior!.inputs);
      return { id: prior!.id, outputs, state: state(prior!.id, outputs) };
    } catch (error) {
      throw new StepFailed(message(error), partial(error, prior!.id) ?? prior);
    }
  }
  const replacing = plan.op === "replace";
  try {
    const created = await host.create(urn, inputs);
    return {
      id: created.id,
      outputs: created.properties,
      state: state(created.id, created.properties),
      replacedOld: replacing,
    };
  } catch (error) {
    const left = partial(error);
    throw new StepFailed(message(error), left ?? (replacing ? prior : undefined), replacing && left !== undefined);
  }
}

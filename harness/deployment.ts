/**
 * One `pulumi up` or `pulumi preview` as the engine runs it, while the program runs: registrations
 * planned one at a time (the step generator), steps applied at most `parallel` at once (the step
 * executor), a failed step answered to the program so its dependents never register, and, once
 * the program ended, deletes and the stack's new state.
 */
import type { ProviderHost } from "./host";
import type { Answer, ProgramEnd, Registration } from "./program";
import { Slots } from "../src/deploy/slots";
import { applyStep, planStep, StepFailed, type Plan, type ResourceState, type StepOp } from "./steps";

type Props = Record<string, unknown>;

/** What happened to one resource in one deployment. */
export interface Step {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: StepOp;
  readonly outcome: "succeeded" | "failed" | "skipped";
  /** Whether the step succeeded. */
  readonly ok: boolean;
  readonly outputs?: Props;
  readonly error?: string;
  /**
   * For a `refresh` step: whether what was read leaves a change for the next `up`, the provider's
   * Diff of the read state against the recorded inputs (the engine then reports `update`, else `same`).
   */
  readonly changed?: boolean;
  /** When the program registered the resource (epoch ms): until `startedAt`, it waited to be planned and for a worker. */
  readonly registeredAt?: number;
  /** When the step got a worker and began (epoch ms); a skipped step starts and ends at once. */
  readonly startedAt: number;
  /** When the step ended (epoch ms). */
  readonly finishedAt: number;
}

type Subject = Pick<ResourceState, "urn" | "type" | "name">;

/** A step that ended, from when it began. */
export function ended(
  subject: Subject,
  op: StepOp,
  startedAt: number,
  result: { outputs?: Props } | { error: string },
): Step {
  const base = { urn: subject.urn, type: subject.type, name: subject.name, op, startedAt, finishedAt: Date.now() };
  return "error" in result
    ? { ...base, outcome: "failed", ok: false, error: result.error }
    : { ...base, outcome: "succeeded", ok: true, outputs: result.outputs };
}

/** A step the engine did not run, and why. */
function skipped(subject: Subject, why: string): Step {
  const now = Date.now();
  const { urn, type, name } = subject;
  return {
    urn,
    type,
    name,
    op: "skip",
    outcome: "skipped",
    ok: false,
    error: `skipped: ${why}`,
    startedAt: now,
    finishedAt: now,
  };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

export interface DeploymentOptions {
  /** The stack's state before the deployment. */
  readonly state: readonly ResourceState[];
  /** The provider host, once it is configured. */
  readonly host: Promise<ProviderHost>;
  readonly preview: boolean;
  /** Steps run at once; 0 means no limit. */
  readonly parallel: number;
  /** Go on with the steps that do not depend on a failed one. */
  readonly continueOnError: boolean;
  /** Deletes a resource, as a step. */
  readonly remove: (resource: ResourceState) => Promise<Step>;
  /** The URN of a resource that never registered. */
  readonly urn: (type: string, name: string) => string;
}

export class Deployment {
  private readonly steps: Step[] = [];
  private readonly registrations: Registration[] = [];
  private readonly registeredAt = new Map<string, number>();
  private readonly next = new Map<string, ResourceState>();
  private readonly prior: Map<string, ResourceState>;
  /** Resources whose step failed or was skipped, by URN: their dependents are skipped. */
  private readonly unsuccessful = new Map<string, string>();
  private readonly replaced: ResourceState[] = [];
  private readonly inFlight = new Set<Promise<Answer>>();
  private readonly slots: Slots;
  /** Without continueOnError, what failed first: no step starts after it. */
  private stoppedBy?: string;
  /** The step generator plans one registration at a time. */
  private generator: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DeploymentOptions) {
    this.prior = new Map(options.state.filter((r) => !r.pendingDelete).map((r) => [r.urn, r]));
    this.slots = new Slots(options.parallel);
  }

  /** Answers a registration with the outcome of its step. */
  register(reg: Registration): Promise<Answer> {
    this.registrations.push(reg);
    this.registeredAt.set(reg.urn, Date.now());
    const answer = this.run(reg);
    this.inFlight.add(answer);
    void answer.finally(() => this.inFlight.delete(answer));
    return answer;
  }

  /** The program failed: like a failed step, it stops the deployment starting new steps. */
  programFailed(): void {
    this.stoppedBy ??= "the program";
  }

  private record(step: Step, state?: ResourceState): Answer {
    this.steps.push({ ...step, registeredAt: this.registeredAt.get(step.urn) });
    if (state) this.next.set(step.urn, state);
    if (step.outcome !== "succeeded") {
      this.unsuccessful.set(step.urn, step.name);
      if (step.outcome === "failed" && !this.options.continueOnError) this.stoppedBy ??= step.name;
    }
    return step.ok ? { id: state?.id ?? "", outputs: step.outputs ?? {} } : { error: step.error! };
  }

  /** Why a registration must not run now, if it must not. */
  private blocked(reg: Registration): string | undefined {
    if (this.stoppedBy !== undefined) return `the deployment stopped starting steps after ${this.stoppedBy} failed`;
    const failed = reg.dependencies.find((urn) => this.unsuccessful.has(urn));
    return failed && `it depends on ${this.unsuccessful.get(failed)}, which did not succeed`;
  }

  private async run(reg: Registration): Promise<Answer> {
    const old = this.prior.get(reg.urn);
    if (reg.read) return { id: old?.id ?? `${reg.name}-id`, outputs: old?.outputs ?? reg.inputs };
    const planning = this.generator.then(
      async (): Promise<Plan | string> => this.blocked(reg) ?? planStep(await this.options.host, reg, old),
    );
    this.generator = planning.catch(() => undefined);
    const planStart = Date.now();
    let plan: Plan | string;
    try {
      plan = await planning;
    } catch (error) {
      const failed = error instanceof StepFailed ? error : new StepFailed(message(error), old);
      return this.record(ended(reg, old ? "update" : "create", planStart, { error: failed.message }), failed.state);
    }
    if (typeof plan === "string") return this.record(skipped(reg, plan), old);

    const release = await this.slots.acquire();
    try {
      const why = this.blocked(reg);
      if (why) return this.record(skipped(reg, why), old);
      const startedAt = Date.now();
      try {
        const applied = await applyStep(await this.options.host, reg, plan, old, this.options.preview);
        if (applied.replacedOld && old) this.replaced.push(old);
        return this.record(ended(reg, plan.op, startedAt, applied), applied.state);
      } catch (error) {
        const failed = error instanceof StepFailed ? error : new StepFailed(message(error), old);
        if (failed.replacedOld && old) this.replaced.push(old);
        return this.record(ended(reg, plan.op, startedAt, { error: failed.message }), failed.state);
      }
    } finally {
      release();
    }
  }

  /**
   * Once the program ended and its steps finished: reports the resources that never registered,
   * deletes (only after a deployment without failures, as the engine does) and the new state.
   */
  async finish(program: ProgramEnd): Promise<{ steps: Step[]; state: ResourceState[] }> {
    await Promise.all(this.inFlight);
    const { state, preview } = this.options;
    const failed = program.error !== undefined || this.unsuccessful.size > 0;
    const steps = [...this.steps];
    const seen = new Set(this.registrations.map(key));
    for (const resource of program.declared) {
      if (seen.has(key(resource))) continue;
      seen.add(key(resource));
      const subject = { ...resource, urn: this.options.urn(resource.type, resource.name) };
      const why = "never registered, because a resource it depends on did not succeed or the program failed";
      steps.push(skipped(subject, why));
    }
    // In the order the program declared the resources, as a reader of the program expects.
    const declared = new Map(program.declared.map((d, i) => [key(d), i]));
    const arrived = new Map(this.registrations.map((r, i) => [r.urn, i]));
    const rank = (s: Step) => declared.get(key(s)) ?? program.declared.length + (arrived.get(s.urn) ?? 0);
    steps.sort((a, b) => rank(a) - rank(b));
    const registered = new Set(this.registrations.map((r) => r.urn));
    const pending = state.filter((r) => r.pendingDelete);
    const dropped = state.filter((r) => !r.pendingDelete && !registered.has(r.urn));
    const deleted = new Set<ResourceState>();
    if (failed) {
      for (const kept of dropped.filter((r) => !seen.has(key(r)))) {
        steps.push(skipped(kept, "not deleted, because the deployment failed"));
      }
    } else {
      for (const gone of [...pending, ...this.replaced, ...[...dropped].reverse()]) {
        const step = preview ? ended(gone, "delete", Date.now(), {}) : await this.options.remove(gone);
        steps.push(step);
        if (step.ok) deleted.add(gone);
      }
    }
    const kept = (r: ResourceState) => !deleted.has(r);
    const next = [
      ...this.registrations.map((r) => this.next.get(r.urn) ?? this.prior.get(r.urn)),
      ...dropped.filter(kept),
      ...pending.filter(kept),
      ...this.replaced.filter(kept).map((r) => ({ ...r, pendingDelete: true })),
    ].filter((r): r is ResourceState => r !== undefined);
    return { steps, state: next };
  }
}

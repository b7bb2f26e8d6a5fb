/**
 * Drives a Pulumi program the way the engine does for `pulumi up`, `preview`, `refresh` and
 * `destroy`, without the CLI: the program runs under mocks to declare its resources, and every
 * dynamic resource goes through Pulumi's own provider host over gRPC, with state carried between
 * deployments as the engine carries it.
 */
import { readFileSync } from "fs";
import { load as loadYaml } from "js-yaml";
import * as path from "path";
import { ProviderCallError, ProviderHost, type HostLine } from "./host";
import { runProgram, type Registration } from "./program";

type Props = Record<string, unknown>;

/** One resource in the stack's state. */
export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly id: string;
  readonly inputs: Props;
  readonly outputs: Props;
  /** Set when the last create or update failed after the resource came to exist (partial state). */
  readonly initErrors?: readonly string[];
}

export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "refresh";

/** What happened to one resource in one deployment. */
export interface Step {
  readonly urn: string;
  readonly name: string;
  readonly op: StepOp;
  readonly ok: boolean;
  readonly outputs?: Props;
  readonly error?: string;
  /** When the provider answered this step (epoch ms). */
  readonly finishedAt: number;
}

export interface DeploymentReport {
  readonly kind: "up" | "preview" | "refresh" | "destroy";
  readonly ok: boolean;
  readonly steps: Step[];
  /** Everything the provider host printed during the deployment. */
  readonly hostOutput: HostLine[];
  /** Epoch ms: deployment start, host spawned, host listening, end. */
  readonly timing: {
    readonly start: number;
    readonly hostSpawned?: number;
    readonly hostReady?: number;
    readonly end: number;
  };
  /** The provider host's process id, for tests that measure or signal it. */
  readonly hostPid?: number;
  /** The provider host's peak resident memory over the deployment, in bytes, where the OS tells. */
  readonly hostPeakRssBytes?: number;
}

export interface EngineOptions {
  /** The directory of Pulumi.yaml. */
  readonly projectDir: string;
  /** The stack's name. @default "dev" */
  readonly stack?: string;
  /** Stack config; keys without a namespace belong to the project. @default {} */
  readonly config?: Record<string, string>;
  /** Extra environment for the provider host. @default {} */
  readonly hostEnv?: NodeJS.ProcessEnv;
  /** How many resource operations run at once, like `pulumi up --parallel`. @default 16 */
  readonly parallel?: number;
  /** Type-check the program as the language host does by default. @default false */
  readonly typeCheck?: boolean;
}

export interface DeployOptions {
  /** Replaces the stack config for this deployment (and those after it). */
  readonly config?: Record<string, string>;
  /** Called once the provider host is listening, e.g. to signal it mid-deployment. */
  readonly onHost?: (host: ProviderHost) => void;
}

/** A resource's step, the state it leaves, and whether it replaced the old resource. */
interface Outcome {
  readonly step: Step;
  readonly state?: ResourceState;
  readonly replacedOld?: boolean;
}

const isDynamic = (type: string) => type.startsWith("pulumi-nodejs:dynamic");

/** Runs `limit` tasks at a time, keeping results in order. */
async function pooled<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The state a failed create or update leaves when the provider answered with partial state: the
 * engine records it with init errors, and updates the resource on the next deployment.
 */
function partialState(
  error: unknown,
  urn: string,
  reg: Registration,
  inputs: Props,
  id?: string,
): ResourceState | undefined {
  const partial = error instanceof ProviderCallError ? error.partial : undefined;
  if (!partial) return undefined;
  return {
    urn,
    type: reg.type,
    name: reg.name,
    id: id ?? partial.id,
    inputs,
    outputs: partial.properties,
    initErrors: partial.reasons,
  };
}

export class Engine {
  /** The stack's resources after the last deployment, in registration order. */
  state: ResourceState[] = [];
  readonly project: string;
  readonly program: string;
  private config: Record<string, string>;

  constructor(readonly options: EngineOptions) {
    const yaml = loadYaml(readFileSync(path.join(options.projectDir, "Pulumi.yaml"), "utf8")) as {
      name: string;
      main?: string;
    };
    this.project = yaml.name;
    this.program = yaml.main ?? ".";
    this.config = this.qualify(options.config ?? {});
  }

  get stack(): string {
    return this.options.stack ?? "dev";
  }

  /** The resource's state by name. */
  resource(name: string): ResourceState | undefined {
    return this.state.find((r) => r.name === name);
  }

  private qualify(config: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${this.project}:${k}`, v]),
    );
  }

  private urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  private async registrations(preview: boolean): Promise<Registration[]> {
    return runProgram({
      program: this.program,
      projectDir: this.options.projectDir,
      project: this.project,
      stack: this.stack,
      config: this.config,
      preview,
      transpileOnly: !this.options.typeCheck,
      outputs: Object.fromEntries(this.state.map((r) => [`${r.type}::${r.name}`, { id: r.id, outputs: r.outputs }])),
    });
  }

  /**
   * Spawns the provider host while `prepare` runs (the program, usually), then configures the host
   * with the stack config, runs `work`, and ends the host.
   */
  private async withHost<P>(
    kind: DeploymentReport["kind"],
    options: DeployOptions,
    prepare: Promise<P>,
    work: (host: ProviderHost, prepared: P) => Promise<Step[]>,
  ): Promise<DeploymentReport> {
    const start = Date.now();
    const starting = ProviderHost.start({ projectDir: this.options.projectDir, env: this.options.hostEnv });
    const [host, prepared] = await Promise.all([
      starting,
      prepare.catch(async (error: unknown) => {
        await (await starting).close();
        throw error;
      }),
    ]);
    let steps: Step[];
    let hostPeakRssBytes: number | undefined;
    try {
      options.onHost?.(host);
      await host.configure(this.config);
      steps = await work(host, prepared);
      hostPeakRssBytes = host.peakRssBytes();
    } finally {
      await host.close();
    }
    return {
      kind,
      ok: steps.every((s) => s.ok),
      steps,
      hostOutput: host.lines,
      timing: { start, hostSpawned: host.startedAt, hostReady: host.readyAt, end: Date.now() },
      hostPid: host.pid,
      hostPeakRssBytes,
    };
  }

  /** `pulumi up`: runs the program, then creates, updates, replaces and deletes as the engine would. */
  async up(options: DeployOptions = {}): Promise<DeploymentReport> {
    if (options.config) this.config = this.qualify(options.config);
    return this.withHost("up", options, this.registrations(false), async (host, registrations) => {
      const old = new Map(this.state.map((r) => [r.urn, r]));
      const next = new Map<string, ResourceState>();
      const replaced: ResourceState[] = [];
      const steps = await pooled(registrations, this.options.parallel ?? 16, async (reg) => {
        const urn = this.urn(reg.type, reg.name);
        const prior = old.get(urn);
        const outcome: Outcome = isDynamic(reg.type)
          ? await this.deployDynamic(host, urn, reg, prior)
          : this.deployMocked(urn, reg, prior);
        if (outcome.state) next.set(urn, outcome.state);
        if (outcome.replacedOld && prior) replaced.push(prior);
        return outcome.step;
      });
      // Deletes come last, newest first: the old halves of replacements, then what the program dropped.
      for (const gone of replaced.reverse()) await this.remove(host, gone);
      const registered = new Set(registrations.map((r) => this.urn(r.type, r.name)));
      const removed = this.state.filter((r) => !registered.has(r.urn));
      for (const gone of [...removed].reverse()) {
        const step = await this.remove(host, gone);
        steps.push(step);
        if (!step.ok) next.set(gone.urn, gone);
      }
      this.state = [
        ...registrations.map((r) => next.get(this.urn(r.type, r.name))),
        ...removed.map((r) => next.get(r.urn)),
      ].filter((r): r is ResourceState => r !== undefined);
      return steps;
    });
  }

  private async deployDynamic(
    host: ProviderHost,
    urn: string,
    reg: Registration,
    prior: ResourceState | undefined,
  ): Promise<Outcome> {
    const base = { urn, name: reg.name };
    const fail = (op: StepOp, error: unknown, state?: ResourceState) => ({
      step: { ...base, op, ok: false, error: message(error), finishedAt: Date.now() },
      state,
    });
    const check = await host.check(urn, prior?.inputs ?? {}, reg.inputs).catch((e: unknown) => e as Error);
    if (check instanceof Error) return fail(prior ? "update" : "create", check, prior);
    if (check.failures.length > 0) {
      const reasons = check.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
      return fail(prior ? "update" : "create", new Error(reasons), prior);
    }
    const inputs = check.inputs;
    const create = async (op: "create" | "replace") => {
      try {
        const created = await host.create(urn, inputs);
        const state = { urn, type: reg.type, name: reg.name, id: created.id, inputs, outputs: created.properties };
        return {
          step: { ...base, op, ok: true, outputs: created.properties, finishedAt: Date.now() },
          state,
          replacedOld: op === "replace",
        };
      } catch (error) {
        const partial = partialState(error, urn, reg, inputs);
        const state = partial ?? (op === "replace" ? prior : undefined);
        return { ...fail(op, error, state), replacedOld: op === "replace" && partial !== undefined };
      }
    };
    if (!prior) return create("create");

    let diff;
    try {
      diff = await host.diff(urn, prior.id, prior.outputs, inputs, prior.inputs);
    } catch (error) {
      return fail("update", error, prior);
    }
    if (diff.replaces.length > 0) return create("replace");
    const changed = diff.changes === "some" || (diff.changes === "unknown" && !sameJson(prior.inputs, inputs));
    // The engine always updates a resource whose last operation left it with init errors.
    if (!changed && !prior.initErrors?.length) {
      return {
        step: { ...base, op: "same", ok: true, outputs: prior.outputs, finishedAt: Date.now() },
        state: { ...prior, inputs },
      };
    }
    try {
      const outputs = await host.update(urn, prior.id, prior.outputs, inputs, prior.inputs);
      return {
        step: { ...base, op: "update", ok: true, outputs, finishedAt: Date.now() },
        state: { urn, type: reg.type, name: reg.name, id: prior.id, inputs, outputs },
      };
    } catch (error) {
      const state = partialState(error, urn, reg, inputs, prior.id) ?? prior;
      return fail("update", error, state);
    }
  }

  /** Resources of other providers (e.g. @pulumi/aws) are mocked: their outputs are their inputs. */
  private deployMocked(
    urn: string,
    reg: Registration,
    prior: ResourceState | undefined,
  ): { step: Step; state: ResourceState } {
    const op: StepOp = !prior ? "create" : sameJson(prior.inputs, reg.inputs) ? "same" : "update";
    const state = {
      urn,
      type: reg.type,
      name: reg.name,
      id: prior?.id ?? `${reg.name}-id`,
      inputs: reg.inputs,
      outputs: reg.inputs,
    };
    return { step: { urn, name: reg.name, op, ok: true, outputs: reg.inputs, finishedAt: Date.now() }, state };
  }

  private async remove(host: ProviderHost, resource: ResourceState): Promise<Step> {
    const base = { urn: resource.urn, name: resource.name, op: "delete" as const };
    try {
      if (isDynamic(resource.type)) await host.delete(resource.urn, resource.id, resource.outputs, resource.inputs);
      return { ...base, ok: true, finishedAt: Date.now() };
    } catch (error) {
      return { ...base, ok: false, error: message(error), finishedAt: Date.now() };
    }
  }

  /** `pulumi preview`: check and diff only; reports the planned operation of each resource. */
  async preview(options: DeployOptions = {}): Promise<DeploymentReport> {
    if (options.config) this.config = this.qualify(options.config);
    return this.withHost("preview", options, this.registrations(true), (host, registrations) =>
      pooled(registrations, this.options.parallel ?? 16, async (reg): Promise<Step> => {
        const urn = this.urn(reg.type, reg.name);
        const prior = this.state.find((r) => r.urn === urn);
        const base = { urn, name: reg.name };
        try {
          if (!isDynamic(reg.type)) return { ...base, ...this.deployMocked(urn, reg, prior).step };
          const check = await host.check(urn, prior?.inputs ?? {}, reg.inputs);
          if (check.failures.length > 0)
            throw new Error(check.failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
          if (!prior) return { ...base, op: "create", ok: true, finishedAt: Date.now() };
          const diff = await host.diff(urn, prior.id, prior.outputs, check.inputs, prior.inputs);
          const op: StepOp =
            diff.replaces.length > 0
              ? "replace"
              : diff.changes === "some" || prior.initErrors?.length
                ? "update"
                : "same";
          return { ...base, op, ok: true, finishedAt: Date.now() };
        } catch (error) {
          return { ...base, op: prior ? "update" : "create", ok: false, error: message(error), finishedAt: Date.now() };
        }
      }),
    );
  }

  /** `pulumi refresh`: reads every dynamic resource back from its provider. */
  async refresh(options: DeployOptions = {}): Promise<DeploymentReport> {
    return this.withHost("refresh", options, Promise.resolve(), async (host) => {
      const steps = await pooled(this.state, this.options.parallel ?? 16, async (resource): Promise<Step> => {
        const base = { urn: resource.urn, name: resource.name, op: "refresh" as const };
        if (!isDynamic(resource.type)) return { ...base, ok: true, outputs: resource.outputs, finishedAt: Date.now() };
        try {
          const read = await host.read(resource.urn, resource.id, resource.outputs, resource.inputs);
          this.state = this.state.map((r) =>
            r.urn === resource.urn ? { ...r, id: read.id, outputs: read.properties } : r,
          );
          return { ...base, ok: true, outputs: read.properties, finishedAt: Date.now() };
        } catch (error) {
          return { ...base, ok: false, error: message(error), finishedAt: Date.now() };
        }
      });
      return steps;
    });
  }

  /** `pulumi destroy`: deletes every resource, last registered first. */
  async destroy(options: DeployOptions = {}): Promise<DeploymentReport> {
    return this.withHost("destroy", options, Promise.resolve(), async (host) => {
      const steps: Step[] = [];
      for (const resource of [...this.state].reverse()) steps.push(await this.remove(host, resource));
      this.state = this.state.filter((r) => steps.some((s) => s.urn === r.urn && !s.ok));
      return steps;
    });
  }
}

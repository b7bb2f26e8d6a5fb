/**
 * A deployment engine that runs a Pulumi program as `pulumi up`, `preview`, `refresh` and
 * `destroy` do, without the CLI. What is real: the program runs in its own Node process as under
 * the language host; every dynamic resource goes through Pulumi's own provider host over gRPC; each
 * registration is answered with the outcome of its step, so outputs flow back into the running
 * program and a resource that uses another's outputs registers only once that one's step ended.
 * What is mocked: resources of other providers (their outputs are their inputs plus an id).
 *
 * The engine's rules it follows (pulumi/pulumi `pkg/resource/deploy`):
 * - The step generator plans one registration at a time (Check, Diff); at most `parallel` steps
 *   then run at once, waiting for a worker in arrival order (the step executor's worker pool).
 * - A failed step fails the registration in the program, so its dependents never register. Without
 *   `continueOnError` the engine then starts no new step (steps in flight finish); with it, only the
 *   steps that depend on a failed one are skipped. Either way the deployment fails and deletes nothing.
 * - Replacements are create-before-delete; the old resource is deleted at the end of a deployment
 *   without errors, else kept as a pending delete that the next deployment deletes first.
 * - Partial state and init errors: see steps.ts.
 */
import { availableParallelism } from "os";
import { readFileSync } from "fs";
import { load as loadYaml } from "js-yaml";
import * as path from "path";
import { ProviderHost, type HostLine } from "./host";
import { Deployment, ended, type Step } from "./deployment";
import { startProgram, type ProgramEnd } from "./program";
import { Slots } from "../src/deploy/slots";
import { isDynamic, type ResourceState } from "./steps";

type Props = Record<string, unknown>;

export interface DeploymentReport {
  readonly kind: "up" | "preview" | "refresh" | "destroy";
  readonly ok: boolean;
  /** The steps in the order the program declared their resources, then deletes. */
  readonly steps: Step[];
  /** The stack's outputs (the program's exports), when the program ended and all were known. */
  readonly outputs?: Props;
  /** The program's own failure (a throw, a rejected promise), if any. */
  readonly programError?: string;
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
  /** Steps run at once, like `pulumi up --parallel`; 0 means no limit. @default 4 × the CPUs, as `pulumi up` */
  readonly parallel?: number;
  /** Go on with the steps that do not depend on a failed one, like `--continue-on-error`. @default false */
  readonly continueOnError?: boolean;
  /** Type-check the program as the language host does by default. @default false */
  readonly typeCheck?: boolean;
}

export interface DeployOptions {
  /** Replaces the stack config for this deployment (and those after it). */
  readonly config?: Record<string, string>;
  /** Called once the provider host is listening, e.g. to signal it mid-deployment. */
  readonly onHost?: (host: ProviderHost) => void;
}

/** `pulumi up`'s default `--parallel`: four per CPU (pulumi/pulumi pull request 15016). */
export const defaultParallel = (): number => 4 * availableParallelism();

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class Engine {
  /** The stack's resources after the last deployment, dependencies before dependents. */
  state: ResourceState[] = [];
  readonly project: string;
  readonly program: string;
  /** Steps run at once. */
  readonly parallel: number;
  private config: Record<string, string>;

  constructor(readonly options: EngineOptions) {
    const yaml = loadYaml(readFileSync(path.join(options.projectDir, "Pulumi.yaml"), "utf8")) as {
      name: string;
      main?: string;
    };
    this.project = yaml.name;
    this.program = yaml.main ?? ".";
    this.config = this.qualify(options.config ?? {});
    this.parallel = options.parallel ?? defaultParallel();
  }

  get stack(): string {
    return this.options.stack ?? "dev";
  }

  /** The resource's state by name (not the old half of a replacement). */
  resource(name: string): ResourceState | undefined {
    return this.state.find((r) => r.name === name && !r.pendingDelete);
  }

  private qualify(config: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
      Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${this.project}:${k}`, v]),
    );
  }

  /**
   * Starts the provider host (configured with the stack config), runs `work` with it while it comes
   * up, and ends the host.
   */
  private async withHost(
    kind: DeploymentReport["kind"],
    options: DeployOptions,
    work: (host: Promise<ProviderHost>) => Promise<{ steps: Step[]; program?: ProgramEnd }>,
  ): Promise<DeploymentReport> {
    if (options.config) this.config = this.qualify(options.config);
    const start = Date.now();
    const starting = ProviderHost.start({ projectDir: this.options.projectDir, env: this.options.hostEnv });
    const configured = starting.then(async (host) => {
      options.onHost?.(host);
      await host.configure(this.config);
      return host;
    });
    configured.catch(() => undefined);
    let outcome: { steps: Step[]; program?: ProgramEnd };
    let host: ProviderHost;
    let hostPeakRssBytes: number | undefined;
    try {
      outcome = await work(configured);
      host = await starting;
      hostPeakRssBytes = host.peakRssBytes();
    } finally {
      await starting.then((h) => h.close()).catch(() => undefined);
    }
    const { steps, program } = outcome;
    return {
      kind,
      ok: steps.every((s) => s.outcome !== "failed") && program?.error === undefined,
      steps,
      outputs: program?.outputs,
      programError: program?.error,
      hostOutput: host.lines,
      timing: { start, hostSpawned: host.startedAt, hostReady: host.readyAt, end: Date.now() },
      hostPid: host.pid,
      hostPeakRssBytes,
    };
  }

  /** `pulumi up`: runs the program, creating, updating, replacing and deleting as the engine does. */
  up(options: DeployOptions = {}): Promise<DeploymentReport> {
    return this.withHost("up", options, (host) => this.deploy(host, false));
  }

  /** `pulumi preview`: runs the program and plans each step without applying it. */
  preview(options: DeployOptions = {}): Promise<DeploymentReport> {
    return this.withHost("preview", options, (host) => this.deploy(host, true));
  }

  private async deploy(host: Promise<ProviderHost>, preview: boolean): Promise<{ steps: Step[]; program: ProgramEnd }> {
    const deployment = new Deployment({
      state: this.state,
      host,
      preview,
      parallel: this.parallel,
      continueOnError: this.options.continueOnError ?? false,
      remove: async (resource) => this.remove(await host, resource),
      urn: (type, name) => this.urn(type, name),
    });
    const program = await startProgram(
      {
        program: this.program,
        projectDir: this.options.projectDir,
        project: this.project,
        stack: this.stack,
        config: this.config,
        preview,
        transpileOnly: !this.options.typeCheck,
      },
      { register: (reg) => deployment.register(reg), failed: () => deployment.programFailed() },
    );
    const { steps, state } = await deployment.finish(program);
    if (!preview) this.state = state;
    return { steps, program };
  }

  private urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  private async remove(host: ProviderHost, resource: ResourceState): Promise<Step> {
    const startedAt = Date.now();
    try {
      if (isDynamic(resource.type)) await host.delete(resource.urn, resource.id, resource.outputs, resource.inputs);
      return ended(resource, "delete", startedAt, {});
    } catch (error) {
      return ended(resource, "delete", startedAt, { error: message(error) });
    }
  }

  /** `pulumi refresh`: reads every dynamic resource back from its provider, `parallel` at a time. */
  refresh(options: DeployOptions = {}): Promise<DeploymentReport> {
    return this.withHost("refresh", options, async (hostReady) => {
      const host = await hostReady;
      const slots = new Slots(this.parallel);
      const read = async (resource: ResourceState): Promise<Step> => {
        const startedAt = Date.now();
        try {
          if (!isDynamic(resource.type)) return ended(resource, "refresh", startedAt, { outputs: resource.outputs });
          const { id, properties } = await host.read(resource.urn, resource.id, resource.outputs, resource.inputs);
          this.state = this.state.map((r) => (r === resource ? { ...r, id, outputs: properties } : r));
          // As the engine's refresh step: the diff an `up` of the unchanged program would see
          // against what was read (pulumi/pulumi pkg/resource/deploy/step.go, RefreshStep).
          const diff = await host.diff(resource.urn, id, properties, resource.inputs, resource.inputs);
          return {
            ...ended(resource, "refresh", startedAt, { outputs: properties }),
            changed: diff.changes !== "none",
          };
        } catch (error) {
          return ended(resource, "refresh", startedAt, { error: message(error) });
        }
      };
      const steps = await Promise.all(
        this.state.map(async (resource) => {
          const release = await slots.acquire();
          return read(resource).finally(release);
        }),
      );
      return { steps };
    });
  }

  /** `pulumi destroy`: deletes every resource, dependents first. */
  destroy(options: DeployOptions = {}): Promise<DeploymentReport> {
    return this.withHost("destroy", options, async (hostReady) => {
      const host = await hostReady;
      const steps: Step[] = [];
      for (const resource of [...this.state].reverse()) steps.push(await this.remove(host, resource));
      const failed = new Set(steps.filter((s) => !s.ok).map((s) => s.urn));
      this.state = this.state.filter((r) => failed.has(r.urn));
      return { steps };
    });
  }
}

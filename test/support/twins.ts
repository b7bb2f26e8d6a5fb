/**
 * One program deployed twice over, step for step: under the real Pulumi CLI and under the engine
 * harness, each against an emulator of its own serving the same views. Where both engines run, they
 * must agree: the same steps with the same outcomes, and Glue asked for the same runs.
 */
import type { DeploymentReport } from "../../harness";
import type { EmulatedView, EmulatorOptions, GlueEmulator } from "../../src/emulator";
import { CliStack, type CliRun, type CliStep } from "./cli";
import { E2E_PROGRAM, E2eStack, emulatorFor, type Declaration } from "./e2e";

/** Builds a deployment's declaration for one engine's stack (resources point at its emulator). */
export type Declare = (stack: E2eStack) => Declaration;

/** A step as both engines can tell it: resource, operation, outcome. */
export type StepSummary = readonly [name: string, op: string, ok: boolean];

/** The harness's steps in the CLI's terms: a resource it skipped is one the engine never reached. */
export const harnessSteps = (report: DeploymentReport): StepSummary[] =>
  report.steps.filter((s) => s.op !== "skip").map(summary);
export const cliSteps = (steps: readonly CliStep[]): StepSummary[] => steps.map(summary);

/** A refresh step says what it found: `refresh:same`, or `refresh:update` when the next `up` has work. */
function summary(step: { name: string; op: string; ok: boolean; changed?: boolean }): StepSummary {
  const op = step.changed === undefined ? step.op : `${step.op}:${step.changed ? "update" : "same"}`;
  return [step.name, op, step.ok];
}

/** Steps compared as sets: the engines finish concurrent steps in different orders. */
export const sorted = (steps: StepSummary[]): StepSummary[] =>
  [...steps].sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));

export interface TwinDeployment {
  readonly cli: CliRun;
  readonly harness: DeploymentReport;
}

export class Twins {
  private constructor(
    readonly cli: CliStack,
    public harness: E2eStack,
    readonly cliEmulator: GlueEmulator,
    readonly harnessEmulator: GlueEmulator,
    private readonly views: readonly EmulatedView[],
    private readonly config: Record<string, string>,
  ) {}

  static async create(
    views: EmulatedView[],
    options: EmulatorOptions = {},
    config: Record<string, string> = { "aws:region": "us-east-1" },
  ) {
    const [cliEmulator, harnessEmulator] = await Promise.all([
      emulatorFor(views, options),
      emulatorFor(views, options),
    ]);
    const cli = await CliStack.create({ programDir: E2E_PROGRAM, emulator: cliEmulator });
    await cli.configure(config);
    return new Twins(cli, new E2eStack(harnessEmulator, {}, config), cliEmulator, harnessEmulator, views, config);
  }

  /** Sets the CLI stack's config for a declaration, as the harness's E2eStack writes it. */
  async declare(declare: Declare): Promise<void> {
    const declared = declare(new E2eStack(this.cliEmulator));
    const {
      tables = [],
      refreshes = [],
      groups = [],
    } = Array.isArray(declared) ? { refreshes: declared } : (declared as Exclude<Declaration, readonly unknown[]>);
    await this.cli.configure({
      tables: JSON.stringify(tables),
      refreshes: JSON.stringify(refreshes),
      groups: JSON.stringify(groups),
    });
  }

  /** `pulumi up` on both, with the same declaration and flags (`--parallel N` is the one the harness models). */
  async up(declare: Declare, parallel?: number): Promise<TwinDeployment> {
    await this.declare(declare);
    const flags = parallel === undefined ? [] : ["--parallel", String(parallel)];
    const harness = parallel === undefined ? this.harness : this.harnessWith(parallel);
    const [cli, report] = await Promise.all([this.cli.up(...flags), harness.up(declare(harness))]);
    return { cli, harness: report };
  }

  private harnessWith(parallel: number): E2eStack {
    const stack = new E2eStack(this.harnessEmulator, { parallel }, this.config);
    stack.engine.state = this.harness.engine.state;
    this.harness = stack;
    return stack;
  }

  /** Runs per view on each emulator, with their statuses. */
  runs(): { cli: string[][]; harness: string[][] } {
    const of = (emulator: GlueEmulator) => this.views.map((v) => emulator.runs(v).map((r) => r.status));
    return { cli: of(this.cliEmulator), harness: of(this.harnessEmulator) };
  }

  async close(): Promise<void> {
    this.cli.close();
    await Promise.all([this.cliEmulator.close(), this.harnessEmulator.close()]);
  }
}

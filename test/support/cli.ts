/**
 * A stack under the real Pulumi CLI: the project's own build (tools/pulumi-cli.ts), offline, with a
 * file backend and Pulumi home of the stack's own. The program is copied into a workspace of its own
 * (so the stack's config file lands there, not in the repository), beside a link to the
 * repository's node_modules, and runs against the Glue emulator with the same environment the
 * harness gives the provider host. Each deployment's engine events (`--json`) are read back into
 * steps shaped like the harness's, so the two engines can be compared.
 */
import { spawn, type ChildProcess } from "child_process";
import { rmSync } from "fs";
import * as path from "path";
import type { GlueEmulator } from "../../src/emulator";
import { ensurePulumiCli, offlineEnv, programWorkspace, type Toolchain } from "../../tools/pulumi-cli";
import type { StepOp } from "../../harness";
import { hostEnv } from "./e2e";

type Props = Record<string, unknown>;

/** One resource's step as the engine reported it, in the harness's terms. */
export interface CliStep {
  readonly name: string;
  readonly type: string;
  readonly op: StepOp;
  readonly ok: boolean;
  readonly outputs?: Props;
  /** The engine's error diagnostics for the resource, joined. */
  readonly error?: string;
  /** For a refresh: the engine reported `update` (the next `up` has work to do), not `same`. */
  readonly changed?: boolean;
}

/** A finished `pulumi` command. */
export interface CliRun {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The engine events, for commands run with `--json` that stream them (up, refresh, destroy). */
  readonly events: EngineEvent[];
  /** The steps of the program's resources (not the stack, nor providers), in the order they ended. */
  readonly steps: CliStep[];
  /** Every message printed for a resource or the stack, debug output left out. */
  readonly messages: string[];
}

interface EventMetadata {
  readonly op: string;
  readonly urn: string;
  readonly type: string;
  readonly new?: { readonly outputs?: Props };
}
export interface EngineEvent {
  /** `planning` marks the events of the preview a plain `pulumi up` runs first. */
  readonly resourcePreEvent?: { readonly metadata: EventMetadata; readonly planning?: boolean };
  readonly resOutputsEvent?: { readonly metadata: EventMetadata; readonly planning?: boolean };
  readonly resOpFailedEvent?: { readonly metadata: EventMetadata };
  readonly diagnosticEvent?: { readonly urn?: string; readonly message: string; readonly severity: string };
  readonly summaryEvent?: { readonly resourceChanges?: Record<string, number> };
}

/** The engine's step operations in the harness's terms; the halves of a replacement count once. */
const OPS: Record<string, StepOp | undefined> = {
  create: "create",
  update: "update",
  same: "same",
  delete: "delete",
  replace: "replace",
  "delete-replaced": "delete",
  refresh: "refresh",
};

const isProgramResource = (type: string) => type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/**
 * A command's stderr without the AWS SDK's notice that its next versions need a newer Node.js (it
 * warns once per process that makes a client on an older one), which says nothing of the command.
 */
export const withoutSdkNodeNotice = (stderr: string): string =>
  stderr.replace(
    /\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?--trace-warnings \.\.\.` to show where the warning was created\)\n/g,
    "",
  );

/** The program's steps from a stream of engine events: those applied, not those a preview planned. */
export function stepsOf(events: readonly EngineEvent[]): CliStep[] {
  const errors = new Map<string, string[]>();
  for (const event of events) {
    const diagnostic = event.diagnosticEvent;
    if (diagnostic?.severity === "error" && diagnostic.urn)
      errors.set(diagnostic.urn, [...(errors.get(diagnostic.urn) ?? []), diagnostic.message.trim()]);
  }
  // A refresh step begins as `refresh` and ends as `same` or `update`, the diff of what it read.
  const refreshing = new Set(
    events.flatMap((e) => (e.resourcePreEvent?.metadata.op === "refresh" ? [e.resourcePreEvent.metadata.urn] : [])),
  );
  const steps: CliStep[] = [];
  for (const event of events) {
    const ended = event.resOutputsEvent ?? event.resOpFailedEvent;
    if (!ended || event.resOutputsEvent?.planning) continue;
    const { op, urn, type } = ended.metadata;
    const refresh = refreshing.has(urn);
    const mapped = refresh ? "refresh" : OPS[op];
    if (!mapped || !isProgramResource(type)) continue;
    const ok = event.resOutputsEvent !== undefined;
    steps.push({
      name: nameOf(urn),
      type,
      op: mapped,
      ok,
      outputs: ended.metadata.new?.outputs,
      error: ok ? undefined : errors.get(urn)?.join("\n"),
      ...(refresh && ok ? { changed: op !== "same" } : {}),
    });
  }
  return steps;
}

function parseEvents(stdout: string): EngineEvent[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as EngineEvent];
      } catch {
        return [];
      }
    });
}

/** A `pulumi` command on its way: the child process, and its result. */
export interface Running {
  readonly child: ChildProcess;
  readonly done: Promise<CliRun>;
}

export interface CliStackOptions {
  /** The program's directory (a Pulumi project). */
  readonly programDir: string;
  readonly emulator: GlueEmulator;
  /** The stack's name. @default "dev" */
  readonly stack?: string;
  /** Extra environment for the CLI, and so for the language host and the providers. */
  readonly env?: NodeJS.ProcessEnv;
}

let toolchain: Promise<Toolchain> | undefined;
/** The project's CLI, built once per test process when missing. */
export const cliToolchain = (): Promise<Toolchain> => (toolchain ??= ensurePulumiCli());

export class CliStack {
  private constructor(
    readonly workspace: string,
    readonly toolchain: Toolchain,
    private readonly env: NodeJS.ProcessEnv,
    readonly stack: string,
  ) {}

  /** Copies the program into a new workspace and creates the stack there. */
  static async create(options: CliStackOptions): Promise<CliStack> {
    const chain = await cliToolchain();
    const { root: workspace, program } = programWorkspace(options.programDir);
    const env = {
      ...offlineEnv(chain, { stateDir: path.join(workspace, "state"), home: path.join(workspace, "home") }),
      ...hostEnv(options.emulator),
      // As the harness runs programs by default: type-checking is the examples' test's concern.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      ...options.env,
    };
    const stack = new CliStack(program, chain, env, options.stack ?? "dev");
    const init = await stack.run(["stack", "init", stack.stack]);
    if (init.code !== 0) throw new Error(`pulumi stack init failed: ${init.stderr}`);
    return stack;
  }

  /** Starts `pulumi ARGS` in the program's directory, in a process group of its own. */
  start(args: readonly string[]): Running {
    return this.exec(this.toolchain.pulumi, args);
  }

  /**
   * Starts any command (a pipeline's own script, which calls `pulumi` from PATH) as `start` does: in
   * the program's directory, with the stack's environment and the extra `env`.
   */
  exec(command: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Running {
    const child = spawn(command, args, {
      cwd: this.workspace,
      env: { ...this.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      // A group of its own, as a terminal's foreground job: Ctrl-C reaches the CLI, the language
      // host, the program and every provider at once (see `interrupt`).
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<CliRun>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => {
        const events = parseEvents(stdout);
        const messages = events.flatMap((e) =>
          e.diagnosticEvent && e.diagnosticEvent.severity !== "debug" ? [e.diagnosticEvent.message.trim()] : [],
        );
        resolve({ args, code, signal, stdout, stderr, events, steps: stepsOf(events), messages });
      });
    });
    return { child, done };
  }

  run(args: readonly string[]): Promise<CliRun> {
    return this.start(args).done;
  }

  /** Sends a signal to the whole process group (`group`, as Ctrl-C does) or to the CLI alone. */
  static signal(running: Running, signal: NodeJS.Signals, group: boolean): void {
    const pid = running.child.pid!;
    process.kill(group ? -pid : pid, signal);
  }

  /** Sets plain-text stack config. */
  async configure(config: Record<string, string>): Promise<void> {
    const pairs = Object.entries(config).flatMap(([key, value]) => ["--plaintext", `${key}=${value}`]);
    if (pairs.length === 0) return;
    const set = await this.run(["config", "set-all", ...pairs]);
    if (set.code !== 0) throw new Error(`pulumi config set-all failed: ${set.stderr}`);
  }

  /** `pulumi up` as users run it: its preview first, then the deployment. */
  up(...flags: string[]): Promise<CliRun> {
    return this.run(["up", "--yes", "--non-interactive", "--json", ...flags]);
  }

  refresh(...flags: string[]): Promise<CliRun> {
    return this.run(["refresh", "--yes", "--skip-preview", "--non-interactive", "--json", ...flags]);
  }

  destroy(...flags: string[]): Promise<CliRun> {
    return this.run(["destroy", "--yes", "--skip-preview", "--non-interactive", "--json", ...flags]);
  }

  /** `pulumi preview --json`: the plan as one JSON document. */
  async preview(...flags: string[]): Promise<{ run: CliRun; plan?: PreviewPlan }> {
    const run = await this.run(["preview", "--non-interactive", "--json", ...flags]);
    try {
      return { run, plan: JSON.parse(run.stdout) as PreviewPlan };
    } catch {
      return { run };
    }
  }

  /** The stack's outputs. */
  async outputs(): Promise<Props> {
    const run = await this.run(["stack", "output", "--json", "--show-secrets"]);
    if (run.code !== 0) throw new Error(`pulumi stack output failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as Props;
  }

  /** The stack's state, as `pulumi stack export` writes it. */
  async state(): Promise<ExportedState> {
    const run = await this.run(["stack", "export", "--show-secrets"]);
    if (run.code !== 0) throw new Error(`pulumi stack export failed: ${run.stderr}`);
    return (JSON.parse(run.stdout) as { deployment: ExportedState }).deployment;
  }

  /** A program resource's state by name. */
  async resource(name: string): Promise<ExportedResource | undefined> {
    const { resources = [] } = await this.state();
    return resources.find((r) => isProgramResource(r.type) && nameOf(r.urn) === name && !r.delete);
  }

  /** The URN of a program resource, for `--target`. */
  urn(type: string, name: string, project: string): string {
    return `urn:pulumi:${this.stack}::${project}::${type}::${name}`;
  }

  close(): void {
    rmSync(path.dirname(this.workspace), { recursive: true, force: true });
  }
}

export interface PreviewPlan {
  readonly steps: readonly {
    readonly op: string;
    readonly urn: string;
    readonly diffReasons?: readonly string[];
    readonly detailedDiff?: Record<string, { readonly kind: string }> | null;
  }[];
  readonly changeSummary?: Record<string, number>;
  readonly diagnostics?: readonly { readonly message: string; readonly severity: string; readonly urn?: string }[];
}

export interface ExportedResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly inputs?: Props;
  readonly outputs?: Props;
  readonly initErrors?: readonly string[];
  readonly delete?: boolean;
}

export interface ExportedState {
  readonly resources?: readonly ExportedResource[];
  readonly pending_operations?: readonly { readonly resource: ExportedResource; readonly type: string }[];
}

/** The provider plugin's configuration for a stack: the emulator for Glue and STS. */
export async function configurePlugin(stack: CliStack, emulator: GlueEmulator): Promise<void> {
  const set = await stack.run([
    "config",
    "set-all",
    "--path",
    "--plaintext",
    "glue-mv-refresh:region=us-east-1",
    "--plaintext",
    `glue-mv-refresh:endpoints[0].glue=${emulator.endpoint}`,
    "--plaintext",
    `glue-mv-refresh:endpoints[0].sts=${emulator.endpoint}`,
  ]);
  if (set.code !== 0) throw new Error(`pulumi config set-all failed: ${set.stderr}`);
}

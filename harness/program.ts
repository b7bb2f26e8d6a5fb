/**
 * Runs a Pulumi program in a plain Node child process, as the Node.js language host does, with the
 * engine's side of each resource registration answered here: the program waits for each answer and
 * goes on with the outputs it carries, as a program under `pulumi up` does.
 */
import { fork } from "child_process";
import { existsSync } from "fs";
import * as path from "path";

type Props = Record<string, unknown>;

/** A resource registration, with its inputs as the engine hands them to a provider. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** The parent's URN, for a resource declared inside a component. */
  readonly parent?: string;
  /** The URNs of the resources it depends on: its inputs' resources and `dependsOn`. */
  readonly dependencies: readonly string[];
  readonly inputs: Props;
  /** Every property the resource declares, inputs and outputs alike (where the SDK tells). */
  readonly properties: readonly string[];
  /** A read of an existing resource (`Resource.get`), not one the program manages. */
  readonly read: boolean;
}

/** The engine's answer to a registration: the resource's id and outputs, or why it has none. */
export type Answer = { readonly id: string; readonly outputs: Props } | { readonly error: string };

/** A resource the program declared, registered or not. */
export interface Declared {
  readonly type: string;
  readonly name: string;
}

/** How the program ended. */
export interface ProgramEnd {
  /** The program's own failure (a throw, a rejected promise), if any; failed registrations aside. */
  readonly error?: string;
  /** The stack's outputs (the program's exports), when they were all known. */
  readonly outputs?: Props;
  /** Every resource the program declared, in order. */
  readonly declared: readonly Declared[];
  /** What the program printed, stdout and stderr. */
  readonly output: string;
}

export interface ProgramOptions {
  /** The program: a file or a directory, relative to the project directory or absolute. */
  readonly program: string;
  /** The directory of Pulumi.yaml, where node_modules are resolved and the program runs. */
  readonly projectDir: string;
  readonly project: string;
  readonly stack: string;
  /** Stack config with fully qualified keys ("aws:region", "project:key"). */
  readonly config: Record<string, string>;
  /** Whether this is a preview: outputs the engine leaves out are unknown to the program. @default false */
  readonly preview?: boolean;
  /** Load TypeScript with ts-node as the language host does. @default true */
  readonly typescript?: boolean;
  /** Skip type checking, as PULUMI_NODEJS_TRANSPILE_ONLY=true does. @default true */
  readonly transpileOnly?: boolean;
  /** Extra environment for the program process. @default {} */
  readonly env?: NodeJS.ProcessEnv;
}

/** The engine's side of a running program. */
export interface ProgramHandlers {
  /** Answers a registration; the program waits for the answer. */
  register(registration: Registration): Promise<Answer>;
  /** The program failed; it may still register resources it had declared before. */
  failed?(error: string): void;
}

/** The runner script, beside these sources or, from their compiled copy in build/, in the sources. */
const RUNNER = [
  path.join(__dirname, "run-program.js"),
  path.join(__dirname, "..", "..", "harness", "run-program.js"),
].find((candidate) => existsSync(candidate))!;

type Message =
  | ({ kind: "register"; seq: number } & Registration)
  | { kind: "declare"; type: string; name: string }
  | { kind: "outputs"; outputs: Props }
  | { kind: "programError"; error: string }
  | { kind: "done" };

/** Runs the program to its end, answering each registration with `handlers.register`. */
export function startProgram(options: ProgramOptions, handlers: ProgramHandlers): Promise<ProgramEnd> {
  const request = {
    program: path.resolve(options.projectDir, options.program),
    projectDir: options.projectDir,
    project: options.project,
    stack: options.stack,
    preview: options.preview ?? false,
    typescript: options.typescript ?? true,
    transpileOnly: options.transpileOnly ?? true,
  };
  const child = fork(RUNNER, [], {
    cwd: options.projectDir,
    env: {
      ...process.env,
      ...options.env,
      HARNESS_PROGRAM_REQUEST: JSON.stringify(request),
      PULUMI_CONFIG: JSON.stringify(options.config),
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const declared: Declared[] = [];
  let error: string | undefined;
  let outputs: Props | undefined;
  let done = false;
  let output = "";
  for (const stream of [child.stdout!, child.stderr!])
    stream.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.on("message", (message: Message) => {
    switch (message.kind) {
      case "register": {
        const { kind: _kind, seq, ...registration } = message;
        const inputs = providerValue(registration.inputs) as Props;
        void handlers
          .register({ ...registration, inputs })
          .catch((e: unknown): Answer => ({ error: e instanceof Error ? e.message : String(e) }))
          .then((answer) => child.connected && child.send({ seq, ...answer }));
        break;
      }
      case "declare":
        declared.push({ type: message.type, name: message.name });
        break;
      case "outputs":
        outputs = message.outputs;
        break;
      case "programError":
        error = message.error;
        handlers.failed?.(message.error);
        break;
      case "done":
        done = true;
        break;
    }
  });
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      if (!done && error === undefined) {
        error = `the program ${options.program} exited (${signal ?? code}) before it finished: ${output.trim()}`;
        handlers.failed?.(error);
      }
      resolve({ error, outputs: error === undefined ? outputs : undefined, declared, output });
    });
  });
}

/**
 * Runs the program alone, answering every registration as a mocked resource (its outputs are its
 * inputs), and returns what it registered: how a program declares its resources, without a deployment.
 */
export async function runProgram(options: ProgramOptions): Promise<Registration[]> {
  const registrations: Registration[] = [];
  const end = await startProgram(options, {
    register: (registration) => {
      registrations.push(registration);
      return Promise.resolve({ id: `${registration.name}-id`, outputs: registration.inputs });
    },
  });
  if (end.error !== undefined) throw new Error(`the program ${options.program} failed: ${end.error}`);
  return registrations;
}

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/**
 * A property value as the engine gives it to a provider that accepts neither secrets nor resource
 * references (the dynamic provider host accepts neither): secrets unwrapped, a resource reference
 * replaced by the resource's id, or its URN for a component.
 */
export function providerValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(providerValue);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Props;
  if (record[SIG] === SECRET_SIG) return providerValue(record.value);
  // A component's reference carries an empty id: its URN stands for it.
  if (record[SIG] === RESOURCE_SIG) return record.id === "" || record.id === undefined ? record.urn : record.id;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, providerValue(v)]));
}

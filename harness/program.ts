/**
 * Runs a Pulumi program in a plain Node child process under Pulumi's mocks and returns each
 * resource it registered, with its inputs as the engine would receive them.
 */
import { execFile } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
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
  /** Whether this is a preview (outputs of other resources may be unknown). */
  readonly preview?: boolean;
  /** Load TypeScript with ts-node as the language host does. @default true */
  readonly typescript?: boolean;
  /** Skip type checking, as PULUMI_NODEJS_TRANSPILE_ONLY=true does. @default true */
  readonly transpileOnly?: boolean;
  /** Outputs recorded for resources ("type::name"), handed back to the program as a real engine would. */
  readonly outputs?: Record<string, { id: string; outputs: Record<string, unknown> }>;
  /** Extra environment for the program process. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The runner script, beside these sources or, from their compiled copy in build/, in the sources. */
const RUNNER = [
  path.join(__dirname, "run-program.js"),
  path.join(__dirname, "..", "..", "harness", "run-program.js"),
].find((candidate) => existsSync(candidate))!;

export async function runProgram(options: ProgramOptions): Promise<Registration[]> {
  const work = mkdtempSync(path.join(tmpdir(), "harness-program-"));
  try {
    const requestFile = path.join(work, "request.json");
    const resultFile = path.join(work, "result.json");
    writeFileSync(
      requestFile,
      JSON.stringify({
        program: path.resolve(options.projectDir, options.program),
        projectDir: options.projectDir,
        project: options.project,
        stack: options.stack,
        preview: options.preview ?? false,
        typescript: options.typescript ?? true,
        transpileOnly: options.transpileOnly ?? true,
        outputs: options.outputs ?? {},
        resultFile,
      }),
    );
    const env = {
      ...process.env,
      ...options.env,
      HARNESS_PROGRAM_REQUEST: requestFile,
      PULUMI_CONFIG: JSON.stringify(options.config),
    };
    const stderr = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [RUNNER],
        { env, cwd: options.projectDir, maxBuffer: 64 * 1024 * 1024 },
        (_error, _stdout, err) => resolve(err),
      );
    });
    let result: { registrations: Registration[]; error?: string };
    try {
      result = JSON.parse(readFileSync(resultFile, "utf8")) as typeof result;
    } catch {
      throw new Error(`the program ${options.program} did not run: ${stderr}`);
    }
    if (result.error) throw new Error(`the program ${options.program} failed: ${result.error}`);
    return result.registrations;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

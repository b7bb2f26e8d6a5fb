/**
 * Runs an example program offline: `npm run example -- NAME`. Each folder under examples/ with a
 * Node.js Pulumi.yaml is an example (the Python, Go and YAML ones run under the real CLI, in
 * test/cli/languages.test.ts); it is deployed type-checked through the engine harness and Pulumi's
 * provider host against the Glue emulator, which serves every view the program names, twice:
 * once as a first `pulumi up`, then again (with any `--then` config) to show what a second one does.
 *
 *   npm run example -- glue-table
 *   npm run example -- quickstart --config tableName=orders_mv --then schemaVersion=2
 */
import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { startEmulator, type EmulatedRun } from "pulumi-glue-mv-refresh/emulator";
import { Engine, type DeploymentReport } from "../harness";
import { printReport, printRuns, type Print } from "./log";

/** The repository's examples/, from these sources or from their compiled copy in build/. */
export const EXAMPLES = [path.join(__dirname, "..", "examples"), path.join(__dirname, "..", "..", "examples")].find(
  (dir) => existsSync(dir),
)!;
/** Emulated milliseconds per real millisecond: a five-minute refresh takes half a second. */
const CLOCK_SCALE = 600;
const CREDENTIALS = { accessKeyId: "AKIAEMULATOREXAMPLE1", secretAccessKey: "example-secret-access-key" };

/** Whether a project's Pulumi.yaml names the Node.js runtime (`runtime: nodejs`, or `name: nodejs` under it). */
function isNodejsProject(dir: string): boolean {
  const project = path.join(dir, "Pulumi.yaml");
  return existsSync(project) && /^runtime:\s*(nodejs\s*$|\n\s+name:\s*nodejs\s*$)/m.test(readFileSync(project, "utf8"));
}

/** The examples: every folder under examples/ that holds a Node.js Pulumi project. */
export function listExamples(): string[] {
  return readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && isNodejsProject(path.join(EXAMPLES, entry.name)))
    .map((entry) => entry.name)
    .sort();
}

export interface ExampleOptions {
  /** Stack config for both deployments; `aws:region` defaults to us-east-1. */
  readonly config?: Record<string, string>;
  /** Config changed for the second deployment. */
  readonly then?: Record<string, string>;
  /** Where the deployment log goes. @default console.log */
  readonly print?: Print;
}

export interface ExampleResult {
  readonly reports: DeploymentReport[];
  readonly runs: EmulatedRun[];
}

/** Deploys the example twice against a fresh emulator, printing the log; the reports and the runs Glue saw. */
export async function runExample(name: string, options: ExampleOptions = {}): Promise<ExampleResult> {
  if (!listExamples().includes(name))
    throw new Error(`no example ${JSON.stringify(name)}; the examples are ${listExamples().join(", ")}`);
  const print = options.print ?? console.log;
  const emulator = await startEmulator({
    anyView: true,
    clockScale: CLOCK_SCALE,
    runDurationMs: 5 * 60_000,
    credentials: [CREDENTIALS],
  });
  try {
    print(`Glue emulator on ${emulator.endpoint}, serving any view (account ${emulator.accountId})`);
    const config = { "aws:region": "us-east-1", ...options.config };
    const engine = new Engine({
      projectDir: path.join(EXAMPLES, name),
      typeCheck: true,
      config,
      // The provider host meets the emulator where it would meet AWS: the SDK's own endpoint
      // variable sends Glue and STS there, and the program needs no setting of its own.
      hostEnv: {
        AWS_ENDPOINT_URL: emulator.endpoint,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: "",
        AWS_PROFILE: "",
        AWS_CONFIG_FILE: path.join(EXAMPLES, "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(EXAMPLES, "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
        GLUE_MV_REFRESH_CLOCK_SCALE: String(CLOCK_SCALE),
        GLUE_MV_REFRESH_CLOCK_ORIGIN: String(emulator.clockOrigin),
      },
    });
    const first = await engine.up();
    printReport(`pulumi up: examples/${name}, type-checked`, first, print);
    const again = options.then ? `with ${listed(options.then)}` : "nothing changed";
    const second = await engine.up(options.then ? { config: { ...config, ...options.then } } : {});
    printReport(`pulumi up again, ${again}`, second, print);
    const runs = emulator.runs();
    printRuns(runs, print);
    return { reports: [first, second], runs };
  } finally {
    await emulator.close();
  }
}

const listed = (config: Record<string, string>) =>
  Object.entries(config)
    .map(([key, value]) => `${key}=${value}`)
    .join(", ");

/** `key=value` pairs into config. */
function configOf(pairs: string[] | undefined, flag: string): Record<string, string> | undefined {
  if (!pairs) return undefined;
  return Object.fromEntries(
    pairs.map((pair) => {
      const equals = pair.indexOf("=");
      if (equals <= 0) throw new Error(`--${flag} needs KEY=VALUE; got ${JSON.stringify(pair)}`);
      return [pair.slice(0, equals), pair.slice(equals + 1)];
    }),
  );
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { config: { type: "string", multiple: true }, then: { type: "string", multiple: true } },
  });
  if (positionals.length !== 1) {
    console.log(
      `Usage: npm run example -- NAME [--config KEY=VALUE]... [--then KEY=VALUE]...\n\nExamples: ${listExamples().join(", ")}`,
    );
    process.exitCode = positionals.length === 0 ? 0 : 2;
    return;
  }
  const result = await runExample(positionals[0], {
    config: configOf(values.config, "config"),
    then: configOf(values.then, "then"),
  });
  if (!result.reports.every((report) => report.ok)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

/**
 * actionlint, the GitHub Actions workflow linter that `npm run lint` runs on the repository's own
 * workflows (.github/workflows, the release) and the examples':
 * built from its Go module at the version the wrapper module `tools/actionlint/` pins, into
 * `.pulumi/bin/` (ignored by git) beside the project's Pulumi CLI, on first use.
 *
 *   node build/tools/actionlint.js           lints .github/workflows/*.yml and every examples/NAME/.github/workflows/*.yml
 *   node build/tools/actionlint.js FILE…     lints those files
 */
import { execFile, spawn } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import * as path from "path";
import { promisify } from "util";
import { BIN_DIR, requiredVersion, ROOT, step, type Progress } from "./pulumi-cli";

const MODULE_DIR = path.join(ROOT, "tools", "actionlint");
const MODULE = "github.com/rhysd/actionlint";
export const ACTIONLINT = path.join(BIN_DIR, "actionlint");
const STAMP = path.join(BIN_DIR, "actionlint.json");

/** The pinned version, as tools/actionlint/go.mod requires it. */
export function actionlintVersion(): string {
  return requiredVersion(readFileSync(path.join(MODULE_DIR, "go.mod"), "utf8"), MODULE);
}

/** What a build depends on: the wrapper module's go.mod and go.sum. A change rebuilds. */
function buildKey(): string {
  const hash = createHash("sha256");
  for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(path.join(MODULE_DIR, file)));
  return hash.digest("hex").slice(0, 16);
}

function builtIsCurrent(): boolean {
  if (!existsSync(ACTIONLINT) || !existsSync(STAMP)) return false;
  try {
    return (JSON.parse(readFileSync(STAMP, "utf8")) as { key?: string }).key === buildKey();
  } catch {
    return false;
  }
}

/** The project's actionlint, built when missing or when the pinned version changed. */
export async function ensureActionlint(progress: Progress = (line) => console.error(line)): Promise<string> {
  if (builtIsCurrent()) return ACTIONLINT;
  const version = actionlintVersion();
  mkdirSync(BIN_DIR, { recursive: true });
  // Built beside and renamed into place, so a lint and a test building at once never run half a file.
  const partial = `${ACTIONLINT}.${process.pid}.partial`;
  await step(
    progress,
    `building actionlint ${version}`,
    "go",
    ["build", "-o", partial, `${MODULE}/cmd/actionlint`],
    MODULE_DIR,
    "actionlint",
  );
  const { stdout } = await promisify(execFile)(partial, ["-version"]);
  const reported = stdout.split("\n")[0].trim();
  if (reported !== version) throw new Error(`actionlint: built ${version}, but it reports version ${reported}`);
  renameSync(partial, ACTIONLINT);
  writeFileSync(STAMP, JSON.stringify({ version, key: buildKey() }, null, 2) + "\n");
  return ACTIONLINT;
}

/** The examples' GitHub Actions workflows, which live in each example's own .github/ (users copy the folder). */
export function exampleWorkflows(): string[] {
  const examples = path.join(ROOT, "examples");
  return readdirSync(examples).flatMap((name) => {
    const dir = path.join(examples, name, ".github", "workflows");
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((file) => /\.ya?ml$/.test(file))
      .sort()
      .map((file) => path.relative(ROOT, path.join(dir, file)));
  });
}

/**
 * Runs actionlint on the files, from the repository's root, and resolves to its exit code.
 * shellcheck and pyflakes are left out even where installed, so a lint passes or fails alike on
 * every machine.
 */
export async function runActionlint(files: readonly string[], stdio: "inherit" | "pipe" = "inherit") {
  const executable = await ensureActionlint();
  const child = spawn(executable, ["-shellcheck=", "-pyflakes=", ...files], {
    cwd: ROOT,
    stdio: ["ignore", stdio, stdio],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  return { code, output };
}

/** The repository's own workflows (.github/workflows: the release). */
export function repositoryWorkflows(): string[] {
  const dir = path.join(ROOT, ".github", "workflows");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => path.relative(ROOT, path.join(dir, file)));
}

async function main(): Promise<void> {
  const files = process.argv.length > 2 ? process.argv.slice(2) : [...repositoryWorkflows(), ...exampleWorkflows()];
  if (files.length === 0) throw new Error("actionlint: no workflow files to lint");
  const { code } = await runActionlint(files);
  if (code === 0) console.error(`actionlint ${actionlintVersion()}: ${files.join(", ")} passed`);
  process.exitCode = code ?? 1;
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });

/**
 * The provider plugin's SDKs, `sdk/nodejs`, `sdk/python`, `sdk/go`, `sdk/dotnet` and `sdk/java`,
 * generated from its schema `provider/schema.json` by Pulumi's own SDK generators. The project's
 * program `tools/pulumi/gensdk` calls the first four in-process (`pulumi package gen-sdk` would ask the
 * language hosts, and the project's predate that); Java's is pulumi-java's own command,
 * `pulumi-java-gen`, built from `tools/java` (it is not built on the CLI's pkg/v3). Both are built
 * into `.pulumi/bin/` (ignored by git) when missing or older than their modules, and stamp the
 * package's version from package.json, so the SDKs depend on nothing but the schema, the version and
 * the generators' pinned versions.
 *
 *   node build/tools/gen-sdk.js           rewrites sdk/nodejs, sdk/python, sdk/go, sdk/dotnet, sdk/java
 *   node build/tools/gen-sdk.js --check   fails, naming the files, when they differ from a fresh generation
 *
 * Both take `--schema FILE` to generate from another schema. `sdk/README.md`, `sdk/go.mod`,
 * `sdk/go.sum` and `sdk/java/pom.xml` are not generated: they are kept as they are.
 */
import { spawn, spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { BIN_DIR, JAVA_VERSION_VARIABLE, pinnedVersions, ROOT } from "./pulumi-cli";

/** The languages `tools/pulumi/gensdk` generates, each into the directory of its name under sdk/. */
export const GENSDK_LANGUAGES = ["nodejs", "python", "go", "dotnet"] as const;
/** Every language generated, each into the directory of its name under sdk/. */
export const LANGUAGES = [...GENSDK_LANGUAGES, "java"] as const;
/** The files in the languages' directories (relative to sdk/) written by hand, which generation keeps. */
export const KEPT_FILES: ReadonlySet<string> = new Set(["java/pom.xml"]);
export const SDK_DIR = path.join(ROOT, "sdk");
export const SCHEMA_FILE = path.join(ROOT, "provider", "schema.json");
/** The generator's Go module, beside the CLI's, at the CLI's version of `github.com/pulumi/pulumi/pkg/v3`. */
export const GENERATOR_MODULE = path.join(ROOT, "tools", "pulumi", "gensdk");
export const GENERATOR = path.join(BIN_DIR, "gensdk");
/** The Java SDK generator's Go module, pulumi-java's pkg (which also gives the Java language host). */
export const JAVA_GENERATOR_MODULE = path.join(ROOT, "tools", "java");
export const JAVA_GENERATOR = path.join(BIN_DIR, "pulumi-java-gen");

/** The version stamped on the SDKs: the package's own. */
export function sdkVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** The machine's own Go, never one downloaded on a go.mod's say, and go.sum must already be whole. */
const GO_ENV = { GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false", CGO_ENABLED: "0" };

/**
 * Runs a command, its output inherited; or, `quiet`, held back and put in the error when it fails
 * (pulumi-java-gen prints that it is deprecated, and warnings about the schema's secret config, on
 * every run).
 */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  quiet = false,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `${command} ${args.join(" ")} (in ${cwd}) exited ${code ?? signal ?? "?"}${output ? `:\n${output}` : ""}`,
            ),
          ),
    );
  });
}

/** The newest modification time of the generator's sources (Go files, go.mod, go.sum, the embedded logo). */
function sourcesTime(): number {
  return Math.max(...readdirSync(GENERATOR_MODULE).map((name) => statSync(path.join(GENERATOR_MODULE, name)).mtimeMs));
}

/** Builds `.pulumi/bin/gensdk` when it is missing or older than its sources. */
export async function ensureGenerator(
  progress: (line: string) => void = (line) => console.error(line),
): Promise<string> {
  if (existsSync(GENERATOR) && statSync(GENERATOR).mtimeMs >= sourcesTime()) return GENERATOR;
  const began = Date.now();
  progress("gen-sdk: building the SDK generator (tools/pulumi/gensdk)…");
  await run("go", ["build", "-o", GENERATOR, "."], GENERATOR_MODULE, { ...process.env, ...GO_ENV });
  progress(`gen-sdk: building the SDK generator took ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return GENERATOR;
}

/** Builds `.pulumi/bin/pulumi-java-gen` when it is missing or older than its module's go.mod or go.sum. */
export async function ensureJavaGenerator(
  progress: (line: string) => void = (line) => console.error(line),
): Promise<string> {
  const sources = ["go.mod", "go.sum"].map((name) => statSync(path.join(JAVA_GENERATOR_MODULE, name)).mtimeMs);
  if (existsSync(JAVA_GENERATOR) && statSync(JAVA_GENERATOR).mtimeMs >= Math.max(...sources)) return JAVA_GENERATOR;
  const began = Date.now();
  const { javaHost } = pinnedVersions();
  progress(`gen-sdk: building the Java SDK generator pulumi-java-gen ${javaHost} (tools/java)…`);
  await run(
    "go",
    [
      "build",
      "-o",
      JAVA_GENERATOR,
      `-ldflags=-X ${JAVA_VERSION_VARIABLE}=${javaHost}`,
      "github.com/pulumi/pulumi-java/pkg/cmd/pulumi-java-gen",
    ],
    JAVA_GENERATOR_MODULE,
    { ...process.env, ...GO_ENV },
  );
  progress(`gen-sdk: building pulumi-java-gen took ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return JAVA_GENERATOR;
}

/**
 * Writes the Java SDK into `out`/java, emptied first but for the files written by hand
 * ({@link KEPT_FILES}) and Maven's build output (target/). pulumi-java-gen empties the directory it
 * writes, and takes it relative to its working directory: it writes into a directory of its own.
 */
async function generateJavaSdk(out: string, schema: string, version: string): Promise<void> {
  const generator = await ensureJavaGenerator();
  const scratch = mkdtempSync(path.join(tmpdir(), "gen-sdk-java-"));
  try {
    // No build files (the pom.xml is the project's own); the version in version.txt is package.json's.
    await run(
      generator,
      ["generate", "--schema", path.resolve(schema), "--out", "java", "--build", "none", "--version", version],
      scratch,
      process.env,
      true,
    );
    const target = path.join(out, "java");
    mkdirSync(target, { recursive: true });
    for (const entry of readdirSync(target)) {
      if (entry === "target" || KEPT_FILES.has(`java/${entry}`)) continue;
      rmSync(path.join(target, entry), { recursive: true, force: true });
    }
    cpSync(path.join(scratch, "java"), target, { recursive: true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Writes every language's SDK under `out` (each language's directory emptied first, but for
 * {@link KEPT_FILES}), stamped with `version` (a release's, tools/release.ts; the package's by default).
 */
export async function generateSdks(out: string, schema = SCHEMA_FILE, version = sdkVersion()): Promise<void> {
  const generator = await ensureGenerator();
  await run(
    generator,
    ["-schema", schema, "-out", out, "-version", version, "-languages", GENSDK_LANGUAGES.join(",")],
    ROOT,
  );
  await generateJavaSdk(out, schema, version);
}

/** The files under `dir`, relative to it, slash-separated. */
function filesUnder(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

/**
 * Of the files named (relative to sdk/), those git would ignore there: build output such as a built
 * sdk/nodejs's node_modules or bin. Nothing when git cannot tell (no git, no repository).
 */
function ignoredByGit(files: string[]): Set<string> {
  if (files.length === 0) return new Set();
  const answer = spawnSync("git", ["check-ignore", "--no-index", "--stdin", "-z"], {
    cwd: ROOT,
    input: files.map((file) => `sdk/${file}\0`).join(""),
    encoding: "utf8",
  });
  if (answer.error || (answer.status !== 0 && answer.status !== 1)) return new Set();
  return new Set(
    answer.stdout
      .split("\0")
      .filter(Boolean)
      .map((file) => file.slice("sdk/".length)),
  );
}

/** The generated files (relative to sdk/) that differ between the `committed` and the `fresh` sdk trees. */
export function differingFiles(committed: string, fresh: string): string[] {
  const differing: string[] = [];
  for (const language of LANGUAGES) {
    const names = new Set<string>();
    for (const file of filesUnder(path.join(committed, language))) names.add(`${language}/${file}`);
    for (const file of filesUnder(path.join(fresh, language))) names.add(`${language}/${file}`);
    const ignored = ignoredByGit([...names]);
    for (const name of names) {
      if (ignored.has(name) || KEPT_FILES.has(name)) continue;
      const [a, b] = [path.join(committed, name), path.join(fresh, name)];
      if (!existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b))) differing.push(name);
    }
  }
  return differing.sort();
}

/** Generates into a temporary directory and returns the files of sdk/ that differ from it. */
export async function checkSdks(schema = SCHEMA_FILE): Promise<string[]> {
  const fresh = mkdtempSync(path.join(tmpdir(), "gen-sdk-"));
  try {
    await generateSdks(fresh, schema);
    return differingFiles(SDK_DIR, fresh);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  const check = args.includes("--check");
  const at = args.indexOf("--schema");
  const schema = at >= 0 && args[at + 1] ? path.resolve(args[at + 1]) : SCHEMA_FILE;
  if (!check) {
    const began = Date.now();
    await generateSdks(SDK_DIR, schema);
    console.error(
      `gen-sdk: wrote sdk/{${LANGUAGES.join(",")}} from ${path.relative(ROOT, schema)} ` +
        `(version ${sdkVersion()}) in ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
    return;
  }
  const differing = await checkSdks(schema);
  if (differing.length === 0) {
    console.error(`gen-sdk: sdk/ is up to date with ${path.relative(ROOT, schema)}`);
    return;
  }
  console.error(
    `gen-sdk: sdk/ differs from what ${path.relative(ROOT, schema)} generates; run \`npm run gen-sdk\`:\n` +
      differing.map((file) => `  sdk/${file}`).join("\n"),
  );
  process.exitCode = 1;
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });

/**
 * The project's Pulumi CLI: built from its Go modules at the versions the wrapper modules under `tools/` pin, into
 * `.pulumi/bin/` (ignored by git), and run offline with a Pulumi home, backend and passphrase of its
 * own, so the user's own Pulumi home is never touched.
 *
 * - `pulumi`: `github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`, through the wrapper module
 *   `tools/pulumi/`, which carries the release's own `replace` line (`go install …@version` refuses a
 *   module with `replace` directives).
 * - `pulumi-language-nodejs`: the Node.js language host, through `tools/language-hosts/`.
 * - `pulumi-resource-pulumi-nodejs`: the dynamic provider's launcher, the script `@pulumi/pulumi`
 *   ships at its root, linked from the project's own installed copy.
 *
 * A `pulumi` already on PATH at a supported version is used instead of building one.
 */
import { execFile, spawn } from "child_process";
import { createHash } from "crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { promisify } from "util";

/** The repository's root, from these sources or their compiled copy under build/. */
export const ROOT = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].find((dir) =>
  existsSync(path.join(dir, "tools", "pulumi", "go.mod")),
)!;
/** Where the project's CLI and its Pulumi home live (ignored by git). */
export const PULUMI_DIR = path.join(ROOT, ".pulumi");
export const BIN_DIR = path.join(PULUMI_DIR, "bin");
const STAMP = path.join(BIN_DIR, "built.json");

/** A Go module's version as a wrapper module's go.mod requires it. */
export function requiredVersion(goMod: string, module: string): string {
  const line = new RegExp(`^\\s*${module.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s+(v\\S+)`, "m").exec(goMod);
  if (!line) throw new Error(`the wrapper module does not require ${module}`);
  return line[1];
}

const readGoMod = (wrapper: string) => readFileSync(path.join(ROOT, "tools", wrapper, "go.mod"), "utf8");

/** The pinned versions: the CLI's (tools/pulumi/go.mod) and the language hosts' (tools/language-hosts/go.mod). */
export function pinnedVersions(): { readonly cli: string; readonly languageHosts: string } {
  return {
    cli: requiredVersion(readGoMod("pulumi"), "github.com/pulumi/pulumi/pkg/v3"),
    languageHosts: requiredVersion(readGoMod("language-hosts"), "github.com/pulumi/pulumi/sdk/v3"),
  };
}

/** `major.minor.patch` of a `pulumi version` answer ("v3.276.0", "v3.276.0-dev.0"), or undefined. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** A CLI on PATH is used when it is of the pinned major version and no older than the pinned one. */
export function isSupported(found: string, pinned: string): boolean {
  const [a, b] = [parseVersion(found), parseVersion(pinned)];
  if (a?.[0] === undefined || b?.[0] !== a[0]) return false;
  return a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2]);
}

/** What a build depends on: the wrapper modules' go.mod and go.sum. A change rebuilds. */
function buildKey(): string {
  const hash = createHash("sha256");
  for (const wrapper of ["pulumi", "language-hosts"])
    for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(path.join(ROOT, "tools", wrapper, file)));
  return hash.digest("hex").slice(0, 16);
}

export interface Toolchain {
  /** The directory holding `pulumi`, its language hosts and the dynamic provider's launcher. */
  readonly binDir: string;
  /** The `pulumi` executable. */
  readonly pulumi: string;
  /** Its version, as `pulumi version` prints it. */
  readonly version: string;
  /** Where it came from. */
  readonly source: "built" | "path";
}

export type Progress = (line: string) => void;

const run = promisify(execFile);

/** Runs one build step, printing a progress line (named after the `tool` built) before it and its duration after. */
export async function step(
  progress: Progress,
  what: string,
  command: string,
  args: string[],
  cwd: string,
  tool = "pulumi",
): Promise<void> {
  const began = Date.now();
  progress(`${tool}: ${what}…`);
  const child = spawn(command, args, {
    cwd,
    stdio: ["ignore", "inherit", "inherit"],
    // The machine's own Go, never one downloaded on the go.mod's say; go.sum must already be whole.
    env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false", CGO_ENABLED: "0" },
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`${tool}: ${what} failed: ${command} ${args.join(" ")} (in ${cwd}) exited ${code}`);
  progress(`${tool}: ${what} took ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

/** The version a `pulumi` executable reports, or undefined when it does not run. */
async function versionOf(executable: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(executable, ["version"], {
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
      timeout: 30_000,
    });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** A supported `pulumi` on PATH (outside the project's own bin), if there is one. */
async function pulumiOnPath(pinned: string): Promise<Toolchain | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir || path.resolve(dir) === BIN_DIR) continue;
    const candidate = path.join(dir, "pulumi");
    if (!existsSync(candidate)) continue;
    const version = await versionOf(candidate);
    if (version && isSupported(version, pinned)) return { binDir: dir, pulumi: candidate, version, source: "path" };
    return undefined;
  }
  return undefined;
}

/** Builds the CLI and its language hosts into `.pulumi/bin/`, one progress line per step. */
export async function buildPulumiCli(progress: Progress = (line) => console.error(line)): Promise<Toolchain> {
  const { cli, languageHosts } = pinnedVersions();
  mkdirSync(BIN_DIR, { recursive: true });
  rmSync(STAMP, { force: true });
  const cliModule = path.join(ROOT, "tools", "pulumi");
  const hostsModule = path.join(ROOT, "tools", "language-hosts");
  await step(progress, `downloading the Go modules of pulumi ${cli}`, "go", ["mod", "download"], cliModule);
  await step(
    progress,
    `building pulumi ${cli}`,
    "go",
    [
      "build",
      "-o",
      path.join(BIN_DIR, "pulumi"),
      // Stamped as the release stamps it: `pulumi version` and the engine's plugin checks read it.
      "-ldflags",
      `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${cli}`,
      "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
    ],
    cliModule,
  );
  await step(
    progress,
    `downloading the Go modules of the language hosts (sdk ${languageHosts})`,
    "go",
    ["mod", "download"],
    hostsModule,
  );
  await step(
    progress,
    `building pulumi-language-nodejs (sdk ${languageHosts})`,
    "go",
    [
      "build",
      "-o",
      path.join(BIN_DIR, "pulumi-language-nodejs"),
      `-ldflags=-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${languageHosts}`,
      "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
    ],
    hostsModule,
  );
  linkDynamicProviderLauncher();
  const pulumi = path.join(BIN_DIR, "pulumi");
  const version = await versionOf(pulumi);
  if (version !== cli)
    throw new Error(`pulumi: built ${pulumi}, but it reports version ${version ?? "nothing"}, not ${cli}`);
  writeFileSync(STAMP, JSON.stringify({ cli, languageHosts, key: buildKey() }, null, 2) + "\n");
  return { binDir: BIN_DIR, pulumi, version, source: "built" };
}

/**
 * `pulumi-resource-pulumi-nodejs`, which the engine starts for every dynamic resource: the script at
 * the root of the project's own `@pulumi/pulumi`, which finds the provider host from the program's
 * directory.
 */
function linkDynamicProviderLauncher(): void {
  const target = path.join(BIN_DIR, "pulumi-resource-pulumi-nodejs");
  const pulumiPackage = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
  rmSync(target, { force: true });
  symlinkSync(path.join(pulumiPackage, "pulumi-resource-pulumi-nodejs"), target);
}

/** True when `.pulumi/bin/` holds a build of the pinned versions. */
function builtIsCurrent(): boolean {
  if (!existsSync(STAMP)) return false;
  try {
    const stamp = JSON.parse(readFileSync(STAMP, "utf8")) as { key?: string };
    return stamp.key === buildKey() && existsSync(path.join(BIN_DIR, "pulumi-resource-pulumi-nodejs"));
  } catch {
    return false;
  }
}

/** The CLI to use: a supported one on PATH, the project's build, or a new build. */
export async function ensurePulumiCli(progress?: Progress): Promise<Toolchain> {
  const { cli } = pinnedVersions();
  const onPath = await pulumiOnPath(cli);
  if (onPath) return onPath;
  if (builtIsCurrent()) return { binDir: BIN_DIR, pulumi: path.join(BIN_DIR, "pulumi"), version: cli, source: "built" };
  return buildPulumiCli(progress);
}

export interface OfflineOptions {
  /** The file backend's directory. @default `.pulumi/state` */
  readonly stateDir?: string;
  /** The Pulumi home (plugins, credentials, workspace settings). @default `.pulumi/home` */
  readonly home?: string;
}

/** The passphrase of the project's own stacks, which hold nothing secret but test credentials. */
export const TEST_STACK_PASSPHRASE = "glue-mv-refresh test stacks";

/**
 * The environment `pulumi` runs in: the toolchain first on PATH, a local file backend, a Pulumi home
 * of the project's own, a passphrase for its stacks, no update check and no plugin downloads.
 */
export function offlineEnv(toolchain: Toolchain, options: OfflineOptions = {}, base = process.env): NodeJS.ProcessEnv {
  const stateDir = options.stateDir ?? path.join(PULUMI_DIR, "state");
  const home = options.home ?? path.join(PULUMI_DIR, "home");
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(home, { recursive: true });
  return {
    ...base,
    PATH: [toolchain.binDir, base.PATH].filter(Boolean).join(path.delimiter),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: base.PULUMI_CONFIG_PASSPHRASE ?? TEST_STACK_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // Never the service's console, nor a prompt: these stacks are local and the runs unattended.
    PULUMI_SKIP_CONFIRMATIONS: "true",
  };
}

/**
 * A workspace of its own for a program: a copy of its directory beside a link to the repository's
 * node_modules, so that a stack's config file lands there and not in the repository. Returns the
 * program's directory in the workspace; its parent holds room for a state directory and a home.
 */
export function programWorkspace(programDir: string): { readonly root: string; readonly program: string } {
  const root = mkdtempSync(path.join(tmpdir(), "mv-refresh-cli-"));
  const program = path.join(root, "program");
  cpSync(programDir, program, { recursive: true, filter: (src) => !src.includes("node_modules") });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(program, "node_modules"), "dir");
  return { root, program };
}

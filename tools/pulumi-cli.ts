/**
 * The project's Pulumi CLI: built from its Go modules at the versions the wrapper modules under `tools/` pin, into
 * `.pulumi/bin/` (ignored by git), and run offline with a Pulumi home, backend and passphrase of its
 * own, so the user's own Pulumi home is never touched.
 *
 * - `pulumi`: `github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`, through the wrapper module
 *   `tools/pulumi/`, which carries the release's own `replace` line (`go install …@version` refuses a
 *   module with `replace` directives).
 * - `pulumi-language-nodejs` and `pulumi-language-python` (with its script
 *   `pulumi-language-python-exec`, copied from the module): the Node.js and Python language hosts,
 *   through `tools/language-hosts/`.
 * - `pulumi-language-go`: the Go language host, through `tools/go-host/`.
 * - `pulumi-language-yaml`: the YAML language host, through `tools/yaml-host/`.
 * - `pulumi-language-java`: the Java language host, through `tools/java/` (which also builds the Java
 *   SDK generator, `pulumi-java-gen`, for tools/gen-sdk.ts). It runs Maven programs with `mvn`
 *   from PATH; {@link ensureJavaSdk} installs the plugin's Java SDK (sdk/java) into the local Maven
 *   repository, where such programs find it.
 * - `pulumi-resource-pulumi-nodejs`: the dynamic provider's launcher, the script `@pulumi/pulumi`
 *   ships at its root, linked from the project's own installed copy.
 * - `.pulumi/python/venv`: a virtualenv holding the Python SDK `tools/python/requirements.txt` pins,
 *   whose `bin` is on PATH in {@link offlineEnv}: the Python host runs `python3` from PATH.
 *
 * A `pulumi` already on PATH at a supported version is used instead of building one.
 */
import { execFile, spawn } from "child_process";
import { createHash } from "crypto";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "fs";
import { homedir, tmpdir } from "os";
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
/** The virtualenv Python programs run with (ignored by git), and its interpreter. */
export const PYTHON_VENV = path.join(PULUMI_DIR, "python", "venv");
export const VENV_PYTHON = path.join(PYTHON_VENV, "bin", "python");
const VENV_STAMP = path.join(PULUMI_DIR, "python", "built.json");
const REQUIREMENTS = path.join(ROOT, "tools", "python", "requirements.txt");
/** The provider plugin's Python SDK (generated, committed), installed in the virtualenv. */
const PYTHON_SDK = path.join(ROOT, "sdk", "python");

/** A Go module's version as a wrapper module's go.mod requires it. */
export function requiredVersion(goMod: string, module: string): string {
  const line = new RegExp(`^\\s*${module.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s+(v\\S+)`, "m").exec(goMod);
  if (!line) throw new Error(`the wrapper module does not require ${module}`);
  return line[1];
}

/** A package's version as a requirements file pins it (`name==version`). */
export function pinnedRequirement(requirements: string, name: string): string {
  const line = new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s*==\\s*(\\S+)`, "im").exec(
    requirements,
  );
  if (!line) throw new Error(`the requirements do not pin ${name}`);
  return line[1];
}

const readGoMod = (wrapper: string) => readFileSync(path.join(ROOT, "tools", wrapper, "go.mod"), "utf8");

export interface PinnedVersions {
  /** `pulumi` (tools/pulumi/go.mod). */
  readonly cli: string;
  /** The Node.js and Python language hosts' sdk/v3 (tools/language-hosts/go.mod). */
  readonly languageHosts: string;
  /** The Go language host's sdk/v3 (tools/go-host/go.mod). */
  readonly goHost: string;
  /** The YAML language host, pulumi-yaml (tools/yaml-host/go.mod). */
  readonly yamlHost: string;
  /** The Java language host and SDK generator, pulumi-java's pkg (tools/java/go.mod). */
  readonly javaHost: string;
  /** The Python SDK in the virtualenv (tools/python/requirements.txt). */
  readonly pythonSdk: string;
}

/** The pinned versions, as the wrapper modules and the requirements file pin them. */
export function pinnedVersions(): PinnedVersions {
  return {
    cli: requiredVersion(readGoMod("pulumi"), "github.com/pulumi/pulumi/pkg/v3"),
    languageHosts: requiredVersion(readGoMod("language-hosts"), "github.com/pulumi/pulumi/sdk/v3"),
    goHost: requiredVersion(readGoMod("go-host"), "github.com/pulumi/pulumi/sdk/v3"),
    yamlHost: requiredVersion(readGoMod("yaml-host"), "github.com/pulumi/pulumi-yaml"),
    javaHost: requiredVersion(readGoMod("java"), "github.com/pulumi/pulumi-java/pkg"),
    pythonSdk: pinnedRequirement(readFileSync(REQUIREMENTS, "utf8"), "pulumi"),
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

/** The wrapper modules under tools/ that `buildPulumiCli` builds from. */
const GO_WRAPPERS = ["pulumi", "language-hosts", "go-host", "yaml-host", "java"];

/** A short hash of files' contents. */
function hashFiles(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/** What a build depends on: the wrapper modules' go.mod and go.sum. A change rebuilds. */
const buildKey = () =>
  hashFiles(
    GO_WRAPPERS.flatMap((wrapper) => ["go.mod", "go.sum"].map((file) => path.join(ROOT, "tools", wrapper, file))),
  );

export interface Toolchain {
  /** The directory holding `pulumi`, its language hosts and the dynamic provider's launcher. */
  readonly binDir: string;
  /** The `pulumi` executable. */
  readonly pulumi: string;
  /** Its version, as `pulumi version` prints it. */
  readonly version: string;
  /** Where it came from. */
  readonly source: "built" | "path";
  /** The virtualenv with the pinned Python SDK ({@link PYTHON_VENV}); its `bin` goes on PATH. */
  readonly pythonVenv: string;
}

export type Progress = (line: string) => void;

const run = promisify(execFile);

/** The build's Go: the machine's own, never one downloaded on the go.mod's say; go.sum must already be whole. */
const goEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GOTOOLCHAIN: "local",
  GOFLAGS: "-mod=readonly -buildvcs=false",
  CGO_ENABLED: "0",
});

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
    env: goEnv(),
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
    if (version && isSupported(version, pinned))
      return { binDir: dir, pulumi: candidate, version, source: "path", pythonVenv: PYTHON_VENV };
    return undefined;
  }
  return undefined;
}

/** A language host's build: its wrapper module under tools/, its package, and the variable stamped with its version. */
interface HostBuild {
  readonly binary: string;
  readonly wrapper: string;
  readonly version: string;
  readonly pkg: string;
  readonly versionVariable: string;
}

/** The variable pulumi-java's commands report their version from. */
export const JAVA_VERSION_VARIABLE = "github.com/pulumi/pulumi-java/pkg/version.Version";

/** The language hosts, by wrapper module. */
export function languageHostBuilds(versions: PinnedVersions = pinnedVersions()): readonly HostBuild[] {
  const sdkVersion = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";
  return [
    {
      binary: "pulumi-language-nodejs",
      wrapper: "language-hosts",
      version: versions.languageHosts,
      pkg: "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
      versionVariable: sdkVersion,
    },
    {
      binary: "pulumi-language-python",
      wrapper: "language-hosts",
      version: versions.languageHosts,
      pkg: "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python",
      versionVariable: sdkVersion,
    },
    // The Go host was a package of sdk/v3 up to v3.66.0 (a module of its own since, which the
    // module proxy here refuses at every version).
    {
      binary: "pulumi-language-go",
      wrapper: "go-host",
      version: versions.goHost,
      pkg: "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go",
      versionVariable: sdkVersion,
    },
    {
      binary: "pulumi-language-yaml",
      wrapper: "yaml-host",
      version: versions.yamlHost,
      pkg: "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
      versionVariable: "github.com/pulumi/pulumi-yaml/pkg/version.Version",
    },
    // pulumi-java's last release whose module (pkg) the module proxy here serves, on its own pins
    // of pkg/v3 and sdk/v3 (v3.228.0): it does not compile against the CLI's.
    {
      binary: "pulumi-language-java",
      wrapper: "java",
      version: versions.javaHost,
      pkg: "github.com/pulumi/pulumi-java/pkg/cmd/pulumi-language-java",
      versionVariable: JAVA_VERSION_VARIABLE,
    },
  ];
}

/** Builds the CLI and its language hosts into `.pulumi/bin/`, one progress line per step. */
export async function buildPulumiCli(progress: Progress = (line) => console.error(line)): Promise<Toolchain> {
  const versions = pinnedVersions();
  const { cli } = versions;
  mkdirSync(BIN_DIR, { recursive: true });
  rmSync(STAMP, { force: true });
  const cliModule = path.join(ROOT, "tools", "pulumi");
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
  const downloaded = new Set<string>();
  for (const host of languageHostBuilds(versions)) {
    const module = path.join(ROOT, "tools", host.wrapper);
    if (!downloaded.has(host.wrapper)) {
      downloaded.add(host.wrapper);
      await step(
        progress,
        `downloading the Go modules of tools/${host.wrapper} (${host.version})`,
        "go",
        ["mod", "download"],
        module,
      );
    }
    await step(
      progress,
      `building ${host.binary} ${host.version}`,
      "go",
      ["build", "-o", path.join(BIN_DIR, host.binary), `-ldflags=-X ${host.versionVariable}=${host.version}`, host.pkg],
      module,
    );
  }
  await copyPythonExecScript(progress);
  linkDynamicProviderLauncher();
  const pulumi = path.join(BIN_DIR, "pulumi");
  const version = await versionOf(pulumi);
  if (version !== cli)
    throw new Error(`pulumi: built ${pulumi}, but it reports version ${version ?? "nothing"}, not ${cli}`);
  const { languageHosts, goHost, yamlHost, javaHost } = versions;
  writeFileSync(
    STAMP,
    JSON.stringify({ cli, languageHosts, goHost, yamlHost, javaHost, key: buildKey() }, null, 2) + "\n",
  );
  return { binDir: BIN_DIR, pulumi, version, source: "built", pythonVenv: PYTHON_VENV };
}

/**
 * `pulumi-language-python-exec`, the script the Python host runs the program with (`python3
 * pulumi-language-python-exec …`), looked for next to the host: copied from the sdk/v3 module the
 * host is built from, out of the module cache.
 */
async function copyPythonExecScript(progress: Progress): Promise<void> {
  const { stdout } = await run("go", ["list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi/sdk/v3"], {
    cwd: path.join(ROOT, "tools", "language-hosts"),
    env: goEnv(),
  });
  const source = path.join(stdout.trim(), "python", "cmd", "pulumi-language-python-exec");
  const target = path.join(BIN_DIR, "pulumi-language-python-exec");
  rmSync(target, { force: true });
  copyFileSync(source, target);
  chmodSync(target, 0o755);
  progress(`pulumi: copied pulumi-language-python-exec from ${source}`);
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
    return (
      stamp.key === buildKey() &&
      ["pulumi-resource-pulumi-nodejs", "pulumi-language-python-exec"].every((file) =>
        existsSync(path.join(BIN_DIR, file)),
      )
    );
  } catch {
    return false;
  }
}

interface VenvStamp {
  readonly pythonSdk?: string;
  /** The requirements file's hash. */
  readonly key?: string;
  /** The plugin SDK's hash (every file of sdk/python), when it is installed. */
  readonly sdkKey?: string;
}

function venvStamp(): VenvStamp {
  try {
    return JSON.parse(readFileSync(VENV_STAMP, "utf8")) as VenvStamp;
  } catch {
    return {};
  }
}

/** Every file under a directory, sorted, but what Python's builds and caches leave there. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !/^(__pycache__|build|dist|.*\.egg-info)$/.test(entry.name))
    .flatMap((entry) => {
      const at = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(at) : [at];
    })
    .sort();
}

/**
 * The virtualenv Python programs run with, {@link PYTHON_VENV}: made anew with `python3 -m venv`
 * (`PULUMI_PYTHON_CMD` names another interpreter, 3.10 or later) and filled with `pip install -r
 * tools/python/requirements.txt` when missing or when the requirements changed; the provider
 * plugin's SDK (sdk/python) installed in it again whenever any of its files changed. Returns its
 * directory.
 */
export async function ensurePythonVenv(progress: Progress = (line) => console.error(line)): Promise<string> {
  const { pythonSdk } = pinnedVersions();
  let stamp = venvStamp();
  if (stamp.key !== hashFiles([REQUIREMENTS]) || !existsSync(VENV_PYTHON)) {
    rmSync(VENV_STAMP, { force: true });
    rmSync(PYTHON_VENV, { recursive: true, force: true });
    mkdirSync(path.dirname(PYTHON_VENV), { recursive: true });
    const python = process.env.PULUMI_PYTHON_CMD ?? "python3";
    await step(
      progress,
      `creating the virtualenv ${path.relative(ROOT, PYTHON_VENV)}`,
      python,
      ["-m", "venv", PYTHON_VENV],
      ROOT,
      "python",
    );
    await step(
      progress,
      `installing pulumi ${pythonSdk} (tools/python/requirements.txt)`,
      path.join(PYTHON_VENV, "bin", "pip"),
      ["install", "--quiet", "--disable-pip-version-check", "--no-input", "-r", REQUIREMENTS],
      ROOT,
      "python",
    );
    stamp = { pythonSdk, key: hashFiles([REQUIREMENTS]) };
    writeFileSync(VENV_STAMP, JSON.stringify(stamp, null, 2) + "\n");
  }
  const sdkKey = hashFiles(filesUnder(PYTHON_SDK));
  if (stamp.sdkKey !== sdkKey) {
    // Installed from a copy, so that the build leaves nothing in sdk/ (which gen-sdk rewrites
    // whole); with the pinned setuptools and wheel, so that pip fetches no build tools.
    const copy = mkdtempSync(path.join(tmpdir(), "mv-refresh-python-sdk-"));
    try {
      cpSync(PYTHON_SDK, copy, { recursive: true });
      await step(
        progress,
        "installing the glue-mv-refresh Python SDK (sdk/python)",
        path.join(PYTHON_VENV, "bin", "pip"),
        [
          "install",
          "--quiet",
          "--disable-pip-version-check",
          "--no-input",
          "--no-deps",
          "--no-build-isolation",
          "--force-reinstall",
          copy,
        ],
        ROOT,
        "python",
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    writeFileSync(VENV_STAMP, JSON.stringify({ ...stamp, sdkKey }, null, 2) + "\n");
  }
  return PYTHON_VENV;
}

/** The provider plugin's Java SDK (generated but for its pom.xml, committed). */
export const JAVA_SDK = path.join(ROOT, "sdk", "java");
const JAVA_SDK_STAMP = path.join(PULUMI_DIR, "java", "built.json");

/** The Java SDK's sources: pom.xml and everything under src/, relative to sdk/java, sorted. */
function javaSdkSources(): string[] {
  const sources = filesUnder(path.join(JAVA_SDK, "src")).map((file) => path.relative(JAVA_SDK, file));
  return ["pom.xml", ...sources].sort();
}

/** The Java SDK's Maven coordinates, as sdk/java/pom.xml declares them. */
export function javaSdkArtifact(): { readonly groupId: string; readonly artifactId: string; readonly version: string } {
  const pom = readFileSync(path.join(JAVA_SDK, "pom.xml"), "utf8").replace(/<!--[\s\S]*?-->/g, "");
  // The project's own coordinates: the first of each, before <dependencies> or <build>.
  const head = pom.slice(0, pom.search(/<(dependencies|build|properties)>/));
  const tag = (name: string) => {
    const match = new RegExp(`<${name}>([^<]+)</${name}>`).exec(head);
    if (!match) throw new Error(`sdk/java/pom.xml names no ${name}`);
    return match[1].trim();
  };
  return { groupId: tag("groupId"), artifactId: tag("artifactId"), version: tag("version") };
}

/**
 * The plugin's Java SDK (sdk/java) in the local Maven repository (`~/.m2/repository`, or `mvn`'s own
 * setting), where Java programs such as examples/java find it: `mvn install` when its sources changed
 * since the last install from here, or its jar is not in `~/.m2/repository`. Maven fetches what it
 * needs (com.pulumi:pulumi, its plugins) from Maven Central on a first run.
 */
export async function ensureJavaSdk(progress: Progress = (line) => console.error(line)): Promise<void> {
  const key = createHash("sha256");
  for (const file of javaSdkSources())
    key
      .update(file)
      .update("\0")
      .update(readFileSync(path.join(JAVA_SDK, file)));
  const digest = key.digest("hex").slice(0, 16);
  const { groupId, artifactId, version } = javaSdkArtifact();
  const jar = path.join(
    homedir(),
    ".m2",
    "repository",
    ...groupId.split("."),
    artifactId,
    version,
    `${artifactId}-${version}.jar`,
  );
  try {
    const stamp = JSON.parse(readFileSync(JAVA_SDK_STAMP, "utf8")) as { key?: string };
    if (stamp.key === digest && existsSync(jar)) return;
  } catch {
    // No stamp: install.
  }
  rmSync(JAVA_SDK_STAMP, { force: true });
  await step(
    progress,
    `installing the glue-mv-refresh Java SDK (sdk/java) as ${groupId}:${artifactId}:${version}`,
    "mvn",
    ["-B", "-q", "--no-transfer-progress", "install"],
    JAVA_SDK,
    "java",
  );
  mkdirSync(path.dirname(JAVA_SDK_STAMP), { recursive: true });
  writeFileSync(JAVA_SDK_STAMP, JSON.stringify({ groupId, artifactId, version, key: digest }, null, 2) + "\n");
}

/** The CLI to use: a supported one on PATH, the project's build, or a new build. */
export async function ensurePulumiCli(progress?: Progress): Promise<Toolchain> {
  const { cli } = pinnedVersions();
  const onPath = await pulumiOnPath(cli);
  const toolchain =
    onPath ??
    (builtIsCurrent()
      ? {
          binDir: BIN_DIR,
          pulumi: path.join(BIN_DIR, "pulumi"),
          version: cli,
          source: "built" as const,
          pythonVenv: PYTHON_VENV,
        }
      : await buildPulumiCli(progress));
  await ensurePythonVenv(progress);
  return toolchain;
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
 * The environment `pulumi` runs in: the toolchain first on PATH, then the Python virtualenv's `bin`,
 * a local file backend, a Pulumi home of the project's own, a passphrase for its stacks, no update
 * check, no plugin downloads, and the machine's own Go for Go programs (`GOTOOLCHAIN=local`, unless set).
 *
 * The virtualenv is found on PATH, not through a program's `runtime.options.virtualenv`: the CLI
 * v3.276 passes runtime options to a language host in each request's program info, which the sdk
 * v3.68 Python host predates (it reads them from flags the CLI no longer passes), so it runs the
 * program with the `python3` it finds on PATH.
 */
export function offlineEnv(toolchain: Toolchain, options: OfflineOptions = {}, base = process.env): NodeJS.ProcessEnv {
  const stateDir = options.stateDir ?? path.join(PULUMI_DIR, "state");
  const home = options.home ?? path.join(PULUMI_DIR, "home");
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(home, { recursive: true });
  return {
    ...base,
    PATH: [toolchain.binDir, path.join(toolchain.pythonVenv, "bin"), base.PATH].filter(Boolean).join(path.delimiter),
    GOTOOLCHAIN: base.GOTOOLCHAIN ?? "local",
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
  resolveRelativePaths(programDir, program);
  return { root, program };
}

/**
 * In a program's copy, the relative paths that reach outside it made absolute, as seen from the
 * original: Pulumi.yaml's plugin `path:` (../../provider) and go.mod's `replace … => ../../sdk`.
 */
function resolveRelativePaths(programDir: string, copy: string): void {
  const rewrite = (file: string, pattern: RegExp) => {
    const at = path.join(copy, file);
    if (!existsSync(at)) return;
    const text = readFileSync(at, "utf8");
    const absolute = (_: string, lead: string, rel: string) => lead + path.resolve(programDir, rel);
    writeFileSync(at, text.replace(pattern, absolute));
  };
  rewrite("Pulumi.yaml", /^(\s*(?:-\s+)?path:\s*)(\.\.?\/\S*)$/gm);
  rewrite("go.mod", /^(replace\s+\S+\s+=>\s+)(\.\.?\/\S*)$/gm);
}

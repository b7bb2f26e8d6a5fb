/**
 * The release (tools/release.ts) installed as a user installs it, from local registries only: the
 * releases 0.1.0 and 0.2.0 are built once, for this machine's platform, into one folder served over
 * HTTP (a PEP 503 index for pip, the plugin archives their schema's `pluginDownloadURL` names), and
 * the real Pulumi CLI runs with automatic plugin acquisition on, a Pulumi home of its own and no
 * `plugins.providers` path: Python and YAML programs with no `node` on PATH (the plugin it downloads
 * is the single executable), a Java program with the SDK from the release's Maven repository, a Go
 * program with the SDK `go get` fetched from the release's module proxy (a `file://` GOPROXY), a
 * TypeScript program with the Node.js SDK's tarball; `pulumi plugin install --server`; upgrades from
 * 0.1.0 to 0.2.0 of the Python SDK and plugin, and of the npm package (the dynamic provider).
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "fs";
import { homedir, tmpdir } from "os";
import * as path from "path";
import { Engine } from "../../harness";
import { installProgram } from "../../harness/packaging";
import type { GlueEmulator } from "../../src/emulator";
import { archiveName, buildRelease, EXECUTABLE, hostPlatform, type Release } from "../../tools/release";
import { ROOT } from "../../tools/pulumi-cli";
import { CliStack, cliToolchain, configurePlugin, type CliRun } from "../support/cli";
import { emulatorFor, hostEnv } from "../support/e2e";
import { startRegistry, type LocalRegistry } from "../support/registry";

// Two releases, two virtualenvs filled from the package index's cache, and two deployments.
jest.setTimeout(600_000);

const DAILY = { databaseName: "sales", tableName: "daily_totals_mv" };
const PROGRAM = path.join(ROOT, "test", "fixtures", "release-python");
const YAML_PROGRAM = path.join(ROOT, "test", "fixtures", "release-yaml");
const JAVA_PROGRAM = path.join(ROOT, "test", "fixtures", "release-java");
const TYPESCRIPT_PROGRAM = path.join(ROOT, "test", "fixtures", "release-typescript");
const GO_PROGRAM = path.join(ROOT, "test", "fixtures", "release-go");
const PACKAGE = "pulumi-glue-mv-refresh";
/** The Go SDK's module path stamped on 0.2.0, as a repository's would be: a reserved domain's (release-go imports it). */
const GO_MODULE = "example.com/acme/pulumi-glue-mv-refresh/sdk";

let scratch: string;
let registry: LocalRegistry;
const releases: Record<string, Release> = {};

/** Runs a command to its end, failing with its output. */
function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`)),
    );
  });
}

/**
 * A fresh virtualenv holding the Pulumi Python SDK (the project's pins, from the default package
 * index, as a user's Pulumi project has it), then the plugin's SDK at `version` from the local
 * index only, as the docs tell a user: `pip install --index-url … pulumi-glue-mv-refresh==<version>`.
 */
async function freshVenv(version: string): Promise<string> {
  const venv = mkdtempSync(path.join(scratch, "venv-"));
  await run(process.env.PULUMI_PYTHON_CMD ?? "python3", ["-m", "venv", venv]);
  const pip = path.join(venv, "bin", "pip");
  const quiet = ["--quiet", "--disable-pip-version-check", "--no-input"];
  await run(pip, ["install", ...quiet, "-r", path.join(ROOT, "tools", "python", "requirements.txt")]);
  await pipInstall(venv, version);
  return venv;
}

async function pipInstall(venv: string, version: string): Promise<void> {
  await run(path.join(venv, "bin", "pip"), [
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--no-input",
    "--index-url",
    `${registry.url}/simple/`,
    `${PACKAGE}==${version}`,
  ]);
}

/** PATH with the project's CLI and the virtualenv only: no `node` anywhere on it. */
async function pathWithoutNode(venv: string): Promise<string> {
  const { binDir } = await cliToolchain();
  return [binDir, path.join(venv, "bin")].join(path.delimiter);
}

/** The environment of a user's `pulumi`: plugin acquisition on, no ambient plugins. */
const userEnv = (PATH: string): NodeJS.ProcessEnv => ({
  PATH,
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
});

const ok = (run: CliRun) => ({
  code: run.code,
  stderr: run.stderr,
  tail: run.code === 0 ? "" : run.stdout.slice(-3000),
});
const passed = { code: 0, stderr: "", tail: "" };
const archiveRequests = (version: string) =>
  registry.requests.filter((r) => r === `/${version}/plugins/${archiveName(version, hostPlatform())}`);

/**
 * A program's first `pulumi up` creates its one refresh with the plugin 0.2.0 the CLI fetched from
 * the local server then; `preview --expect-no-changes` passes and starts nothing.
 */
async function deploysWithFetchedPlugin(stack: CliStack, emulator: GlueEmulator): Promise<void> {
  const before = archiveRequests("0.2.0").length;
  const up = await stack.up();
  expect(ok(up)).toEqual(passed);
  expect(up.steps.map((s) => [s.name, s.op, s.ok])).toEqual([["daily", "create", true]]);
  expect(await stack.outputs()).toEqual({ dailyRunId: emulator.runs(DAILY)[0].runId });
  expect(archiveRequests("0.2.0")).toHaveLength(before + 1);
  const preview = await stack.run(["preview", "--expect-no-changes", "--non-interactive"]);
  expect(ok(preview)).toEqual(passed);
  expect(emulator.runs()).toHaveLength(1);
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "mv-refresh-release-test-"));
  registry = await startRegistry(path.join(scratch, "registry"));
  for (const version of ["0.1.0", "0.2.0"]) {
    releases[version] = await buildRelease({
      version,
      out: path.join(scratch, "registry", version),
      pluginDownloadURL: `${registry.url}/${version}/plugins`,
      platforms: [hostPlatform()],
      goModule: version === "0.2.0" ? GO_MODULE : undefined,
      only: version === "0.2.0" ? ["plugins", "python", "npm", "java", "nodejs", "go"] : ["plugins", "python", "npm"],
      progress: () => undefined,
    });
  }
});
afterAll(async () => {
  await registry?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  forgetCachedGoSdk();
});

test("a release holds the plugin archive and the Python SDK at its version, the schema naming where to fetch the plugin", () => {
  const release = releases["0.2.0"];
  const files = release.artifacts.map((a) => a.file);
  expect(files).toEqual(
    expect.arrayContaining([
      `plugins/${archiveName("0.2.0", hostPlatform())}`,
      "python/pulumi_glue_mv_refresh-0.2.0-py3-none-any.whl",
      "python/pulumi_glue_mv_refresh-0.2.0.tar.gz",
      "schema.json",
    ]),
  );
  const schema = JSON.parse(readFileSync(path.join(release.dir, "schema.json"), "utf8")) as Record<string, unknown>;
  expect(schema).toMatchObject({ version: "0.2.0", pluginDownloadURL: `${registry.url}/0.2.0/plugins` });
  // The archive holds the executable alone (and the licence): nothing to install beside it.
  const listing = spawnSync(
    "tar",
    [
      "-tzf",
      path.join(
        release.dir,
        files.find((f) => f.startsWith("plugins/"))!,
      ),
    ],
    {
      encoding: "utf8",
    },
  );
  expect(listing.stdout.trim().split("\n").sort()).toEqual(["LICENSE", EXECUTABLE]);
});

test("a release's Go SDK is a module at its --go-module path; without one, its notes say go get cannot fetch it", () => {
  const release = releases["0.2.0"];
  const at = `go/${GO_MODULE}/@v/v0.2.0`;
  expect(release.artifacts.map((a) => a.file)).toEqual(expect.arrayContaining([`${at}.mod`, `${at}.zip`]));
  expect(readFileSync(path.join(release.dir, `${at}.mod`), "utf8").split("\n")[0]).toBe(`module ${GO_MODULE}`);
  const schema = JSON.parse(readFileSync(path.join(release.dir, "schema.json"), "utf8")) as {
    language: { go: { importBasePath: string } };
  };
  expect(schema.language.go.importBasePath).toBe(`${GO_MODULE}/go/gluemvrefresh`);
  expect(release.notes.filter((note) => note.startsWith("go:"))).toEqual([]);
  expect(releases["0.1.0"].notes).toContainEqual(expect.stringContaining("Go users cannot `go get` it"));
});

describe("a Python program installed from the local index", () => {
  let emulator: GlueEmulator;
  let stack: CliStack;
  let venv: string;

  beforeAll(async () => {
    emulator = await emulatorFor([DAILY]);
    venv = await freshVenv("0.2.0");
    const PATH = await pathWithoutNode(venv);
    expect(spawnSync("/bin/sh", ["-c", "command -v node"], { env: { PATH } }).status).not.toBe(0);
    stack = await CliStack.create({ programDir: PROGRAM, emulator, env: userEnv(PATH) });
    await configurePlugin(stack, emulator);
  });
  afterAll(async () => {
    stack?.close();
    await emulator?.close();
  });

  it("deploys: pulumi fetches the plugin from pluginDownloadURL and its executable refreshes the view, with no node", async () => {
    const up = await stack.up();
    expect(ok(up)).toEqual(passed);
    expect(up.steps.map((s) => [s.name, s.op, s.ok])).toEqual([["daily", "create", true]]);
    const [daily] = emulator.runs(DAILY);
    expect(await stack.outputs()).toEqual({ dailyRunId: daily.runId });
    expect(archiveRequests("0.2.0")).toHaveLength(1);
    const installed = path.join(path.dirname(stack.workspace), "home", "plugins", "resource-glue-mv-refresh-v0.2.0");
    expect(statSync(path.join(installed, EXECUTABLE)).mode & 0o111).not.toBe(0);
    const provider = (await stack.state()).resources?.find((r) => r.type === "pulumi:providers:glue-mv-refresh");
    expect(provider?.inputs).toMatchObject({ version: "0.2.0" });
  });

  it("passes preview --expect-no-changes, fetching nothing again", async () => {
    const preview = await stack.run(["preview", "--expect-no-changes", "--non-interactive"]);
    expect(ok(preview)).toEqual(passed);
    expect(emulator.runs()).toHaveLength(1);
    expect(archiveRequests("0.2.0")).toHaveLength(1);
  });
});

/**
 * One program of another language, in a workspace of its own with plugin acquisition on: `env` its
 * stack's environment, `prepare` what the workspace needs before the stack's configuration.
 */
function describeProgram(
  title: string,
  programDir: string,
  env: () => Promise<NodeJS.ProcessEnv>,
  prepare: (stack: CliStack) => void | Promise<void> = () => undefined,
): void {
  describe(title, () => {
    let emulator: GlueEmulator;
    let stack: CliStack;

    beforeAll(async () => {
      emulator = await emulatorFor([DAILY]);
      stack = await CliStack.create({ programDir, emulator, env: await env() });
      await prepare(stack);
      await configurePlugin(stack, emulator);
    });
    afterAll(async () => {
      stack?.close();
      await emulator?.close();
    });

    it("deploys with the plugin pulumi fetched, then previews no change", () =>
      deploysWithFetchedPlugin(stack, emulator));
  });
}

/** A file of the workspace, rewritten. */
function rewrite(stack: CliStack, file: string, change: (text: string) => string): void {
  const at = path.join(stack.workspace, file);
  writeFileSync(at, change(readFileSync(at, "utf8")));
}

describeProgram(
  "a YAML program naming the plugin's version and download URL (no node on PATH)",
  YAML_PROGRAM,
  async () => userEnv((await cliToolchain()).binDir),
  (stack) =>
    rewrite(stack, "Pulumi.yaml", (text) =>
      text.replace("pluginDownloadURL: PLUGIN_DOWNLOAD_URL", `pluginDownloadURL: ${registry.url}/0.2.0/plugins`),
    ),
);

describeProgram(
  "a Java program with the SDK from the release's Maven repository",
  JAVA_PROGRAM,
  // Maven and the JDK from the machine's PATH; a JVM that starts faster for Maven's short runs.
  async () => ({
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
    MAVEN_OPTS: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
  }),
  (stack) => {
    // The SDK comes from the release's repository, not from a copy an earlier run left in the local one.
    rmSync(path.join(homedir(), ".m2", "repository", "com", "pulumi", "gluemvrefresh", "glue-mv-refresh", "0.2.0"), {
      recursive: true,
      force: true,
    });
    rewrite(stack, "pom.xml", (text) =>
      text.replace(">RELEASE_REPOSITORY<", `>file://${path.join(releases["0.2.0"].dir, "maven")}<`),
    );
    // The project's Java host by path, as the language suite names it (the CLI would warn on finding it on PATH).
    rewrite(
      stack,
      "Pulumi.yaml",
      (text) => `${text}plugins:\n  languages:\n    - name: java\n      path: ${stack.toolchain.binDir}\n`,
    );
  },
);

describeProgram(
  "a TypeScript program with the plugin's Node.js SDK from its npm tarball",
  TYPESCRIPT_PROGRAM,
  async () => ({ PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false" }),
  async (stack) => {
    // The program's own node_modules, in place of the link to the repository's the workspace has;
    // its code written here, as the repository's type-check cannot resolve the SDK it imports.
    unlinkSync(path.join(stack.workspace, "node_modules"));
    writeFileSync(
      path.join(stack.workspace, "index.ts"),
      [
        "// Refreshes one Glue materialized view with the plugin's released Node.js SDK.",
        'import * as mv from "@pulumi-glue-mv-refresh/sdk";',
        "",
        'const daily = new mv.MaterializedViewRefresh("daily", { databaseName: "sales", tableName: "daily_totals_mv" });',
        "export const dailyRunId = daily.runId;",
        "",
      ].join("\n"),
    );
    const sdk = path.join(releases["0.2.0"].dir, "nodejs", "pulumi-glue-mv-refresh-sdk-0.2.0.tgz");
    await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", `file:${sdk}`],
      process.env,
      stack.workspace,
    );
  },
);

/**
 * A Go user's environment for the release: its go/ folder as a module proxy, ahead of the machine's
 * own for every other module; no checksum database for the SDK, which no public one knows.
 */
function goUserEnv(): NodeJS.ProcessEnv {
  const proxy = execFileSync("go", ["env", "GOPROXY"], { encoding: "utf8" }).trim();
  return {
    GOPROXY: `file://${path.join(releases["0.2.0"].dir, "go")},${proxy}`,
    GONOSUMDB: GO_MODULE,
    GOTOOLCHAIN: "local",
  };
}

/**
 * Removes the test's SDK from the module cache (shared with the suite, for its compiled packages):
 * go would take a copy an earlier run left there, whose download URL names that run's server.
 */
function forgetCachedGoSdk(): void {
  const cache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  for (const dir of [path.join(cache, `${GO_MODULE}@v0.2.0`), path.join(cache, "cache", "download", GO_MODULE)]) {
    if (!existsSync(dir)) continue;
    // The module cache's files and folders are read-only.
    execFileSync("chmod", ["-R", "u+w", dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

describeProgram(
  "a Go program with the SDK go get fetched from the release's module proxy",
  GO_PROGRAM,
  async () => ({ PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false", ...goUserEnv() }),
  async (stack) => {
    // A module of its own, outside the repository, made as the docs tell a Go user.
    unlinkSync(path.join(stack.workspace, "node_modules"));
    forgetCachedGoSdk();
    const env = { ...process.env, ...goUserEnv() };
    await run("go", ["mod", "init", "glue-mv-refresh-release-go"], env, stack.workspace);
    await run("go", ["get", `${GO_MODULE}@v0.2.0`], env, stack.workspace);
    await run("go", ["mod", "tidy"], env, stack.workspace);
    expect(readFileSync(path.join(stack.workspace, "go.mod"), "utf8")).toContain(`\t${GO_MODULE} v0.2.0\n`);
  },
);

describe("pulumi plugin install from the local server", () => {
  it("installs the plugin into the Pulumi home, runnable", async () => {
    const { pulumi } = await cliToolchain();
    const home = mkdtempSync(path.join(scratch, "home-"));
    await run(
      pulumi,
      ["plugin", "install", "resource", "glue-mv-refresh", "v0.2.0", "--server", `${registry.url}/0.2.0/plugins`],
      {
        ...process.env,
        PULUMI_HOME: home,
        PULUMI_SKIP_UPDATE_CHECK: "true",
      },
    );
    const executable = path.join(home, "plugins", "resource-glue-mv-refresh-v0.2.0", EXECUTABLE);
    expect(existsSync(executable)).toBe(true);
    const listed = await run(pulumi, ["plugin", "ls", "--json"], { ...process.env, PULUMI_HOME: home });
    expect(JSON.parse(listed)).toEqual([
      expect.objectContaining({ name: "glue-mv-refresh", kind: "resource", version: "0.2.0" }),
    ]);
  });
});

describe("an upgrade from 0.1.0 to 0.2.0", () => {
  let emulator: GlueEmulator;
  let stack: CliStack;
  let venv: string;

  beforeAll(async () => {
    emulator = await emulatorFor([DAILY]);
    venv = await freshVenv("0.1.0");
    stack = await CliStack.create({ programDir: PROGRAM, emulator, env: userEnv(await pathWithoutNode(venv)) });
    await configurePlugin(stack, emulator);
    const up = await stack.up();
    expect(ok(up)).toEqual(passed);
    expect(emulator.runs(DAILY)).toHaveLength(1);
  });
  afterAll(async () => {
    stack?.close();
    await emulator?.close();
  });

  it("previews no change and starts no refresh once the SDK is 0.2.0; up moves the provider to 0.2.0, still refreshing nothing", async () => {
    await pipInstall(venv, "0.2.0");
    const preview = await stack.run(["preview", "--expect-no-changes", "--non-interactive"]);
    expect(ok(preview)).toEqual(passed);
    expect(emulator.runs()).toHaveLength(1);
    const up = await stack.up();
    expect(ok(up)).toEqual(passed);
    expect(up.steps.map((s) => [s.name, s.op])).toEqual([["daily", "same"]]);
    expect(emulator.runs()).toHaveLength(1);
    expect(archiveRequests("0.2.0").length).toBeGreaterThan(0);
    const providers = (await stack.state()).resources?.filter((r) => r.type === "pulumi:providers:glue-mv-refresh");
    expect(providers?.map((p) => p.inputs?.version)).toEqual(["0.2.0"]);
  });
});

describe("the npm package (the dynamic provider) upgraded from 0.1.0 to 0.2.0 in place", () => {
  const PROGRAM_FILES = {
    "Pulumi.yaml": "name: glue-mv-refresh-release-typescript\nruntime: nodejs\n",
    "index.ts": [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { MaterializedViewRefresh } from "pulumi-glue-mv-refresh";',
      "const config = new pulumi.Config();",
      'new MaterializedViewRefresh("daily", { ...{ databaseName: "sales", tableName: "daily_totals_mv" }, endpoint: config.require("endpoint") });',
      "",
    ].join("\n"),
  };
  const tarball = (version: string) => path.join(releases[version].dir, "npm", `${PACKAGE}-${version}.tgz`);
  const installedVersion = (dir: string) =>
    (JSON.parse(readFileSync(path.join(dir, "node_modules", PACKAGE, "package.json"), "utf8")) as { version: string })
      .version;
  let emulator: GlueEmulator;

  beforeAll(async () => {
    emulator = await emulatorFor([DAILY]);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("previews no change and deploys no refresh", async () => {
    const dir = installProgram(mkdtempSync(path.join(scratch, "npm-")), `file:${tarball("0.1.0")}`, PROGRAM_FILES);
    expect(installedVersion(dir)).toBe("0.1.0");
    const engine = new Engine({ projectDir: dir, hostEnv: hostEnv(emulator) });
    const config = { "aws:region": "us-east-1", endpoint: emulator.endpoint };
    expect((await engine.up({ config })).steps.map((s) => s.op)).toEqual(["create"]);

    execFileSync(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", `file:${tarball("0.2.0")}`],
      {
        cwd: dir,
      },
    );
    expect(installedVersion(dir)).toBe("0.2.0");
    const preview = await engine.preview({ config });
    expect(preview.steps.map((s) => s.op)).toEqual(["same"]);
    const up = await engine.up({ config });
    expect(up.steps.map((s) => s.op)).toEqual(["same"]);
    expect(emulator.runs()).toHaveLength(1);
  });
});

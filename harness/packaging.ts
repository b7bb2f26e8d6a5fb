/**
 * The package as users get it: `npm pack`, then installed from the tarball, or installed from a
 * git URL, into a fresh program directory next to @pulumi/pulumi and typescript at this
 * repository's versions.
 */
import { execFileSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

/** The repository root, from these sources or from their compiled copy in build/. */
const root = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].find((dir) =>
  existsSync(path.join(dir, "Pulumi.yaml")),
)!;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;

/** What `npm pack --json` says of one package. */
interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

export interface InstalledProgram {
  /** The temporary directory holding the tarball and the program; remove it when done. */
  readonly work: string;
  /** The program directory, with node_modules installed from the tarball. */
  readonly dir: string;
  /** How the program's package.json names the package (`file:` a tarball, or a git URL), for other programs. */
  readonly spec: string;
  /** The files of the installed package (for a tarball, those `npm pack` put in it). */
  readonly packed: string[];
}

/**
 * Packs this package, as built (`npm run build`; `npm test` builds first), and installs it into a
 * new program made of `files` (name -> content). `prepare` is not run: it would rewrite dist/ while
 * the tests running beside this one load it.
 */
export function installPacked(files: Record<string, string>): InstalledProgram {
  const work = mkdtempSync(path.join(tmpdir(), "mv-refresh-package-"));
  const [pack] = JSON.parse(
    execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", work], {
      cwd: root,
      encoding: "utf8",
    }),
  ) as PackResult[];
  const spec = `file:${path.join(work, pack.filename)}`;
  const dir = installProgram(work, spec, files);
  return { work, dir, spec, packed: pack.files.map((f) => f.path) };
}

/**
 * Installs this repository's committed HEAD from a git URL, as `npm install git+…` does from a
 * hosted repository: npm clones it, installs its dependencies and builds it with `prepare`.
 */
export function installFromGit(files: Record<string, string>): InstalledProgram {
  const work = mkdtempSync(path.join(tmpdir(), "mv-refresh-git-"));
  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  const spec = `git+file://${root}#${head}`;
  const dir = installProgram(work, spec, files);
  const installed = path.join(dir, "node_modules", "pulumi-glue-mv-refresh");
  return { work, dir, spec, packed: listFiles(installed).map((f) => path.relative(installed, f)) };
}

/**
 * A new program in `work`/program that depends on the package as `spec` (a git URL, or `file:` a
 * tarball such as a release's), made of `files`.
 */
export function installProgram(work: string, spec: string, files: Record<string, string>): string {
  const dir = path.join(work, "program");
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "a-pulumi-program",
      private: true,
      dependencies: {
        "pulumi-glue-mv-refresh": spec,
        "@pulumi/pulumi": versionOf("@pulumi/pulumi"),
      },
      devDependencies: { typescript: versionOf("typescript"), "@types/node": versionOf("@types/node") },
    }),
  );
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
  return dir;
}

/** Every file under `dir`, node_modules left out. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : listFiles(full);
    return [full];
  });
}

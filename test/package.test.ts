/**
 * The package as users get it: `npm pack`, installed from the tarball into a fresh program.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { installPacked, type InstalledProgram } from "../harness/packaging";
import { SECRET, serializeIn } from "./support/serialize";

let program: InstalledProgram;

/** Runs the program's own TypeScript compiler; throws with its output on errors. */
function typeCheck(dir: string): void {
  try {
    execFileSync(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", dir], {
      encoding: "utf8",
    });
  } catch (error) {
    throw new Error((error as { stdout?: string }).stdout ?? String(error), { cause: error });
  }
}

/** A user's program against the published types: every public name, strictly type-checked. */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import {
  MaterializedViewRefresh,
  refreshPolicy,
  type GlueTableLike,
  type IfRunningPolicy,
  type MaterializedViewRefreshArgs,
  type RunStatus,
} from "pulumi-glue-mv-refresh";
import { startEmulator, type GlueEmulator } from "pulumi-glue-mv-refresh/emulator";

const view: GlueTableLike = { catalogId: "123456789012", databaseName: "sales", name: "daily_mv" };
const policy: IfRunningPolicy = "stop";
const args: MaterializedViewRefreshArgs = { view, ifRunning: policy, triggers: { schema: 2 }, quiet: true };
const refresh = new MaterializedViewRefresh("daily", args);
export const runId: pulumi.Output<string> = refresh.runId;
export const status: pulumi.Output<RunStatus> = refresh.status;
export const document = refreshPolicy({ ifRunning: [policy] }).Statement[0].Action;
export const start: (options: { views: { databaseName: string; tableName: string }[] }) => Promise<GlueEmulator> =
  startEmulator;
`;

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    strict: true,
    noEmit: true,
    module: "commonjs",
    target: "ES2022",
    esModuleInterop: true,
    skipLibCheck: true,
  },
  files: ["index.ts"],
});

beforeAll(() => {
  program = installPacked({ "index.ts": PROGRAM, "tsconfig.json": TSCONFIG });
}, 180_000);

afterAll(() => rmSync(program.work, { recursive: true, force: true }));

it("ships compiled JavaScript, declarations, source maps with their sources, the licence and the docs", () => {
  const { packed } = program;
  for (const file of [
    "dist/index.js",
    "dist/index.d.ts",
    "dist/provider.js",
    "dist/deploy/lifecycle.js",
    "LICENSE",
    "README.md",
  ])
    expect(packed).toContain(file);
  expect(readFileSync(path.join(program.dir, "node_modules", "pulumi-glue-mv-refresh", "LICENSE"), "utf8")).toContain(
    "Apache License\n                           Version 2.0",
  );
  const other = packed.filter((f) => !/^(dist\/.*\.(js|d\.ts|js\.map|d\.ts\.map)|src\/.*\.ts)$/.test(f));
  expect(other.sort()).toEqual([
    "CHANGELOG.md",
    "LICENSE",
    "README.md",
    "package.json",
    "provider/PulumiPlugin.yaml",
    "provider/index.js",
    "provider/package.json",
    "provider/pulumi-resource-glue-mv-refresh",
    "provider/schema.json",
  ]);
});

it("ships the provider plugin, which starts from the installed package and prints its port", async () => {
  const launcher = path.join(
    program.dir,
    "node_modules",
    "pulumi-glue-mv-refresh",
    "provider",
    "pulumi-resource-glue-mv-refresh",
  );
  const plugin = spawn(launcher, [], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      plugin.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0]));
      plugin.once("exit", (code) => reject(new Error(`the plugin exited with ${code}`)));
    });
    expect(firstLine).toMatch(/^\d+$/);
  } finally {
    plugin.kill("SIGKILL");
  }
});

it("ships the source of every source map it references", () => {
  const installed = path.join(program.dir, "node_modules", "pulumi-glue-mv-refresh");
  const referencing = program.packed.filter((f) => f.startsWith("dist/") && /\.(js|d\.ts)$/.test(f));
  expect(referencing.length).toBeGreaterThan(20);
  for (const file of referencing) {
    const map = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path.join(installed, file), "utf8"))?.[1];
    expect({ file, map }).toEqual({ file, map: expect.any(String) });
    const mapFile = path.join(path.dirname(path.join(installed, file)), map!);
    expect(program.packed).toContain(path.relative(installed, mapFile));
    for (const source of (JSON.parse(readFileSync(mapFile, "utf8")) as { sources: string[] }).sources)
      expect(program.packed).toContain(path.relative(installed, path.join(path.dirname(mapFile), source)));
  }
});

it("keeps internal modules unexported, and the emulator off the deploy-time path", () => {
  const script = `
    const provider = require("pulumi-glue-mv-refresh/provider");
    require("pulumi-glue-mv-refresh");
    provider.check({}, { resourceName: "r", databaseName: "sales", tableName: "daily_mv" }).then((result) => {
      let internal;
      try { require("pulumi-glue-mv-refresh/lifecycle"); } catch (error) { internal = error.code; }
      const loaded = Object.keys(require.cache).filter((f) => /pulumi-glue-mv-refresh.dist.emulator/.test(f));
      console.log(JSON.stringify({ failures: result.failures, internal, loaded }));
    });
  `;
  const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: program.dir, encoding: "utf8" })) as {
    failures: unknown[];
    internal: string;
    loaded: string[];
  };
  expect(out).toEqual({ failures: [], internal: "ERR_PACKAGE_PATH_NOT_EXPORTED", loaded: [] });
});

it("type-checks a strict TypeScript program against the published declarations", () => {
  expect(() => typeCheck(program.dir)).not.toThrow();
});

it("refuses, at compile time, what the published types rule out", () => {
  writeFileSync(
    path.join(program.dir, "index.ts"),
    PROGRAM.replace('const policy: IfRunningPolicy = "stop";', 'const policy: IfRunningPolicy = "later";'),
  );
  try {
    expect(() => typeCheck(program.dir)).toThrow(
      /Type '"later"' is not assignable to type '"wait" \| "stop" \| "adopt" \| "fail"'/,
    );
  } finally {
    writeFileSync(path.join(program.dir, "index.ts"), PROGRAM);
  }
});

it("serializes the provider as a reference to the installed package, a few hundred bytes", () => {
  const result = serializeIn(program.dir);
  expect(result.providerText).toContain('require("pulumi-glue-mv-refresh/provider")');
  expect(result.providerText.length).toBeLessThan(512);
  expect(result.providerText).not.toContain(SECRET);
});

it("loads and runs the serialized provider from the installed package", () => {
  const result = serializeIn(program.dir);
  expect(result.methods).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);
  expect(result.validFailures).toEqual([]);
  expect(result.invalidFailures.map((f) => f.property).sort()).toEqual(["ifRunning", "tableName"]);
});

describe("@pulumi/pulumi, a peer dependency", () => {
  const peerRange = (
    JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
    }
  ).peerDependencies["@pulumi/pulumi"];

  it("is the program's own copy: the package brings no second one", () => {
    expect(existsSync(path.join(program.dir, "node_modules", "@pulumi", "pulumi"))).toBe(true);
    expect(
      existsSync(path.join(program.dir, "node_modules", "pulumi-glue-mv-refresh", "node_modules", "@pulumi")),
    ).toBe(false);
  });

  it("refuses at install a program whose @pulumi/pulumi is older than the package supports", () => {
    const dir = path.join(program.work, "older-pulumi");
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({
        name: "an-older-pulumi-program",
        private: true,
        dependencies: { "@pulumi/pulumi": "3.199.0", "pulumi-glue-mv-refresh": program.spec },
      }),
    );
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const install = spawnSync(npm, ["install", "--dry-run", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(install.status).not.toBe(0);
    expect(install.stderr).toContain("ERESOLVE");
    expect(install.stderr).toContain(`peer @pulumi/pulumi@"${peerRange}" from pulumi-glue-mv-refresh`);
  });
});

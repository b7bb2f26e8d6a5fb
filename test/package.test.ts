/**
 * The package as users get it: `npm pack`, installed from the tarball into a fresh program.
 */
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { SECRET, serializeIn } from "./support/serialize";

const root = path.join(__dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let work: string;
let program: string;
let packed: string[];

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "mv-refresh-package-"));
  const [pack] = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" }));
  packed = pack.files.map((f: { path: string }) => f.path);
  program = path.join(work, "program");
  execFileSync("mkdir", [program]);
  const pulumiVersion = JSON.parse(readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")).version;
  writeFileSync(
    path.join(program, "package.json"),
    JSON.stringify({
      name: "a-pulumi-program",
      private: true,
      dependencies: { "pulumi-glue-mv-refresh": `file:${path.join(work, pack.filename)}`, "@pulumi/pulumi": pulumiVersion },
    }),
  );
  execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: program });
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

it("ships compiled JavaScript, type declarations and the README, nothing else", () => {
  expect(packed).toContain("dist/index.js");
  expect(packed).toContain("dist/index.d.ts");
  expect(packed).toContain("dist/provider.js");
  expect(packed).toContain("dist/lifecycle.js");
  expect(packed).toContain("README.md");
  expect(packed.filter((f) => !/^dist\/.*\.(js|d\.ts)$/.test(f)).sort()).toEqual(["README.md", "package.json"]);
});

it("serializes the provider as a reference to the installed package, a few hundred bytes", () => {
  const result = serializeIn(program);
  expect(result.providerText).toContain('require("pulumi-glue-mv-refresh/provider")');
  expect(result.providerText.length).toBeLessThan(512);
  expect(result.providerText).not.toContain(SECRET);
});

it("loads and runs the serialized provider from the installed package", () => {
  const result = serializeIn(program);
  expect(result.methods).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);
  expect(result.validFailures).toEqual([]);
  expect(result.invalidFailures.map((f) => f.property).sort()).toEqual(["ifRunning", "tableName"]);
});

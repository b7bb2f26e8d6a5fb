/**
 * The package as users get it: `npm pack`, installed from the tarball into a fresh program.
 */
import { rmSync } from "fs";
import { installPacked, type InstalledProgram } from "../harness/packaging";
import { SECRET, serializeIn } from "./support/serialize";

let program: InstalledProgram;

beforeAll(() => {
  program = installPacked({});
}, 180_000);

afterAll(() => rmSync(program.work, { recursive: true, force: true }));

it("ships compiled JavaScript, type declarations and the README, nothing else", () => {
  const { packed } = program;
  expect(packed).toContain("dist/index.js");
  expect(packed).toContain("dist/index.d.ts");
  expect(packed).toContain("dist/provider.js");
  expect(packed).toContain("dist/lifecycle.js");
  expect(packed).toContain("README.md");
  expect(packed.filter((f) => !/^dist\/.*\.(js|d\.ts)$/.test(f)).sort()).toEqual(["README.md", "package.json"]);
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

/**
 * Every folder under examples/ is a Pulumi program a user can copy, and runs offline with the
 * command its README documents: type-checked, through the provider host, against the emulator.
 */
import { existsSync, readFileSync } from "fs";
import { load as loadYaml } from "js-yaml";
import * as path from "path";
import { EXAMPLES, listExamples, runExample } from "../../demo/example";

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, "..", "..");
interface PackageJson {
  version: string;
  main?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, "utf8")) as T;
const root = readJson<PackageJson>(path.join(ROOT, "package.json"));

it("finds the examples, and the root Pulumi.yaml runs one of them", () => {
  expect(listExamples()).toEqual(expect.arrayContaining(["glue-table", "quickstart"]));
  const main = (loadYaml(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { main: string }).main;
  expect(path.resolve(ROOT, main)).toBe(path.join(EXAMPLES, "quickstart"));
});

describe.each(listExamples())("examples/%s", (name) => {
  const dir = path.join(EXAMPLES, name);

  it("is a complete Pulumi program: Pulumi.yaml, package.json, tsconfig.json, README", () => {
    const project = loadYaml(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as {
      runtime: { name: string; options?: { typescript?: boolean } };
    };
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true } });
    expect(existsSync(path.join(dir, "index.ts"))).toBe(true);
    expect(readJson<{ files: string[] }>(path.join(dir, "tsconfig.json")).files).toEqual(["index.ts"]);
    const readme = readFileSync(path.join(dir, "README.md"), "utf8");
    expect(readme).toContain("pulumi up");
    expect(readme).toContain(`npm run example -- ${name}`);
  });

  it("depends on this version of the package and on what this repository builds and tests it with", () => {
    const pkg = readJson<PackageJson>(path.join(dir, "package.json"));
    expect(pkg.main).toBe("index.ts");
    expect(pkg.dependencies?.["pulumi-glue-mv-refresh"]).toBe(`^${root.version}`);
    const ours = { ...root.dependencies, ...root.devDependencies };
    for (const [dependency, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      if (dependency !== "pulumi-glue-mv-refresh")
        expect({ dependency, range }).toEqual({ dependency, range: ours[dependency] });
    }
    // Every package the program imports is one it declares.
    const imports = [...readFileSync(path.join(dir, "index.ts"), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    for (const imported of imports) expect(Object.keys(pkg.dependencies ?? {})).toContain(imported);
  });

  it(`runs offline, type-checked, with npm run example -- ${name}`, async () => {
    const lines: string[] = [];
    const { reports, runs } = await runExample(name, { print: (line) => lines.push(line) });
    const [first, second] = reports;
    expect(first.programError).toBeUndefined();
    expect(first.steps.filter((s) => !s.ok)).toEqual([]);
    expect(first.ok).toBe(true);
    // The runs a refresh records, or each member's of a group.
    const recorded = first.steps.flatMap((s) =>
      s.outputs?.runId !== undefined
        ? [s.outputs]
        : Object.values((s.outputs?.runs ?? {}) as Record<string, Record<string, unknown>>),
    );
    expect(recorded.length).toBeGreaterThan(0);
    for (const run of recorded) expect(run).toMatchObject({ status: "SUCCEEDED" });
    expect(runs.map((r) => r.runId).sort()).toEqual(recorded.map((r) => r.runId).sort());
    // A second pulumi up with nothing changed starts nothing.
    expect(second.steps.map((s) => s.op)).toEqual(second.steps.map(() => "same"));
    expect(lines.join("\n")).toContain(`pulumi up: examples/${name}, type-checked`);
  });
});

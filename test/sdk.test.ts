/**
 * The committed SDKs under sdk/ against the plugin's schema: what `npm run gen-sdk` writes from it
 * (building the generators, `tools/pulumi/gensdk` and pulumi-java-gen, when missing or stale), and Go
 * and Java SDKs that build.
 */
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { checkSdks, GENERATOR_MODULE, SDK_DIR, sdkVersion } from "../tools/gen-sdk";
import { javaSdkArtifact, requiredVersion, ROOT } from "../tools/pulumi-cli";

// A first build of the generator compiles Pulumi's code generators: minutes on a cold Go cache.
const BUILD_TIMEOUT = 15 * 60_000;

test("the generator uses the code generators of the project's CLI", () => {
  const module = "github.com/pulumi/pulumi/pkg/v3";
  const goMod = (dir: string) => readFileSync(path.join(dir, "go.mod"), "utf8");
  expect(requiredVersion(goMod(GENERATOR_MODULE), module)).toBe(
    requiredVersion(goMod(path.join(ROOT, "tools", "pulumi")), module),
  );
});

test(
  "sdk/ holds what provider/schema.json generates (else run `npm run gen-sdk`)",
  async () => {
    expect(await checkSdks()).toEqual([]);
  },
  BUILD_TIMEOUT,
);

test(
  "the Go SDK builds",
  () => {
    const build = spawnSync("go", ["build", "./..."], {
      cwd: path.join(SDK_DIR, "go"),
      env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false", CGO_ENABLED: "0" },
      encoding: "utf8",
    });
    expect(build.error).toBeUndefined();
    expect({ status: build.status, stderr: build.stderr }).toEqual({ status: 0, stderr: "" });
  },
  BUILD_TIMEOUT,
);

test("the Java SDK's pom.xml (written by hand) carries package.json's version, as its version.txt does", () => {
  const { version } = javaSdkArtifact();
  expect(version).toBe(sdkVersion());
  expect(
    readFileSync(
      path.join(SDK_DIR, "java", "src", "main", "resources", "com", "pulumi", "glue-mv-refresh", "version.txt"),
      "utf8",
    ),
  ).toBe(version);
});

test(
  "the Java SDK builds",
  () => {
    // Maven fetches com.pulumi:pulumi and its plugins from Maven Central on a first run.
    const build = spawnSync("mvn", ["-B", "-q", "--no-transfer-progress", "compile"], {
      cwd: path.join(SDK_DIR, "java"),
      encoding: "utf8",
    });
    expect(build.error).toBeUndefined();
    expect({
      status: build.status,
      errors: build.stdout.split("\n").filter((line) => /ERROR|WARN/.test(line)),
    }).toEqual({
      status: 0,
      errors: [],
    });
  },
  BUILD_TIMEOUT,
);

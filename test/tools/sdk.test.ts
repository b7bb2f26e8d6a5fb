/**
 * The committed SDKs under sdk/ against the plugin's schema: what `npm run gen-sdk` writes from it
 * (building the generators, `tools/pulumi/gensdk` and pulumi-java-gen, when missing or stale). The
 * Go and Java SDKs are built by the programs that use them, in test/cli/languages.test.ts (the Go
 * program's build compiles sdk/go; `ensureJavaSdk` installs sdk/java with Maven).
 */
import { readFileSync } from "fs";
import * as path from "path";
import { checkSdks, GENERATOR_MODULE, SDK_DIR, sdkVersion } from "../../tools/gen-sdk";
import { javaSdkArtifact, requiredVersion, ROOT } from "../../tools/pulumi-cli";

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

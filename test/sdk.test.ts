/**
 * The committed SDKs under sdk/ against the plugin's schema: what `npm run gen-sdk` writes from it
 * (building the generator, `tools/pulumi/gensdk`, when it is missing or stale), and a Go SDK that
 * builds.
 */
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { checkSdks, GENERATOR_MODULE, SDK_DIR } from "../tools/gen-sdk";
import { requiredVersion, ROOT } from "../tools/pulumi-cli";

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

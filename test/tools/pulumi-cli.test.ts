/**
 * The pure parts of the project's Pulumi CLI build (tools/pulumi-cli.ts): the pins read from the
 * wrapper modules and the requirements file, the language hosts built, and the offline environment.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import {
  BIN_DIR,
  PYTHON_VENV,
  isSupported,
  languageHostBuilds,
  offlineEnv,
  pinnedRequirement,
  pinnedVersions,
  requiredVersion,
} from "../../tools/pulumi-cli";

it("reads a module's version from a wrapper's go.mod", () => {
  const goMod = "module x\n\nrequire (\n\tgithub.com/pulumi/pulumi-yaml v1.32.0 // indirect\n)\n";
  expect(requiredVersion(goMod, "github.com/pulumi/pulumi-yaml")).toBe("v1.32.0");
  expect(() => requiredVersion(goMod, "github.com/pulumi/pulumi/sdk/v3")).toThrow("does not require");
});

it("reads a package's pin from a requirements file, not a longer name's", () => {
  const requirements = "# comment\npulumi-aws==7.0.0\nPulumi == 3.272.0\ngrpcio==1.85.3\n";
  expect(pinnedRequirement(requirements, "pulumi")).toBe("3.272.0");
  expect(pinnedRequirement(requirements, "pulumi-aws")).toBe("7.0.0");
  expect(() => pinnedRequirement("pulumi>=3\n", "pulumi")).toThrow("do not pin pulumi");
});

it("pins every part, and builds the five language hosts from their wrappers", () => {
  const versions = pinnedVersions();
  expect(versions).toEqual({
    cli: expect.stringMatching(/^v3\.\d+\.\d+$/),
    languageHosts: expect.stringMatching(/^v3\.\d+\.\d+$/),
    goHost: expect.stringMatching(/^v3\.\d+\.\d+$/),
    yamlHost: expect.stringMatching(/^v1\.\d+\.\d+$/),
    javaHost: expect.stringMatching(/^v1\.\d+\.\d+$/),
    pythonSdk: expect.stringMatching(/^3\.\d+\.\d+$/),
  });
  expect(languageHostBuilds(versions).map(({ binary, wrapper }) => [binary, wrapper])).toEqual([
    ["pulumi-language-nodejs", "language-hosts"],
    ["pulumi-language-python", "language-hosts"],
    ["pulumi-language-go", "go-host"],
    ["pulumi-language-yaml", "yaml-host"],
    ["pulumi-language-java", "java"],
  ]);
  expect(isSupported("v3.276.1", versions.cli)).toBe(true);
});

it("puts the toolchain, then the virtualenv, first on PATH, offline", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mv-refresh-offline-"));
  try {
    const toolchain = { binDir: BIN_DIR, pulumi: "", version: "", source: "built" as const, pythonVenv: PYTHON_VENV };
    const env = offlineEnv(
      toolchain,
      { stateDir: path.join(dir, "state"), home: path.join(dir, "home") },
      {
        PATH: "/usr/bin",
      },
    );
    expect(env.PATH).toBe([BIN_DIR, path.join(PYTHON_VENV, "bin"), "/usr/bin"].join(path.delimiter));
    expect(env).toMatchObject({
      PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      GOTOOLCHAIN: "local",
    });
    expect(offlineEnv(toolchain, { stateDir: dir, home: dir }, { GOTOOLCHAIN: "auto" }).GOTOOLCHAIN).toBe("auto");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

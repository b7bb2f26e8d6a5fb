/**
 * .github/workflows/release.yml against tools/release.ts: the workflow handles the archives by the
 * names the release gives them, and publishes the macOS single executable only once it is signed
 * again (the injection breaks Node.js's signature, and macOS refuses such a binary).
 */
import { readFileSync } from "fs";
import { load as loadYaml } from "js-yaml";
import * as path from "path";
import { ROOT } from "../../tools/pulumi-cli";
import { archiveName, EXECUTABLE, PLATFORMS } from "../../tools/release";

interface Job {
  readonly needs?: string | string[];
  readonly "runs-on": string;
  readonly env?: Record<string, string>;
  readonly steps: { readonly uses?: string; readonly run?: string; readonly with?: Record<string, string> }[];
}
const workflow = loadYaml(readFileSync(path.join(ROOT, ".github", "workflows", "release.yml"), "utf8")) as {
  jobs: Record<string, Job>;
};
const needs = (job: Job) => ([] as string[]).concat(job.needs ?? []);
const VERSION = "${{ needs.build.outputs.version }}";

it("signs every macOS single executable on a Mac, by the archive name the release gives it", () => {
  const signing = Object.entries(workflow.jobs).filter(([, job]) => job.steps.some((s) => s.run?.includes("codesign")));
  expect(signing.map(([name]) => name)).toEqual(["sign-darwin"]);
  const [, job] = signing[0];
  expect(job["runs-on"]).toMatch(/^macos-/);
  // Each darwin platform built as a single executable (a Node.js binary from the registry); the
  // other holds a launcher and a script, which need no signature.
  const executables = PLATFORMS.filter((p) => p.os === "darwin" && p.nodePackage);
  expect(executables.map((p) => archiveName(VERSION, p))).toEqual([job.env?.ARCHIVE]);
  const script = job.steps.flatMap((s) => (s.run ? [s.run] : [])).join("\n");
  for (const command of ["--remove-signature", "--sign -", "--verify --strict"])
    expect(script).toContain(`codesign ${command} signing/${EXECUTABLE}`);
  expect(script).toContain(`LICENSE ${EXECUTABLE}`);
});

it("publishes the GitHub release only after the signing, with the signed archive and its digest", () => {
  const release = workflow.jobs["github-release"];
  expect(needs(release)).toEqual(expect.arrayContaining(["build", "sign-darwin"]));
  const signed = workflow.jobs["sign-darwin"].steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
  const downloaded = release.steps.filter((s) => s.uses?.startsWith("actions/download-artifact@"));
  expect(downloaded.map((s) => s.with?.name)).toContain(signed?.with?.name);
  const runs = release.steps.flatMap((s) => (s.run ? [s.run] : []));
  const replace = runs.findIndex((run) => run.includes("SHA256SUMS") && run.includes("sha256sum"));
  const publish = runs.findIndex((run) => run.includes("gh release create"));
  expect(replace).toBeGreaterThanOrEqual(0);
  expect(publish).toBeGreaterThan(replace);
});

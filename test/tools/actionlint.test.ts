/**
 * `npm run lint` runs actionlint, built from its Go module (tools/actionlint.ts), on the examples'
 * GitHub Actions workflows: it passes them, and it fails a broken copy, naming each mistake.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { actionlintVersion, exampleWorkflows, repositoryWorkflows, runActionlint } from "../../tools/actionlint";
import { ROOT } from "../../tools/pulumi-cli";

// The first run builds actionlint.
jest.setTimeout(240_000);

const WORKFLOW = "examples/release-pipeline/.github/workflows/refresh-views.yml";
const PLAN_WORKFLOW = "examples/release-pipeline/.github/workflows/plan-views.yml";

it("lints the examples' workflows, which pass", async () => {
  expect(exampleWorkflows()).toEqual([PLAN_WORKFLOW, WORKFLOW]);
  const { code, output } = await runActionlint(exampleWorkflows(), "pipe");
  expect({ code, output }).toEqual({ code: 0, output: "" });
  expect(actionlintVersion()).toMatch(/^v1\.\d+\.\d+$/);
});

it("lints the repository's release workflow, which passes", async () => {
  expect(repositoryWorkflows()).toEqual([".github/workflows/release.yml"]);
  const { code, output } = await runActionlint(repositoryWorkflows(), "pipe");
  expect({ code, output }).toEqual({ code: 0, output: "" });
});

it("fails a broken workflow and names each mistake", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mv-refresh-actionlint-"));
  try {
    const broken = path.join(dir, ".github", "workflows", "refresh-views.yml");
    mkdirSync(path.dirname(broken), { recursive: true });
    const original = readFileSync(path.join(ROOT, WORKFLOW), "utf8");
    const text = original
      .replace("role-to-assume:", "role-to-asume:")
      .replace("${{ github.run_id }}", "${{ github.run_idd }}");
    expect(text).not.toBe(original);
    writeFileSync(broken, text);
    const { code, output } = await runActionlint([broken], "pipe");
    expect(code).toBe(1);
    expect(output).toContain(
      'input "role-to-asume" is not defined in action "aws-actions/configure-aws-credentials@v6"',
    );
    expect(output).toContain('property "run_idd" is not defined');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * examples/release-pipeline: its GitHub Actions workflow and GitLab CI job both run deploy.sh, and
 * deploy.sh runs here under the real Pulumi CLI against the emulator, with the environment those
 * jobs give it: the backend, credentials and region from the environment, and the AWS SDK's endpoint
 * variable sending Glue where AWS would be (the program sets no endpoint).
 */
import { readFileSync } from "fs";
import { load as loadYaml } from "js-yaml";
import * as path from "path";
import type { GlueEmulator } from "../../src/emulator";
import { ROOT } from "../../tools/pulumi-cli";
import { CliStack, type CliRun } from "../support/cli";
import { emulatorFor } from "../support/e2e";

jest.setTimeout(120_000);

const PROGRAM = path.join(ROOT, "examples", "release-pipeline");
const DAILY = { databaseName: "sales", tableName: "daily_totals_mv" };
const WEEKLY = { databaseName: "sales", tableName: "weekly_totals_mv" };

describe("the example's CI files run deploy.sh and plan.sh, and nothing else runs pulumi", () => {
  const read = (file: string) => readFileSync(path.join(PROGRAM, file), "utf8");
  interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
  }
  interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { if?: string; steps: Step[] }>;
  }
  /** A workflow of the example, its steps, and its step that uses an action (`owner/name`). */
  function workflow(file: string) {
    const parsed = loadYaml(read(`.github/workflows/${file}`)) as Workflow;
    const steps = Object.values(parsed.jobs).flatMap((job) => job.steps);
    const action = (name: string) => steps.find((step) => step.uses?.startsWith(`${name}@`));
    // Pulumi's action installs the CLI only (no `command`); the role comes by OIDC.
    expect(action("pulumi/actions")?.uses).toMatch(/@v\d+$/);
    expect(action("pulumi/actions")?.with?.command).toBeUndefined();
    return { ...parsed, steps, action };
  }
  /** The steps that run pulumi or the plan: the example's script alone. */
  const pulumiSteps = (steps: Step[]) => steps.filter((step) => /pulumi|plan/.test(step.run ?? ""));

  it("GitHub Actions, on push to main: OIDC role, Pulumi's action installing the CLI, deploy.sh writing the job summary", () => {
    const { permissions, steps, action } = workflow("refresh-views.yml");
    expect(permissions["id-token"]).toBe("write");
    expect(action("aws-actions/configure-aws-credentials")?.with).toHaveProperty("role-to-assume");
    expect(pulumiSteps(steps)).toEqual([]);
    expect(steps.map((step) => step.run)).toContain('SUMMARY_FILE="$GITHUB_STEP_SUMMARY" ./deploy.sh');
  });

  it("GitHub Actions, on pull requests: the read-only role, and plan.sh commenting with the pull request's number and token", () => {
    const { on, permissions, jobs, steps, action } = workflow("plan-views.yml");
    expect(Object.keys(on)).toEqual(["pull_request"]);
    expect(permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    // A fork's pull request has no OIDC token, and its code must not run with the role.
    expect(Object.values(jobs).map((job) => job.if)).toEqual([
      "github.event.pull_request.head.repo.full_name == github.repository",
    ]);
    expect(action("aws-actions/configure-aws-credentials")?.with?.["role-to-assume"]).toBe(
      "${{ vars.AWS_PLAN_ROLE_ARN }}",
    );
    expect(pulumiSteps(steps)).toEqual([
      {
        name: "glue-mv-refresh plan, commented on the pull request",
        run: 'SUMMARY_FILE="$GITHUB_STEP_SUMMARY" ./plan.sh',
        env: {
          PR_NUMBER: "${{ github.event.pull_request.number }}",
          COMMIT_SHA: "${{ github.event.pull_request.head.sha }}",
          GITHUB_TOKEN: "${{ github.token }}",
        },
      },
    ]);
  });

  it("GitLab CI: the job's OIDC token as the AWS SDK's web identity, deploy.sh, the summary kept", () => {
    const job = (loadYaml(read(".gitlab-ci.yml")) as Record<string, Record<string, unknown>>)["refresh-views"];
    expect(job.id_tokens).toEqual({ AWS_ID_TOKEN: { aud: "sts.amazonaws.com" } });
    expect(job.variables).toMatchObject({
      AWS_WEB_IDENTITY_TOKEN_FILE: expect.any(String),
      SUMMARY_FILE: "refresh-runs.md",
    });
    expect(job.script).toContain('printf \'%s\' "$AWS_ID_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"');
    expect((job.script as string[]).filter((line) => line.includes("pulumi") || line.includes("deploy"))).toEqual([
      "./deploy.sh",
    ]);
    expect(job.artifacts).toEqual({ when: "always", paths: ["refresh-runs.md"] });
  });
});

describe("deploy.sh under the real CLI", () => {
  let emulator: GlueEmulator;
  let stack: CliStack;
  let deployments = 0;

  beforeAll(async () => {
    emulator = await emulatorFor([DAILY, WEEKLY]);
    stack = await CliStack.create({
      programDir: PROGRAM,
      emulator,
      stack: "prod",
      // What the jobs' credentials step sets; the SDK's endpoint variable stands in for AWS.
      env: { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: emulator.endpoint },
    });
  });
  afterAll(async () => {
    stack?.close();
    await emulator?.close();
  });

  /** One pipeline job: deploy.sh, with a summary file of its own as each job has. */
  async function deploy(): Promise<{ run: CliRun; summary: string }> {
    const summaryFile = path.join(path.dirname(stack.workspace), `summary-${++deployments}.md`);
    const run = await stack.exec(path.join(stack.workspace, "deploy.sh"), [], {
      STACK: "prod",
      SUMMARY_FILE: summaryFile,
    }).done;
    return { run, summary: readFileSync(summaryFile, "utf8") };
  }

  const row = (view: { tableName: string }, run: { runId: string; status: string }, note: string) =>
    `| sales.${view.tableName} | ${run.runId} | ${run.status} | ${note} |`;
  const TABLE_HEAD = ["| View | Run id | Status | This deployment |", "|---|---|---|---|"];

  it("refreshes each view once, exits 0, and writes the runs Glue recorded to the summary and the log", async () => {
    const { run, summary } = await deploy();
    expect(run.code).toBe(0);
    const [daily] = emulator.runs(DAILY);
    const [weekly] = emulator.runs(WEEKLY);
    expect([daily.status, weekly.status, emulator.runs(DAILY).length + emulator.runs(WEEKLY).length]).toEqual([
      "SUCCEEDED",
      "SUCCEEDED",
      2,
    ]);
    const lines = summary.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "### Materialized views on stack prod: 2 of 2 views refreshed by this deployment",
      "",
      ...TABLE_HEAD,
    ]);
    expect(lines.slice(4).sort()).toEqual(
      ["", row(DAILY, daily, "started this run"), row(WEEKLY, weekly, "started this run")].sort(),
    );
    expect(run.stdout).toContain(summary);
  });

  it("starts no run when nothing changed, and says so with the runs of record", async () => {
    const { run, summary } = await deploy();
    expect(run.code).toBe(0);
    expect(emulator.runs(DAILY)).toHaveLength(1);
    expect(emulator.runs(WEEKLY)).toHaveLength(1);
    expect(summary).toContain("on stack prod: 0 of 2 views refreshed by this deployment");
    expect(summary).toContain(row(DAILY, emulator.runs(DAILY)[0], "kept the last run"));
    expect(summary).toContain(row(WEEKLY, emulator.runs(WEEKLY)[0], "kept the last run"));
  });

  it("fails the job on a failed refresh, with the one-line message and the failed run in the log and the summary", async () => {
    await stack.configure({ schemaVersion: "2" });
    emulator.failNextRuns(DAILY, 1, "Spark ran out of memory");
    const { run, summary } = await deploy();
    expect(run.code).not.toBe(0);
    const failed = emulator.runs(DAILY)[1];
    const weekly = emulator.runs(WEEKLY)[1];
    expect([failed.status, weekly.status]).toEqual(["FAILED", "SUCCEEDED"]);
    const message = `MaterializedViewRefresh "daily_totals_mv" (sales.daily_totals_mv): refresh run ${failed.runId} ended FAILED: Spark ran out of memory`;
    expect(run.stdout).toContain(message);
    expect(summary.split("\n").slice(0, 6)).toEqual([
      "### pulumi up failed on stack prod: 1 of 2 views refreshed by this deployment",
      "",
      `- ${message}`,
      "",
      ...TABLE_HEAD,
    ]);
    expect(summary).toContain(row(DAILY, failed, "started this run"));
    expect(summary).toContain(row(WEEKLY, weekly, "started this run"));
  });

  it("retries the failed view alone in the next job, and the summary says which run is new", async () => {
    const { run, summary } = await deploy();
    expect(run.code).toBe(0);
    expect(emulator.runs(DAILY).map((r) => r.status)).toEqual(["SUCCEEDED", "FAILED", "SUCCEEDED"]);
    expect(emulator.runs(WEEKLY)).toHaveLength(2);
    expect(summary).toContain("on stack prod: 1 of 2 views refreshed by this deployment");
    expect(summary).toContain(row(DAILY, emulator.runs(DAILY)[2], "started this run"));
    expect(summary).toContain(row(WEEKLY, emulator.runs(WEEKLY)[1], "kept the last run"));
  });

  it("passes a cancel on to the CLI: SIGINT to the script alone, as a runner sends it, lets the refresh end and records it", async () => {
    await stack.configure({ schemaVersion: "3" });
    // Fifty emulated minutes: three real seconds at the emulator's 1000x, time to cancel mid-wait.
    emulator.setRunDuration(undefined, 50 * 60_000);
    const summaryFile = path.join(path.dirname(stack.workspace), `summary-${++deployments}.md`);
    const job = stack.exec(path.join(stack.workspace, "deploy.sh"), [], { STACK: "prod", SUMMARY_FILE: summaryFile });
    while (emulator.runs(DAILY).length < 4 || emulator.runs(WEEKLY).length < 3)
      await new Promise((resolve) => setTimeout(resolve, 100));
    job.child.kill("SIGINT");
    const run = await job.done;
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("^C received; cancelling");
    const [daily, weekly] = [emulator.runs(DAILY)[3], emulator.runs(WEEKLY)[2]];
    expect([daily.status, weekly.status]).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    const summary = readFileSync(summaryFile, "utf8");
    expect(summary).toContain(row(DAILY, daily, "started this run"));
    expect(summary).toContain(row(WEEKLY, weekly, "started this run"));
  });
});

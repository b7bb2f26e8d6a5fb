/**
 * examples/release-pipeline's pull-request job: plan.sh under the real Pulumi CLI against the
 * emulator, with the environment the workflow gives it, and a local HTTP server standing in for
 * GitHub's REST API (list, create and update a pull request's comments). The stack is deployed
 * first, as main's last push left it; each run of plan.sh is one push to the pull request.
 */
import { readFileSync } from "fs";
import { createServer, type IncomingMessage, type Server } from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import type { GlueEmulator } from "../../src/emulator";
import { ROOT } from "../../tools/pulumi-cli";
import { CliStack, withoutSdkNodeNotice, type CliRun } from "../support/cli";
import { emulatorFor } from "../support/e2e";

jest.setTimeout(180_000);

const PROGRAM = path.join(ROOT, "examples", "release-pipeline");
const DAILY = { databaseName: "sales", tableName: "daily_totals_mv" };
const WEEKLY = { databaseName: "sales", tableName: "weekly_totals_mv" };
/** Each view's INCREMENTAL runs, in minutes: the history the budget's forecast comes from. */
const MINUTES = new Map([
  [DAILY, 20],
  [WEEKLY, 10],
]);
const MINUTE = 60_000;
const REPOSITORY = "my-org/my-repo";
const PR = 7;
const TOKEN = "ghs_pull-request-token";
const MARKER = "<!-- glue-mv-refresh plan: stack prod -->";

interface Comment {
  id: number;
  body: string;
}
interface ApiRequest {
  method: string;
  url: string;
  authorization?: string;
  body?: { body: string };
}

/**
 * GitHub's issue comments endpoints for one pull request, as the REST API answers them: pages of
 * `per_page` with a Link header to the next, 201 for a new comment, 200 for an edited one.
 */
class FakeGitHub {
  readonly requests: ApiRequest[] = [];
  /** Others' comments, enough to put the plan's on a second page. */
  readonly comments: Comment[] = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: `review note ${i + 1}` }));
  private server?: Server;
  url = "";

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.read(req).then((body) => {
        const request: ApiRequest = {
          method: req.method ?? "",
          url: req.url ?? "",
          authorization: req.headers.authorization,
          ...(body ? { body: JSON.parse(body) as { body: string } } : {}),
        };
        this.requests.push(request);
        const { status, json, link } = this.answer(request);
        res.writeHead(status, { "content-type": "application/json", ...(link ? { link } : {}) });
        res.end(JSON.stringify(json));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async read(req: IncomingMessage): Promise<string> {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    return text;
  }

  private answer(r: ApiRequest): { status: number; json: unknown; link?: string } {
    if (r.authorization !== `Bearer ${TOKEN}`) return { status: 401, json: { message: "Bad credentials" } };
    const url = new URL(r.url, this.url);
    const list = `/repos/${REPOSITORY}/issues/${PR}/comments`;
    const one = new RegExp(`^/repos/${REPOSITORY}/issues/comments/(\\d+)$`).exec(url.pathname);
    if (r.method === "GET" && url.pathname === list) {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const more = this.comments.length > page * perPage;
      return {
        status: 200,
        json: this.comments.slice((page - 1) * perPage, page * perPage),
        ...(more ? { link: `<${this.url}${list}?per_page=${perPage}&page=${page + 1}>; rel="next"` } : {}),
      };
    }
    if (r.method === "POST" && url.pathname === list && r.body) {
      const comment = { id: 9000 + this.comments.length, body: r.body.body };
      this.comments.push(comment);
      return {
        status: 201,
        json: { ...comment, html_url: `https://github.com/${REPOSITORY}/pull/${PR}#issuecomment-${comment.id}` },
      };
    }
    const found = one && this.comments.find((c) => c.id === Number(one[1]));
    if (r.method === "PATCH" && found && r.body) {
      found.body = r.body.body;
      return { status: 200, json: found };
    }
    return { status: 404, json: { message: "Not Found" } };
  }
}

describe("plan.sh under the real CLI, commenting on a pull request", () => {
  let emulator: GlueEmulator;
  let stack: CliStack;
  const github = new FakeGitHub();
  let pushes = 0;
  let runsBefore = 0;

  beforeAll(async () => {
    emulator = await emulatorFor([...MINUTES.keys()]);
    // A history: a first (FULL) run, then INCREMENTAL runs with noise; the deployment's runs as long.
    for (const [view, minutes] of MINUTES) {
      for (const factor of [3, 0.96, 1.03, 0.99]) {
        emulator.startRunOutOfBand(view, { durationMs: minutes * MINUTE * factor });
        emulator.advanceTime(minutes * MINUTE * factor + 1000);
      }
      emulator.setRunDuration(view, minutes * MINUTE);
    }
    stack = await CliStack.create({
      programDir: PROGRAM,
      emulator,
      stack: "prod",
      env: { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: emulator.endpoint },
    });
    // main as its last push deployed it.
    const up = await stack.up();
    if (up.code !== 0) throw new Error(`the first deployment failed: ${up.stderr}`);
    await github.start();
    runsBefore = emulator.runs().length;
    emulator.resetRequests();
  });
  afterAll(async () => {
    stack?.close();
    await emulator?.close();
    await github.close();
  });

  /** One push to the pull request: the job's plan step, with the variables the workflow gives it. */
  async function push(): Promise<{ run: CliRun; summary: string }> {
    pushes++;
    const summaryFile = path.join(path.dirname(stack.workspace), `plan-summary-${pushes}.md`);
    const run = await stack.exec(path.join(stack.workspace, "plan.sh"), [], {
      STACK: "prod",
      SUMMARY_FILE: summaryFile,
      PR_NUMBER: String(PR),
      COMMIT_SHA: `${pushes}a7c9e2${"0".repeat(33)}`,
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: String(4000 + pushes),
    }).done;
    return { run, summary: readFileSync(summaryFile, "utf8") };
  }

  /** The Glue and STS calls since the last check: a preview's reads only, no run started. */
  function expectReadOnly(): void {
    const operations = new Set(emulator.requests.map((r) => r.operation));
    expect(
      [...operations].filter((op) => op !== "ListMaterializedViewRefreshTaskRuns" && op !== "GetCallerIdentity"),
    ).toEqual([]);
    expect(emulator.runs()).toHaveLength(runsBefore);
    emulator.resetRequests();
  }

  const calls = () => github.requests.splice(0).map((r) => `${r.method} ${r.url}`);
  const list = `/repos/${REPOSITORY}/issues/${PR}/comments`;
  let commentId = 0;

  it("posts the plan as a new comment: the views the merge would refresh and why, marked, with the commit and the run", async () => {
    await stack.configure({ schemaVersion: "2" });
    const { run, summary } = await push();
    expect({ code: run.code, stderr: withoutSdkNodeNotice(run.stderr) }).toEqual({ code: 0, stderr: "" });
    // A hundred comments fill the first page: the plan's is the 101st, on the second page next time.
    expect(calls()).toEqual([`GET ${list}?per_page=100`, `POST ${list}`]);
    const [posted] = github.comments.slice(100);
    commentId = posted.id;
    console.log(`The comment of the first push:\n${posted.body}`);
    const lines = posted.body.split("\n");
    expect(lines.slice(0, 6)).toEqual([
      MARKER,
      "### Glue materialized view refreshes: stack `prod`",
      "",
      expect.stringMatching(
        /^\*\*2\*\* refreshes, expected wall time \*\*\d+m \d\ds\*\* \(p90 \d+m \d\ds\), \*\*[\d.]+ DPU-hours\*\*, \*\*\$\d+\.\d\d\*\*\./,
      ),
      "",
      "| # | Resource | View | Why | Type | Duration | p90 | Cost | Based on |",
    ]);
    // The TypeScript dynamic provider's views, which the engine does not preview: why each
    // refreshes, and the figures of the provider's own preview, from each view's runs.
    for (const [view, minutes] of MINUTES) {
      const row = new RegExp(
        `^\\| \\d \\| ${view.tableName} \\| \`sales\\.${view.tableName}\` \\| triggers changed \\| INCREMENTAL \\| (\\d+)m (\\d\\d)s \\| \\d+m \\d\\ds \\| \\$\\d+\\.\\d\\d \\| \\d runs \\|$`,
      ).exec(lines.find((line) => line.includes(`| ${view.tableName} |`)) ?? "");
      expect(row).not.toBeNull();
      const seconds = Number(row![1]) * 60 + Number(row![2]);
      expect(Math.abs(seconds - minutes * 60) / (minutes * 60)).toBeLessThan(0.05);
    }
    expect(posted.body).not.toContain("No history or no forecast");
    expect(lines.at(-1)).toBe(
      "<sub>Planned for 1a7c9e2 by [run 4001](https://github.com/my-org/my-repo/actions/runs/4001); updated on each push.</sub>",
    );
    expect(run.stdout).toContain(
      `Wrote the plan comment https://github.com/${REPOSITORY}/pull/${PR}#issuecomment-${commentId}`,
    );
    expect(summary.trim()).toBe(lines.slice(1, -2).join("\n"));
    expectReadOnly();
  });

  it("updates that comment on the next push; a plan over the budget fails the job, its errors and figures in the comment", async () => {
    // The push sets a budget below the refreshes' forecast (10 DPUs for 10 and 20 minutes).
    await stack.configure({ "glue-mv-refresh:maxCostUsd": "0.5" });
    const { run } = await push();
    expect(run.code).toBe(1);
    expect(calls()).toEqual([
      `GET ${list}?per_page=100`,
      `GET ${list}?per_page=100&page=2`,
      `PATCH /repos/${REPOSITORY}/issues/comments/${commentId}`,
    ]);
    expect(github.comments).toHaveLength(101);
    const body = github.comments.find((c) => c.id === commentId)!.body;
    console.log(`The comment after the second push:\n${body}`);
    expect(body.split("\n").slice(0, 5)).toEqual([
      MARKER,
      "### Glue materialized view refreshes: stack `prod`: the plan failed",
      "",
      "`glue-mv-refresh plan` exited 1, and so did this job:",
      "",
    ]);
    expect(body).toContain("glue-mv-refresh plan: the preview of stack prod failed:");
    const over =
      /exceeds glue-mv-refresh:maxCostUsd \$0\.50: (daily|weekly)_totals_mv \(sales\.\1_totals_mv\) (\d+\.\d+) DPU-hours, \$(\d+\.\d\d)\. No refresh was started/.exec(
        body,
      );
    expect(over).not.toBeNull();
    const [, view, dpuHours, cost] = over!;
    // The figures are the view's history's: 10 DPUs for its minutes, at $0.44 a DPU-hour.
    const expected = (10 * MINUTES.get(view === "daily" ? DAILY : WEEKLY)!) / 60;
    expect(Math.abs(Number(dpuHours) - expected) / expected).toBeLessThan(0.05);
    expect(Number(cost)).toBeCloseTo(Number(dpuHours) * 0.44, 2);
    expect(body).toContain("<sub>Planned for 2a7c9e2 by [run 4002]");
    expect(run.stderr).toContain("over budget");
    expectReadOnly();
  });
});

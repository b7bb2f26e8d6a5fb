#!/usr/bin/env bash
# The pull request's plan, exactly as the GitHub Actions workflow and this repository's tests run it:
# `glue-mv-refresh plan --markdown` on the stack (a preview: it starts no refresh), then that plan as
# one comment on the pull request, found again by its hidden marker and updated in place on each
# push, and in the log and SUMMARY_FILE. A plan that fails (a budget exceeded, a bad input) puts its
# errors in the comment instead. Exits as the plan did, or non-zero when the comment was not written.
#
#   STACK=prod PR_NUMBER=12 GITHUB_REPOSITORY=my-org/my-repo GITHUB_TOKEN=... ./plan.sh
#
# GITHUB_API_URL, GITHUB_SERVER_URL and GITHUB_RUN_ID come from the job (the comment names its run),
# COMMIT_SHA from the workflow; the backend and the AWS credentials from the environment.
set -euo pipefail
: "${STACK:?set STACK to the stack to plan}"
: "${PR_NUMBER:?set PR_NUMBER to the pull request to comment on}"
: "${GITHUB_REPOSITORY:?set GITHUB_REPOSITORY to the repository, owner/name}"
: "${GITHUB_TOKEN:?set GITHUB_TOKEN to a token that may write comments on the pull request}"
summary="${SUMMARY_FILE:-/dev/null}"
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --no: the bin `npm ci` installed with the package, never a download of whatever bears its name.
npx --no glue-mv-refresh plan --stack "$STACK" --markdown >"$work/plan.md" 2>"$work/plan.err" && status=0 || status=$?
cat "$work/plan.md"
cat "$work/plan.err" >&2

node --input-type=module -e '
  import { appendFileSync, readFileSync } from "node:fs";
  const [stack, status, work, summary] = process.argv.slice(1);
  const env = process.env;
  const read = (file) => readFileSync(`${work}/${file}`, "utf8").trim();
  // One comment per stack: a pull request planned for several stacks gets one each.
  const marker = `<!-- glue-mv-refresh plan: stack ${stack} -->`;
  // A fence longer than any run of backticks in the errors, so that none ends it early.
  const fenced = (text) => {
    const fence = "`".repeat(Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
    return `${fence}\n${text}\n${fence}`;
  };
  let plan =
    status === "0"
      ? read("plan.md")
      : [
          `### Glue materialized view refreshes: stack \`${stack}\`: the plan failed`,
          "",
          `\`glue-mv-refresh plan\` exited ${status}, and so did this job:`,
          "",
          fenced(read("plan.err") || "(no output)"),
        ].join("\n");
  const run = env.GITHUB_RUN_ID
    ? ` by [run ${env.GITHUB_RUN_ID}](${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID})`
    : "";
  const footer = `<sub>Planned${env.COMMIT_SHA ? ` for ${env.COMMIT_SHA.slice(0, 7)}` : ""}${run}; updated on each push.</sub>`;
  // GitHub refuses a comment over 65536 characters; the whole plan stays in the job log.
  const room = 65_000 - marker.length - footer.length;
  if (plan.length > room) plan = `${plan.slice(0, room)}\n\n(cut here: the whole plan is in the job log)`;
  appendFileSync(summary, `${plan}\n`);
  const body = [marker, plan, "", footer].join("\n");

  const api = `${env.GITHUB_API_URL ?? "https://api.github.com"}/repos/${env.GITHUB_REPOSITORY}`;
  const call = async (method, url, payload) => {
    const response = await fetch(url, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${env.GITHUB_TOKEN}`,
        "x-github-api-version": "2022-11-28",
        ...(payload ? { "content-type": "application/json" } : {}),
      },
      body: payload && JSON.stringify(payload),
    });
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    return response;
  };
  try {
    // The earlier plan comment, on whichever page of the pull request comments it is.
    let earlier;
    for (let url = `${api}/issues/${env.PR_NUMBER}/comments?per_page=100`; url && !earlier; ) {
      const page = await call("GET", url);
      earlier = (await page.json()).find((comment) => comment.body?.includes(marker));
      url = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get("link") ?? "")?.[1];
    }
    const written = earlier
      ? await call("PATCH", `${api}/issues/comments/${earlier.id}`, { body })
      : await call("POST", `${api}/issues/${env.PR_NUMBER}/comments`, { body });
    const comment = await written.json();
    console.log(`${earlier ? "Updated" : "Wrote"} the plan comment ${comment.html_url ?? comment.id}`);
  } catch (error) {
    console.error(`plan.sh: the plan comment was not written: ${error.message}`);
    process.exitCode = 1;
  }
' "$STACK" "$status" "$work" "$summary" && commented=0 || commented=$?
if [ "$status" -ne 0 ]; then exit "$status"; fi
exit "$commented"

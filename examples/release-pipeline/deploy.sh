#!/usr/bin/env bash
# The release pipeline's deployment, exactly as the GitHub Actions workflow, the GitLab CI job and
# this repository's tests run it: `pulumi up` on the stack, then each view's recorded run (marked
# when this deployment started it) and any error, written as Markdown to the log and to
# SUMMARY_FILE (the job summary, or a file kept as an artifact). Exits as `pulumi up` did.
#
#   STACK=prod SUMMARY_FILE=refresh-runs.md ./deploy.sh
#
# The backend (PULUMI_ACCESS_TOKEN or PULUMI_BACKEND_URL) and the AWS credentials come from the
# environment the CI job sets up.
set -euo pipefail
: "${STACK:?set STACK to the stack to deploy}"
summary="${SUMMARY_FILE:-/dev/null}"
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

pulumi stack select --create "$STACK"
# The runs come from the stack's state, not its outputs: a failed deployment keeps there the runs it
# started, the failed one included, so the next job's summary is still right.
pulumi stack export --stack "$STACK" --file "$work/before.json"
# The log exists before the CLI starts: `tail -f` below gives up at once on a file not there yet,
# which the background job may not have created by then.
: >"$work/up.log"
# A CI runner's cancel signals this script (a `run:` step's entry process), never its children: pass
# SIGINT and SIGTERM on to the CLI, which then lets the refreshes in flight end and records them
# (README, "When a pipeline job is cancelled").
pulumi up --stack "$STACK" --yes --non-interactive >>"$work/up.log" 2>&1 &
up=$!
trap 'kill -INT "$up" 2>/dev/null || true' INT
trap 'kill -TERM "$up" 2>/dev/null || true' TERM
tail -n +1 -f --pid="$up" "$work/up.log" &
shown=$!
while true; do
  # A trapped signal ends `wait` early, with the CLI still running: wait again.
  wait "$up" && status=0 || status=$?
  kill -0 "$up" 2>/dev/null || break
done
trap - INT TERM
wait "$shown" || true
pulumi stack export --stack "$STACK" --file "$work/after.json"

node -e '
  const [stack, status, work] = process.argv.slice(1);
  const read = (file) => require("fs").readFileSync(`${work}/${file}`, "utf8");
  // Each view refresh in the state, group members included: `database.table` -> its last run.
  const runs = (file) =>
    new Map(
      (JSON.parse(read(file)).deployment?.resources ?? [])
        .filter((r) => /:MaterializedViewRefresh(Group)?$/.test(r.type) && !r.delete && r.outputs)
        .flatMap((r) => (r.outputs.runId ? [r.outputs] : Object.values(r.outputs.runs ?? {})))
        .map((run) => [`${run.databaseName}.${run.tableName}`, run]),
    );
  const [was, now] = [runs("before.json"), runs("after.json")];
  const rows = [...now].map(([view, run]) => ({ view, ...run, started: was.get(view)?.runId !== run.runId }));
  // The errors of a failed deployment, one line each (a failed refresh names the view, the run and why).
  const errors = read("up.log").split("\n").map((line) => line.trim())
    .filter((line) => /^(error: |\* )/.test(line)).map((line) => line.replace(/^(error: |\* )/, ""))
    .filter((line) => !/^(update failed|\d+ errors? occurred:)$/.test(line));
  console.log([
    `### ${status === "0" ? "Materialized views" : "pulumi up failed"} on stack ${stack}: ` +
      `${rows.filter((r) => r.started && r.status === "SUCCEEDED").length} of ${rows.length} views refreshed by this deployment`,
    "",
    ...(status === "0" ? [] : [...new Set(errors)].map((error) => `- ${error}`).concat("")),
    "| View | Run id | Status | This deployment |",
    "|---|---|---|---|",
    ...rows.map((r) => `| ${r.view} | ${r.runId} | ${r.status} | ${r.started ? "started this run" : "kept the last run"} |`),
  ].join("\n"));
' "$STACK" "$status" "$work" | tee -a "$summary"
exit "$status"

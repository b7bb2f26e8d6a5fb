import { AwsCallError } from "../../src/model/errors";
import type { RefreshRun } from "../../src/model/run";
import { successSummary, verdict } from "../../src/deploy/verdict";
import { UnknownRunError } from "../../src/deploy/watch";
import { FakeClock } from "../support/fake-clock";
import { settings } from "../support/fixtures";

const run: RefreshRun = { runId: "r-1", status: "RUNNING", startTime: new Date(Date.UTC(2026, 0, 1)) };

function judge(waited: Parameters<typeof verdict>[3], s = settings()) {
  const lines: string[] = [];
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 4));
  const judged = verdict({ clock, print: (l) => lines.push(l) }, s, run, waited, Date.UTC(2026, 0, 1));
  return { judged, lines };
}

describe("verdict", () => {
  it("records a run that SUCCEEDED and prints the summary", () => {
    const ended = { ...run, status: "SUCCEEDED" as const, refreshType: "FULL", dpuSeconds: 12 };
    const { judged, lines } = judge({ state: "done", value: ended });
    expect(judged).toMatchObject({ ok: true, state: { runId: "r-1", status: "SUCCEEDED" } });
    expect(lines).toEqual(["daily (sales.daily_mv): refresh run r-1 SUCCEEDED after 4m 00s (FULL, 12 DPU-seconds)"]);
  });

  it("fails a run that ended otherwise with Glue's message, keeping the run", () => {
    const { judged } = judge({ state: "done", value: { ...run, status: "FAILED", errorMessage: "bad SQL" } });
    expect(judged).toMatchObject({ ok: false, why: "refresh run r-1 ended FAILED: bad SQL", state: { runId: "r-1" } });
  });

  it("says the run goes on after a timeout or an interruption, printing only the interruption", () => {
    const timedOut = judge({ state: "timeout", value: run });
    expect(timedOut.judged).toMatchObject({ ok: false, why: expect.stringContaining("gave up after 60 minutes") });
    expect(timedOut.lines).toEqual([]);
    const aborted = judge({ state: "aborted", value: run });
    expect(aborted.judged).toMatchObject({ ok: false, why: expect.stringContaining("interrupted while waiting") });
    expect(aborted.lines).toHaveLength(1);
  });

  it("tells a lost run, expired credentials and any other error apart", () => {
    expect(judge({ error: new UnknownRunError("Glue does not know refresh run r-1") }).judged).toMatchObject({
      why: "Glue does not know refresh run r-1; the next deployment starts a new refresh",
    });
    const expired = new AwsCallError("Get … failed: ExpiredTokenException", "ExpiredTokenException", "Get", "q", 400);
    expect(judge({ error: expired }).judged).toMatchObject({
      why: expect.stringContaining("the AWS credentials expired while waiting for refresh run r-1"),
    });
    expect(judge({ error: new Error("boom") }).judged).toMatchObject({
      ok: false,
      why: "could not follow refresh run r-1, which goes on in Glue: boom",
      state: { runId: "r-1", status: "RUNNING" },
    });
  });
});

describe("successSummary", () => {
  it("leaves out what Glue did not say", () => {
    expect(successSummary({ runId: "r-2", status: "SUCCEEDED" }, 45_000)).toBe("refresh run r-2 SUCCEEDED after 45s");
  });
});

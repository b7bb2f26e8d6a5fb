/**
 * A pipeline job cancelled while `pulumi up` waits for a refresh, under the real CLI: Ctrl-C
 * (SIGINT to the terminal's foreground group), a job timeout (SIGTERM to the CLI) and a kill
 * (SIGKILL to the CLI and every process under it). Then what the CLI tells the user to do, and
 * `pulumi up` again. docs/cancelled-jobs.md gives these steps.
 */
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import type { GlueEmulator } from "../../src/emulator";
import { ROOT } from "../../tools/pulumi-cli";
import { CliStack, type Running } from "../support/cli";
import { emulatorFor } from "../support/e2e";
import { cliSteps } from "../support/twins";

jest.setTimeout(300_000);

const QUICKSTART = path.join(ROOT, "examples", "quickstart");
const VIEW = { databaseName: "sales", tableName: "daily_totals_mv" };
/** Fifty emulated minutes (within the default timeoutMinutes): three real seconds at the emulator's 1000x, long enough to cancel mid-wait. */
const RUN_MS = 50 * 60_000;

let emulator: GlueEmulator;
let stack: CliStack;

beforeEach(async () => {
  emulator = await emulatorFor([VIEW], { runDurationMs: RUN_MS });
  stack = await CliStack.create({ programDir: QUICKSTART, emulator });
  await stack.configure({ "aws:region": "us-east-1", glueEndpoint: emulator.endpoint, schemaVersion: "1" });
  expect((await stack.up()).code).toBe(0);
  await stack.configure({ schemaVersion: "2" });
});
afterEach(async () => {
  stack?.close();
  await emulator?.close();
});

/** Polls (real time: the CLI runs in real time) until the view has `count` runs. */
async function untilRuns(count: number, within = 60_000): Promise<void> {
  const deadline = Date.now() + within;
  while (emulator.runs(VIEW).length < count) {
    if (Date.now() > deadline) throw new Error(`no run ${count} within ${within} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILL to a process that may have ended since the tree was read (a short-lived child). */
function killIfAlive(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** The process and all its descendants, read from /proc. */
function tree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const found = [pid];
  // The iterator sees the children pushed while it runs, so this walks the whole tree.
  for (const current of found) for (const [child, parent] of parents) if (parent === current) found.push(child);
  return found;
}

/** Starts `pulumi up` for the trigger change and waits until its refresh run has started. */
async function upUntilStarted(): Promise<Running> {
  const running = stack.start(["up", "--yes", "--non-interactive", "--json"]);
  await untilRuns(2);
  return running;
}

async function expectNothingLeftToDo(): Promise<void> {
  const next = await stack.up();
  expect(next.code).toBe(0);
  expect(cliSteps(next.steps)).toEqual([["daily-sales", "same", true]]);
}

describe("a cancelled pipeline job", () => {
  it.each([
    ["Ctrl-C: SIGINT to the foreground process group", "SIGINT", true],
    ["a job timeout: SIGTERM to the CLI", "SIGTERM", false],
  ] as const)(
    "%s: the CLI lets the refresh finish and records it; the next `up` has nothing to do",
    async (_, signal, group) => {
      const running = await upUntilStarted();
      const [, started] = emulator.runs(VIEW);
      CliStack.signal(running, signal, group);
      const cancelled = await running.done;
      // The deployment is cancelled (its program stops), but the step in flight ends first.
      expect(cancelled.code).not.toBe(0);
      expect(cancelled.steps).toEqual([expect.objectContaining({ name: "daily-sales", op: "update", ok: true })]);
      const state = await stack.state();
      expect(state.pending_operations ?? []).toEqual([]);
      expect((await stack.resource("daily-sales"))?.outputs).toMatchObject({
        runId: started.runId,
        status: "SUCCEEDED",
        triggers: { schemaVersion: 2 },
      });
      await expectNothingLeftToDo();
      expect(emulator.runs(VIEW).map((r) => r.runId)).toEqual([emulator.runs(VIEW)[0].runId, started.runId]);
    },
  );

  it("a kill: the run goes on in Glue unrecorded; after `pulumi cancel` and `pulumi refresh` clear the lock and the pending operation, the next `up` refreshes once more, after that run", async () => {
    const running = await upUntilStarted();
    const [, orphan] = emulator.runs(VIEW);
    for (const pid of tree(running.child.pid!)) killIfAlive(pid);
    await running.done;

    const state = await stack.state();
    expect(state.pending_operations?.map((p) => p.type)).toEqual(["updating"]);
    // What the CLI says next, and what it tells the user to do: the killed job's lock first.
    const locked = await stack.up();
    expect(locked.code).not.toBe(0);
    expect(locked.stderr).toContain("the stack is currently locked");
    expect(locked.stderr).toContain("pulumi cancel");
    expect((await stack.run(["cancel", "--yes"])).code).toBe(0);
    const refreshed = await stack.refresh();
    expect(refreshed.code).toBe(0);
    expect((await stack.state()).pending_operations ?? []).toEqual([]);

    const again = await stack.up();
    expect(again.code).toBe(0);
    // The killed job's run went on in Glue, but no state recorded it, and Glue cannot tell it from
    // a scheduled refresh that began before the change: one more run refreshes the view, after
    // the killed job's run ended (waited for if it is still going).
    const runs = emulator.runs(VIEW);
    expect(runs.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    expect(runs[1].runId).toBe(orphan.runId);
    expect(runs[2].startTime).toBeGreaterThanOrEqual(runs[1].endTime!);
    expect((await stack.resource("daily-sales"))?.outputs?.runId).toBe(runs[2].runId);
    await expectNothingLeftToDo();
  });
});

import { spawn } from "child_process";
import * as path from "path";

const INTERRUPT = JSON.stringify(path.join(__dirname, "..", "..", "dist", "deploy", "interrupt.js"));

/**
 * A process with the host's interrupt handling, as the provider host has it once an operation
 * began: `grace` ms of grace, and an operation pending that answers `answersAfterAbortMs` after the
 * signal (never, when undefined), or none pending.
 */
function hostProcess(grace: number, pendingOperation: "none" | "answers" | "never") {
  const script = `
    const { hostInterruptSignal, answering } = require(${INTERRUPT});
    const signal = hostInterruptSignal(${grace});
    signal.addEventListener("abort", () => console.log("aborted " + signal.reason));
    if (${JSON.stringify(pendingOperation)} !== "none")
      answering(() => new Promise((resolve) => {
        if (${JSON.stringify(pendingOperation)} === "answers")
          signal.addEventListener("abort", () => setTimeout(() => { console.log("answered"); resolve(); }, 20));
      }));
    setInterval(() => {}, 1000);
    console.log("ready");
  `;
  return spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
}

async function signalled(child: ReturnType<typeof hostProcess>, signal: NodeJS.Signals) {
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("ready") && !child.killed) child.kill(signal);
  });
  const exitCode = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  return { output, exitCode };
}

/** Far longer than the test's own timeout: a process that exits has not waited for it. */
const NEVER = 10 * 60_000;

it.each([
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)(
  "on %s with an operation that never answers, aborts it, then exits with %i after the grace period",
  async (signal, code) => {
    const { output, exitCode } = await signalled(hostProcess(300, "never"), signal);
    expect(output).toContain(`aborted ${signal}`);
    expect(exitCode).toBe(code);
  },
);

it("exits as soon as the pending operation has answered, not at the end of the grace period", async () => {
  const { output, exitCode } = await signalled(hostProcess(NEVER, "answers"), "SIGINT");
  expect(output).toContain("answered");
  expect(exitCode).toBe(130);
});

it("exits at once with nothing pending, as the CLI's SIGINT at the end of every deployment finds it", async () => {
  const { output, exitCode } = await signalled(hostProcess(NEVER, "none"), "SIGINT");
  expect(output).toContain("aborted SIGINT");
  expect(exitCode).toBe(130);
});

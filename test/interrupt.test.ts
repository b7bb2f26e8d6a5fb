import { spawn } from "child_process";
import * as path from "path";

/** A process that waits on the host interrupt signal, as the provider host does. */
function waitingProcess() {
  const script = `
    const { hostInterruptSignal } = require(${JSON.stringify(path.join(__dirname, "..", "dist", "interrupt.js"))});
    const signal = hostInterruptSignal();
    signal.addEventListener("abort", () => console.log("aborted " + signal.reason));
    setInterval(() => {}, 1000);
    console.log("ready");
  `;
  return spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
}

it.each([
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)("on %s, aborts pending waits, then exits with %i after a grace period", async (signal, code) => {
  const child = waitingProcess();
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("ready") && !child.killed) child.kill(signal);
  });
  const exitCode = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  expect(output).toContain(`aborted ${signal}`);
  expect(exitCode).toBe(code);
});

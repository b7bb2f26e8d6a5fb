/**
 * `npm run pulumi -- ARGS`: runs the project's Pulumi CLI (building it on first use) offline, with
 * the project's own Pulumi home, file backend and stack passphrase.
 *
 *   npm run pulumi -- version
 *   npm run pulumi -- --cwd examples/quickstart stack init dev
 */
import { spawn } from "child_process";
import { ensurePulumiCli, offlineEnv } from "./pulumi-cli";

async function main(): Promise<void> {
  const toolchain = await ensurePulumiCli();
  const child = spawn(toolchain.pulumi, process.argv.slice(2), { stdio: "inherit", env: offlineEnv(toolchain) });
  // Ctrl-C reaches the CLI from the terminal itself (same process group); a signal sent to this
  // process alone (a CI job's timeout) is passed on, so the CLI can cancel its providers.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + 15 : 1);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

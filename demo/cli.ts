/**
 * `npm run demo -- --cli`: the demo's deployments of examples/quickstart under the project's real
 * Pulumi CLI (built on first use), each printing the CLI's own output. examples/chain declares
 * `@pulumi/aws` tables, whose provider plugin cannot be built here, so it stays with the harness.
 */
import { spawn } from "child_process";
import { rmSync } from "fs";
import * as path from "path";
import type { EmulatedView, GlueEmulator } from "pulumi-glue-mv-refresh/emulator";
import { ensurePulumiCli, offlineEnv, programWorkspace } from "../tools/pulumi-cli";
import { printRuns } from "./log";

export interface CliDemo {
  readonly emulator: GlueEmulator;
  readonly view: EmulatedView;
  /** The emulator's credentials and clock, for the CLI and so for the providers it starts. */
  readonly hostEnv: NodeJS.ProcessEnv;
  /** The repository's root. */
  readonly root: string;
}

/** Runs the deployments; resolves to the process exit code (0 when each ended as expected). */
export async function runWithCli({ emulator, view, hostEnv, root }: CliDemo): Promise<number> {
  const toolchain = await ensurePulumiCli();
  const workspace = programWorkspace(path.join(root, "examples", "quickstart"));
  const env = {
    ...offlineEnv(toolchain, {
      stateDir: path.join(workspace.root, "state"),
      home: path.join(workspace.root, "home"),
    }),
    ...hostEnv,
  };
  const pulumi = (title: string | undefined, args: string[]) =>
    new Promise<number>((resolve, reject) => {
      if (title) console.log(`\n=== ${title}\n$ pulumi ${args.join(" ")}`);
      const child = spawn(toolchain.pulumi, args, {
        cwd: workspace.program,
        env,
        stdio: ["ignore", "inherit", "inherit"],
      });
      child.on("error", reject);
      child.on("exit", (code) => resolve(code ?? 1));
    });
  const config = (schemaVersion: number) =>
    pulumi(undefined, ["config", "set-all", "--plaintext", `schemaVersion=${schemaVersion}`]);
  // As users run it: the preview first, then the deployment.
  const up = ["up", "--yes", "--non-interactive"];
  console.log(`pulumi ${toolchain.version} (${toolchain.source === "built" ? "the project's build" : "on PATH"})`);
  let failed = 0;
  const expect = (ok: boolean, code: number) => {
    if ((code === 0) !== ok) failed++;
  };
  try {
    await pulumi(undefined, ["stack", "init", "demo"]);
    await pulumi(undefined, [
      "config",
      "set-all",
      "--plaintext",
      "aws:region=us-east-1",
      "--plaintext",
      `glueEndpoint=${emulator.endpoint}`,
      "--plaintext",
      "schemaVersion=1",
    ]);
    expect(true, await pulumi("pulumi up #1: first deployment, schemaVersion 1", up));
    await config(2);
    expect(
      true,
      await pulumi("pulumi preview: schemaVersion 2, what will refresh and why", [
        "preview",
        "--diff",
        "--non-interactive",
      ]),
    );
    expect(true, await pulumi("pulumi up #2: schema change, schemaVersion 2", up));
    expect(
      true,
      await pulumi("pulumi preview --expect-no-changes: nothing changed", [
        "preview",
        "--expect-no-changes",
        "--non-interactive",
      ]),
    );
    emulator.failNextRuns(view, 1, "Spark job failed: column 'region_code' not found in source table sales.orders");
    await config(3);
    expect(false, await pulumi("pulumi up #3: schemaVersion 3, and the refresh fails", up));
    expect(true, await pulumi("pulumi up #4: the same program again, after fixing the source table", up));
    expect(true, await pulumi("pulumi refresh", ["refresh", "--yes", "--skip-preview", "--non-interactive"]));
    printRuns(emulator.runs(view));
  } finally {
    rmSync(workspace.root, { recursive: true, force: true });
  }
  if (failed > 0) console.error(`\n${failed} deployment(s) did not end as expected`);
  return failed > 0 ? 1 : 0;
}

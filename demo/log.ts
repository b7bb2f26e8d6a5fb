/**
 * The deployment log the offline runs print (`npm run demo`, `npm run example`): what the provider
 * host said, each resource's step with its run, and the runs the emulator saw.
 */
import type { EmulatedRun } from "pulumi-glue-mv-refresh/emulator";
import type { DeploymentReport } from "../harness";

/** Where a line goes. */
export type Print = (line: string) => void;

const SYMBOLS: Record<string, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  same: " ",
  delete: "-",
  refresh: "~",
  skip: "!",
};

export function printReport(title: string, report: DeploymentReport, print: Print = console.log): void {
  const seconds = ((report.timing.end - report.timing.start) / 1000).toFixed(1);
  print(`\n=== ${title}`);
  for (const line of report.hostOutput) {
    if (line.stream === "stdout") print(`    | ${line.text}`);
  }
  for (const step of report.steps) {
    print(`  ${SYMBOLS[step.op] ?? "?"} ${step.name}: ${step.op}${step.ok ? "" : " FAILED"}`);
    if (step.error) print(`    error: ${step.error}`);
    if (step.ok && step.outputs?.runId) {
      const { runId, status, refreshType } = step.outputs as Record<string, string>;
      print(`    runId=${runId} status=${status} refreshType=${refreshType}`);
    }
  }
  if (report.programError) print(`  program error: ${report.programError}`);
  for (const [name, value] of Object.entries(report.outputs ?? {})) print(`  output ${name}: ${JSON.stringify(value)}`);
  print(`  ${report.ok ? "succeeded" : "FAILED"} in ${seconds}s`);
}

export function printRuns(runs: EmulatedRun[], print: Print = console.log): void {
  print("\n=== Refresh runs Glue (the emulator) saw, oldest first");
  for (const run of runs) {
    const error = run.errorMessage ? ` (${run.errorMessage})` : "";
    const view = `${run.databaseName}.${run.tableName}`;
    print(`  ${run.runId}  ${view}  ${run.status.padEnd(9)} ${run.fullRefresh ? "full" : "auto"}${error}`);
  }
}

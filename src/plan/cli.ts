#!/usr/bin/env node
/**
 * `glue-mv-refresh plan`: previews the stack in the current directory (any language) and prints the
 * plan of its refreshes (model/plan.ts): `--json` for machines, `--markdown` for a pull-request
 * comment. Pulumi's Automation API finds the workspace, its selected stack and the Pulumi CLI; the
 * preview is that CLI's `pulumi preview --json`, run twice: its digest's steps carry each resource's
 * dependencies (a chain's order), which the engine's events lack, and its streamed events
 * (PULUMI_ENABLE_STREAMING_JSON_PREVIEW) the previewed outputs (the forecasts), which the digest
 * lacks; the Automation API's own preview streams events through `--event-log`, a flag not every
 * CLI build has. It is the engine's own preview, so it is read-only and enforces the budget as
 * `pulumi preview` does. The TypeScript dynamic provider's refreshes, which the engine does not
 * preview, are forecast by the provider's own preview (dynamic-forecasts.ts).
 */
import { execFile } from "child_process";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { buildPlan, planMarkdown, planText } from "../model/plan";
import { withDynamicForecasts } from "./dynamic-forecasts";
import { isDynamicType, stepsFromPreview, withOutputs, type PreviewJson } from "./steps";

const USAGE = `Usage: glue-mv-refresh plan [--stack NAME] [--cwd DIR] [--json | --markdown]

Previews the Pulumi stack in DIR (default: the current directory; the stack selected there unless
--stack names one) and prints the refreshes it would start: in the order they will run, why, how
long and how much, the critical path's wall time, totals, and the views with no history.`;

interface Options {
  readonly stack?: string;
  readonly cwd: string;
  readonly format: "text" | "json" | "markdown";
}

/** The options, or the reason they cannot be used. */
export function parseArgs(argv: readonly string[]): Options | { error: string } {
  const [command, ...rest] = argv;
  if (command !== "plan") return { error: `unknown command ${JSON.stringify(command ?? "")}; the command is plan` };
  let stack: string | undefined;
  let cwd = process.cwd();
  let format: Options["format"] = "text";
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--json" || arg === "--markdown") {
      format = arg === "--json" ? "json" : "markdown";
    } else if ((arg === "--stack" || arg === "--cwd") && rest[i + 1] !== undefined) {
      if (arg === "--stack") stack = rest[++i];
      else cwd = rest[++i];
    } else return { error: `unknown or incomplete option ${JSON.stringify(arg)}` };
  }
  return { stack, cwd, format };
}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  if ("error" in options) {
    console.error(`glue-mv-refresh: ${options.error}\n\n${USAGE}`);
    return 2;
  }
  const workspace = await LocalWorkspace.create({ workDir: options.cwd });
  const name = options.stack ?? (await workspace.stack())?.name;
  if (!name) {
    console.error("glue-mv-refresh plan: no stack is selected here; pass --stack NAME");
    return 2;
  }
  // The preview's digest (`--json`) carries each step's inputs and dependencies (a chain's order);
  // the previewed outputs, where the forecasts are, come only in the engine's events, which this
  // CLI streams instead of the digest when asked to: two previews, both read-only.
  const preview = (streaming: boolean) =>
    new Promise<{ stdout: string; stderr: string; failed: boolean }>((resolve) =>
      execFile(
        workspace.pulumiCommand.command,
        ["preview", "--json", "--non-interactive", "--stack", name],
        {
          cwd: options.cwd,
          env: {
            ...process.env,
            ...workspace.envVars,
            ...(streaming ? { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" } : {}),
          },
          maxBuffer: 1 << 30,
        },
        (error, out, err) => resolve({ stdout: out, stderr: err, failed: error !== null }),
      ),
    );
  const [digest, events] = [await preview(false), await preview(true)];
  let parsed: PreviewJson | undefined;
  try {
    parsed = JSON.parse(digest.stdout) as PreviewJson;
  } catch {
    parsed = undefined;
  }
  if (digest.failed || events.failed || !parsed) {
    // The preview's own errors (a budget exceeded, a bad input), as the engine reported them.
    const errors = (parsed?.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message.trim());
    console.error(
      `glue-mv-refresh plan: the preview of stack ${name} failed:\n${errors.join("\n") || (digest.stderr + events.stderr).trim()}`,
    );
    return 1;
  }
  let previewed = withOutputs(parsed, events.stdout);
  if (previewed.steps?.some((s) => isDynamicType(s.newState?.type))) {
    // The dynamic provider's refreshes have no previewed outputs: their forecasts come from the
    // provider's own preview, configured with the stack's config as the provider host is.
    const config = await workspace.getAllConfig(name);
    previewed = await withDynamicForecasts(
      previewed,
      Object.fromEntries(Object.entries(config).map(([key, { value }]) => [key, value])),
    );
  }
  const plan = buildPlan(stepsFromPreview(previewed));
  const text =
    options.format === "json"
      ? JSON.stringify({ stack: name, ...plan }, null, 2)
      : options.format === "markdown"
        ? planMarkdown(plan, name)
        : planText(plan, name);
  console.log(text);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`glue-mv-refresh plan: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

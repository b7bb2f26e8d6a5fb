#!/usr/bin/env node
/**
 * glue-mv-emulator: runs the Glue emulator until SIGINT or SIGTERM, and prints its endpoint on
 * one line so that a script can read it.
 */
import { parseArgs } from "util";
import { startEmulator } from "./emulator";
import type { EmulatedView, EmulatorOptions } from "./types";

const USAGE = `Usage: glue-mv-emulator [options]

Serves AWS Glue's materialized-view refresh operations and STS GetCallerIdentity and AssumeRole
on one endpoint (roles are configured through the library's startEmulator).

  --port N                         port to listen on (default: a free one)
  --host ADDRESS                   address to listen on (default 127.0.0.1)
  --account-id ID                  the account and default catalog id (default 123456789012)
  --views-file FILE                JSON file {"views": [{"catalogId"?, "databaseName", "tableName"}]}
  --view [CATALOG:]DATABASE.TABLE  a view to serve; repeatable
  --any-view                       serve every view a request names
  --credentials KEY_ID:SECRET      an access key whose signatures are verified; repeatable
  --run-duration-ms N              emulated duration of a run (default 60000)
  --starting-ms N                  emulated time in STARTING (default 5000)
  --stop-delay-ms N                emulated time from Stop to STOPPED (default 5000)
  --clock-scale N                  emulated ms per real ms (default 1)
  --clock-offset-ms=N              ms the emulated AWS clock stands from this machine's, e.g.
                                   --clock-offset-ms=-30000 for 30 s behind (default 0)
  --seed N                         seed for random faults (default 1)
  --throttle-ratio R               fraction answered ThrottlingException
  --requests-per-second N          rate limit on all requests
  --server-error-ratio R           fraction answered 500/503 before processing
  --server-error-after-processing-ratio R   fraction processed, then answered 500
  --drop-ratio R                   fraction dropped without an answer
  --drop-after-processing-ratio R  fraction processed, then dropped
  --operation-timeout-ratio R      fraction answered OperationTimeoutException
  --latency-ms N                   real delay before each answer
  --max-concurrent-runs N          limit on active runs across all views
  --fault-operations A,B           limit the ratio faults to these operations
  --max-faults N                   inject at most N ratio faults in all
  --consistency-lag-ms N           emulated ms by which Get and List lag behind writes (default 0)
  --help                           show this text
`;

const NUMBER_FAULTS = {
  "throttle-ratio": "throttleRatio",
  "requests-per-second": "requestsPerSecond",
  "server-error-ratio": "serverErrorRatio",
  "server-error-after-processing-ratio": "serverErrorAfterProcessingRatio",
  "drop-ratio": "dropRatio",
  "drop-after-processing-ratio": "dropAfterProcessingRatio",
  "operation-timeout-ratio": "operationTimeoutRatio",
  "latency-ms": "latencyMs",
  "max-concurrent-runs": "maxConcurrentRuns",
  "max-faults": "maxFaults",
  "consistency-lag-ms": "consistencyLagMs",
} as const;

const NUMBER_OPTIONS = {
  port: "port",
  "run-duration-ms": "runDurationMs",
  "starting-ms": "startingMs",
  "stop-delay-ms": "stopDelayMs",
  "clock-scale": "clockScale",
  "clock-offset-ms": "clockOffsetMs",
  seed: "seed",
} as const;

function toNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new Error(`--${flag} needs a number; got ${JSON.stringify(text)}`);
  return value;
}

/** `sales.daily_mv` or `111122223333:sales.daily_mv`; the table is everything after the first dot. */
export function parseViewFlag(text: string): EmulatedView {
  const colon = text.indexOf(":");
  const catalogId = colon >= 0 ? text.slice(0, colon) : undefined;
  const name = colon >= 0 ? text.slice(colon + 1) : text;
  const dot = name.indexOf(".");
  if (dot <= 0 || dot === name.length - 1)
    throw new Error(`--view needs [CATALOG:]DATABASE.TABLE; got ${JSON.stringify(text)}`);
  return { ...(catalogId ? { catalogId } : {}), databaseName: name.slice(0, dot), tableName: name.slice(dot + 1) };
}

/** Turns the command line into emulator options, or undefined when help was asked for. */
export function parseCommandLine(args: readonly string[]): EmulatorOptions | undefined {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      "account-id": { type: "string" },
      "views-file": { type: "string" },
      view: { type: "string", multiple: true },
      credentials: { type: "string", multiple: true },
      "fault-operations": { type: "string" },
      "any-view": { type: "boolean" },
      help: { type: "boolean" },
      ...Object.fromEntries(
        [...Object.keys(NUMBER_OPTIONS), ...Object.keys(NUMBER_FAULTS)].map((flag) => [
          flag,
          { type: "string" as const },
        ]),
      ),
    },
  });
  if (values.help) return undefined;
  const text = (flag: string) => values[flag as keyof typeof values] as string | undefined;

  const options: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(NUMBER_OPTIONS)) {
    const value = text(flag);
    if (value !== undefined) options[key] = toNumber(flag, value);
  }
  const faults: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(NUMBER_FAULTS)) {
    const value = text(flag);
    if (value !== undefined) faults[key] = toNumber(flag, value);
  }
  if (values["fault-operations"])
    faults.operations = values["fault-operations"]
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
  if (values.host) options.host = values.host;
  if (values["account-id"]) options.accountId = values["account-id"];
  if (values["views-file"]) options.viewsFile = values["views-file"];
  if (values.view) options.views = values.view.map(parseViewFlag);
  if (values["any-view"]) options.anyView = true;
  if (values.credentials) {
    options.credentials = values.credentials.map((pair) => {
      const colon = pair.indexOf(":");
      if (colon <= 0 || colon === pair.length - 1)
        throw new Error(`--credentials needs KEY_ID:SECRET; got ${JSON.stringify(pair)}`);
      return { accessKeyId: pair.slice(0, colon), secretAccessKey: pair.slice(colon + 1) };
    });
  }
  if (Object.keys(faults).length > 0) options.faults = faults;
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions | undefined;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`glue-mv-emulator: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`glue-mv-emulator listening on ${emulator.endpoint}\n`);
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`glue-mv-emulator: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  });
}

/** The glue-mv-emulator bin: its flags, and the built script started as users start it. */
import { StartMaterializedViewRefreshTaskRunCommand } from "@aws-sdk/client-glue";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseCommandLine, parseViewFlag } from "../../src/emulator/cli";
import { glueClient, stsClient } from "./support";

const CLI = path.join(__dirname, "..", "..", "dist", "emulator", "cli.js");

describe("parseCommandLine", () => {
  it("turns flags into emulator options", () => {
    expect(
      parseCommandLine([
        "--port",
        "4567",
        "--account-id",
        "111122223333",
        "--view",
        "sales.daily_mv",
        "--view",
        "999999999999:finance.ledger.mv",
        "--credentials",
        "AKID:se:cret",
        "--clock-scale",
        "1000",
        "--run-duration-ms",
        "600000",
        "--throttle-ratio",
        "0.25",
        "--max-concurrent-runs",
        "2",
        "--fault-operations",
        "StartMaterializedViewRefreshTaskRun, GetMaterializedViewRefreshTaskRun",
        "--max-faults",
        "1",
        "--consistency-lag-ms",
        "2000",
      ]),
    ).toEqual({
      port: 4567,
      accountId: "111122223333",
      views: [
        { databaseName: "sales", tableName: "daily_mv" },
        { catalogId: "999999999999", databaseName: "finance", tableName: "ledger.mv" },
      ],
      credentials: [{ accessKeyId: "AKID", secretAccessKey: "se:cret" }],
      clockScale: 1000,
      runDurationMs: 600_000,
      faults: {
        throttleRatio: 0.25,
        maxConcurrentRuns: 2,
        operations: ["StartMaterializedViewRefreshTaskRun", "GetMaterializedViewRefreshTaskRun"],
        maxFaults: 1,
        consistencyLagMs: 2000,
      },
    });
    expect(parseCommandLine([])).toEqual({});
    expect(parseCommandLine(["--any-view"])).toEqual({ anyView: true });
    expect(parseCommandLine(["--help"])).toBeUndefined();
  });

  it("sets the emulated clock apart from this machine's, either way", () => {
    expect(parseCommandLine(["--clock-offset-ms=-30000"])).toEqual({ clockOffsetMs: -30_000 });
    expect(parseCommandLine(["--clock-offset-ms", "300000"])).toEqual({ clockOffsetMs: 300_000 });
  });

  it("refuses bad flags with a message naming them", () => {
    expect(() => parseCommandLine(["--clock-scale", "fast"])).toThrow('--clock-scale needs a number; got "fast"');
    expect(() => parseCommandLine(["--nope"])).toThrow(/nope/);
    expect(() => parseCommandLine(["--credentials", "AKID"])).toThrow("--credentials needs KEY_ID:SECRET");
    expect(() => parseViewFlag("sales")).toThrow("--view needs [CATALOG:]DATABASE.TABLE");
  });
});

describe("the built bin", () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let work: string;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    work = mkdtempSync(path.join(tmpdir(), "glue-mv-emulator-cli-"));
  });
  afterEach(() => child?.kill("SIGKILL"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Starts the bin and resolves with the endpoint from its one line of output. */
  function startCli(args: string[]): Promise<string> {
    const started = spawn(process.execPath, [CLI, ...args]);
    child = started;
    return new Promise((resolve, reject) => {
      let output = "";
      started.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^glue-mv-emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output);
        if (match) resolve(match[1]);
      });
      started.on("exit", (code) => reject(new Error(`the bin exited with ${code} before listening: ${output}`)));
    });
  }

  it("prints its endpoint, serves the views file's views, and exits cleanly on SIGTERM", async () => {
    const viewsFile = path.join(work, "views.json");
    writeFileSync(viewsFile, JSON.stringify({ views: [{ databaseName: "sales", tableName: "daily_mv" }] }));
    const endpoint = await startCli([
      "--views-file",
      viewsFile,
      "--credentials",
      "AKIDCLI:cli-secret",
      "--account-id",
      "111122223333",
    ]);
    const target = { endpoint };
    const credentials = { accessKeyId: "AKIDCLI", secretAccessKey: "cli-secret" };
    await expect(stsClient(target, { credentials }).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
      Account: "111122223333",
    });
    await expect(
      glueClient(target, { credentials }).send(
        new StartMaterializedViewRefreshTaskRunCommand({
          CatalogId: "111122223333",
          DatabaseName: "sales",
          TableName: "daily_mv",
        }),
      ),
    ).resolves.toMatchObject({ MaterializedViewRefreshTaskRunId: expect.any(String) });

    const running = child!;
    const exited = new Promise<number | null>((resolve) => running.on("exit", resolve));
    running.kill("SIGTERM");
    await expect(exited).resolves.toBe(0);
  });

  it("prints usage for --help and refuses bad flags with exit code 2", () => {
    const help = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: glue-mv-emulator");
    const bad = spawnSync(process.execPath, [CLI, "--drop-ratio", "lots"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--drop-ratio needs a number; got "lots"');
  });
});

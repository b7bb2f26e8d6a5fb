/** The four refresh operations and STS through the real SDK clients. */
import {
  GetMaterializedViewRefreshTaskRunCommand,
  ListMaterializedViewRefreshTaskRunsCommand,
  StartMaterializedViewRefreshTaskRunCommand,
  StopMaterializedViewRefreshTaskRunCommand,
  type GlueClient,
} from "@aws-sdk/client-glue";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startEmulator } from "../../src/emulator";
import { CREDENTIALS, DAILY, glueClient, stsClient, useEmulator, UUID, WEEKLY } from "./support";

const emulator = useEmulator();
let glue: GlueClient;
beforeEach(() => {
  glue = glueClient(emulator.current);
});

const view = (v: { databaseName: string; tableName: string }) => ({
  CatalogId: emulator.current.accountId,
  DatabaseName: v.databaseName,
  TableName: v.tableName,
});
const start = (v = DAILY, fullRefresh?: boolean) =>
  glue.send(
    new StartMaterializedViewRefreshTaskRunCommand({
      ...view(v),
      ...(fullRefresh !== undefined ? { FullRefresh: fullRefresh } : {}),
    }),
  );
const get = (runId: string) =>
  glue.send(
    new GetMaterializedViewRefreshTaskRunCommand({
      CatalogId: emulator.current.accountId,
      MaterializedViewRefreshTaskRunId: runId,
    }),
  );
const stop = (v = DAILY) => glue.send(new StopMaterializedViewRefreshTaskRunCommand(view(v)));
const list = (input: { DatabaseName?: string; TableName?: string; MaxResults?: number; NextToken?: string } = {}) =>
  glue.send(new ListMaterializedViewRefreshTaskRunsCommand({ CatalogId: emulator.current.accountId, ...input }));

/** Starts a run and lets it finish. */
async function completedRun(v = DAILY): Promise<string> {
  const { MaterializedViewRefreshTaskRunId } = await start(v);
  emulator.current.advanceTime(60_000);
  return MaterializedViewRefreshTaskRunId!;
}

describe("STS GetCallerIdentity", () => {
  it("answers the emulator's account in the query protocol's XML", async () => {
    const out = await stsClient(emulator.current).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe("123456789012");
    expect(out.Arn).toBe("arn:aws:iam::123456789012:user/glue-mv-emulator");
    expect(out.UserId).toMatch(/^AIDA[0-9A-F]{17}$/);
    expect(out.$metadata.requestId).toMatch(UUID);
  });

  it("answers the configured account id, which is also the default catalog", async () => {
    const other = await startEmulator({ accountId: "111122223333", views: [DAILY] });
    try {
      expect((await stsClient(other).send(new GetCallerIdentityCommand({}))).Account).toBe("111122223333");
      const started = await glueClient(other).send(
        new StartMaterializedViewRefreshTaskRunCommand({
          CatalogId: "111122223333",
          DatabaseName: "sales",
          TableName: "daily_mv",
        }),
      );
      expect(other.runs(DAILY)[0]).toMatchObject({
        runId: started.MaterializedViewRefreshTaskRunId,
        catalogId: "111122223333",
      });
    } finally {
      await other.close();
    }
  });
});

describe("Start and Get", () => {
  it("starts a run with a UUID and reports every member of the run, timestamps as Dates", async () => {
    const { MaterializedViewRefreshTaskRunId: runId } = await start();
    expect(runId).toMatch(UUID);
    const startedAt = emulator.current.runs(DAILY)[0]?.startTime;

    const starting = (await get(runId!)).MaterializedViewRefreshTaskRun;
    expect(starting).toMatchObject({
      CustomerId: "123456789012",
      MaterializedViewRefreshTaskRunId: runId,
      CatalogId: "123456789012",
      DatabaseName: "sales",
      TableName: "daily_mv",
      Status: "STARTING",
      DPUSeconds: 0,
      ProcessedBytes: 0,
    });
    expect(starting?.Role).toMatch(/^arn:aws:iam::123456789012:role\//);
    expect(starting?.StartTime).toBeInstanceOf(Date);
    expect(starting?.StartTime?.getTime()).toBe(startedAt);
    expect(starting?.CreationTime?.getTime()).toBe(startedAt);
    expect(starting?.RefreshType).toBeUndefined();
    expect(starting?.EndTime).toBeUndefined();

    emulator.current.advanceTime(5_000);
    const running = (await get(runId!)).MaterializedViewRefreshTaskRun;
    expect(running).toMatchObject({ Status: "RUNNING", RefreshType: "FULL" });
    expect(running?.LastUpdated?.getTime()).toBe(startedAt + 5_000);
    expect(running?.ProcessedBytes).toBeGreaterThan(0);

    emulator.current.advanceTime(55_000);
    const done = (await get(runId!)).MaterializedViewRefreshTaskRun;
    expect(done).toMatchObject({ Status: "SUCCEEDED", DPUSeconds: 550 });
    expect(done?.EndTime).toBeInstanceOf(Date);
    expect(done?.EndTime?.getTime()).toBe(startedAt + 60_000);
    expect(done?.ErrorMessage).toBeUndefined();
  });

  it("runs FULL the first time and when asked, INCREMENTAL otherwise", async () => {
    const types: (string | undefined)[] = [];
    for (const fullRefresh of [false, false, true, undefined]) {
      const { MaterializedViewRefreshTaskRunId } = await start(DAILY, fullRefresh);
      emulator.current.advanceTime(60_000);
      types.push((await get(MaterializedViewRefreshTaskRunId!)).MaterializedViewRefreshTaskRun?.RefreshType);
    }
    expect(types).toEqual(["FULL", "INCREMENTAL", "FULL", "INCREMENTAL"]);
    expect(emulator.current.runs(DAILY).map((r) => r.fullRefresh)).toEqual([false, false, true, false]);
  });

  it("refuses a second run of a view while one is STARTING or RUNNING, not of another view", async () => {
    const { MaterializedViewRefreshTaskRunId: first } = await start();
    await expect(start()).rejects.toMatchObject({
      name: "MaterializedViewRefreshTaskRunningException",
      message: expect.stringContaining(first!),
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    emulator.current.advanceTime(10_000);
    await expect(start()).rejects.toMatchObject({ name: "MaterializedViewRefreshTaskRunningException" });
    await expect(start(WEEKLY)).resolves.toMatchObject({
      MaterializedViewRefreshTaskRunId: expect.stringMatching(UUID),
    });
    emulator.current.advanceTime(50_000);
    await expect(start()).resolves.toMatchObject({ MaterializedViewRefreshTaskRunId: expect.stringMatching(UUID) });
  });

  it("matches database and table names case-insensitively, as Glue stores them in lower case", async () => {
    await start({ databaseName: "Sales", tableName: "DAILY_MV" });
    expect(emulator.current.runs(DAILY)).toHaveLength(1);
  });

  it("answers EntityNotFoundException for an unknown view, run id, or a run of another catalog", async () => {
    await expect(start({ databaseName: "sales", tableName: "missing_mv" })).rejects.toMatchObject({
      name: "EntityNotFoundException",
      message: expect.stringContaining("sales.missing_mv"),
    });
    await expect(get("3f2b8c1e-7a4d-4e5f-9b10-2c3d4e5f6a7b")).rejects.toMatchObject({
      name: "EntityNotFoundException",
    });
    const runId = await completedRun();
    await expect(
      glue.send(
        new GetMaterializedViewRefreshTaskRunCommand({
          CatalogId: "999999999999",
          MaterializedViewRefreshTaskRunId: runId,
        }),
      ),
    ).rejects.toMatchObject({ name: "EntityNotFoundException" });
  });

  it("serves any view a request names when started with anyView, and only the listed ones otherwise", async () => {
    const anyView = await startEmulator({ anyView: true, credentials: [CREDENTIALS] });
    try {
      const client = glueClient(anyView);
      const unlisted = { CatalogId: anyView.accountId, DatabaseName: "finance", TableName: "ledger_mv" };
      const started = await client.send(new StartMaterializedViewRefreshTaskRunCommand(unlisted));
      expect(anyView.runs({ databaseName: "finance", tableName: "ledger_mv" })).toMatchObject([
        { runId: started.MaterializedViewRefreshTaskRunId, status: "STARTING" },
      ]);
      await expect(client.send(new StartMaterializedViewRefreshTaskRunCommand(unlisted))).rejects.toMatchObject({
        name: "MaterializedViewRefreshTaskRunningException",
      });
    } finally {
      await anyView.close();
    }
    await expect(start({ databaseName: "finance", tableName: "ledger_mv" })).rejects.toMatchObject({
      name: "EntityNotFoundException",
    });
  });

  it("serves views added after the start, and a view's own run duration", async () => {
    const added = { databaseName: "finance", tableName: "ledger_mv" };
    emulator.current.addView(added);
    emulator.current.setRunDuration(added, 3_600_000);
    emulator.current.setRunDuration(undefined, 120_000);
    const long = await start(added);
    const short = await start(DAILY);
    emulator.current.advanceTime(120_000);
    expect((await get(short.MaterializedViewRefreshTaskRunId!)).MaterializedViewRefreshTaskRun?.Status).toBe(
      "SUCCEEDED",
    );
    expect((await get(long.MaterializedViewRefreshTaskRunId!)).MaterializedViewRefreshTaskRun?.Status).toBe("RUNNING");
    emulator.current.advanceTime(3_600_000);
    expect((await get(long.MaterializedViewRefreshTaskRunId!)).MaterializedViewRefreshTaskRun?.Status).toBe(
      "SUCCEEDED",
    );
  });
});

describe("clockScale", () => {
  it("runs a 10-minute refresh in a few real milliseconds, through every status in order", async () => {
    const fast = await startEmulator({
      views: [DAILY],
      clockScale: 100_000,
      runDurationMs: 600_000,
      startingMs: 60_000,
    });
    try {
      const client = glueClient(fast);
      const { MaterializedViewRefreshTaskRunId: runId } = await client.send(
        new StartMaterializedViewRefreshTaskRunCommand({
          CatalogId: fast.accountId,
          DatabaseName: "sales",
          TableName: "daily_mv",
        }),
      );
      const seen: string[] = [];
      // Polls back to back: the emulated clock runs 100 000 times faster, so no pause is needed.
      while (seen[seen.length - 1] !== "SUCCEEDED") {
        const out = await client.send(
          new GetMaterializedViewRefreshTaskRunCommand({
            CatalogId: fast.accountId,
            MaterializedViewRefreshTaskRunId: runId,
          }),
        );
        const status = out.MaterializedViewRefreshTaskRun?.Status as string;
        if (seen[seen.length - 1] !== status) seen.push(status);
        if (status === "SUCCEEDED") {
          const run = out.MaterializedViewRefreshTaskRun;
          expect((run?.EndTime?.getTime() ?? 0) - (run?.StartTime?.getTime() ?? 0)).toBe(600_000);
        }
      }
      // Each status at most once, in lifecycle order (a fast poll may skip one).
      expect(seen).toEqual(["STARTING", "RUNNING", "SUCCEEDED"].filter((status) => seen.includes(status)));
      expect(fast.now() - Date.now()).toBeGreaterThan(600_000);
    } finally {
      await fast.close();
    }
  });
});

describe("Stop", () => {
  it("stops the view's run after the stop delay, then says it is not running", async () => {
    const { MaterializedViewRefreshTaskRunId: runId } = await start();
    emulator.current.advanceTime(10_000);
    const beforeStop = emulator.current.now();
    await expect(stop()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    const afterStop = emulator.current.now();
    // Glue has no STOPPING status: the run stays RUNNING until it stops.
    expect((await get(runId!)).MaterializedViewRefreshTaskRun?.Status).toBe("RUNNING");
    await expect(stop()).rejects.toMatchObject({
      name: "MaterializedViewRefreshTaskStoppingException",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(start()).rejects.toMatchObject({ name: "MaterializedViewRefreshTaskRunningException" });

    emulator.current.advanceTime(5_000);
    const stopped = (await get(runId!)).MaterializedViewRefreshTaskRun;
    expect(stopped?.Status).toBe("STOPPED");
    expect(stopped?.EndTime?.getTime()).toBeGreaterThanOrEqual(beforeStop + 5_000);
    expect(stopped?.EndTime?.getTime()).toBeLessThanOrEqual(afterStop + 5_000);
    await expect(stop()).rejects.toMatchObject({ name: "MaterializedViewRefreshTaskNotRunningException" });
    await expect(start()).resolves.toBeDefined();
  });

  it("answers NotRunning for a view that never ran and for an unknown view", async () => {
    await expect(stop(WEEKLY)).rejects.toMatchObject({ name: "MaterializedViewRefreshTaskNotRunningException" });
    await expect(stop({ databaseName: "nowhere", tableName: "none" })).rejects.toMatchObject({
      name: "MaterializedViewRefreshTaskNotRunningException",
    });
  });
});

describe("List", () => {
  it("lists a catalog's runs newest first, filtered by database and table, with their status", async () => {
    const daily1 = await completedRun(DAILY);
    const weekly = await completedRun(WEEKLY);
    const daily2 = (await start(DAILY)).MaterializedViewRefreshTaskRunId;

    const ids = (out: Awaited<ReturnType<typeof list>>) =>
      out.MaterializedViewRefreshTaskRuns?.map((r) => r.MaterializedViewRefreshTaskRunId);
    expect(ids(await list())).toEqual([daily2, weekly, daily1]);
    expect(ids(await list({ DatabaseName: "sales", TableName: "daily_mv" }))).toEqual([daily2, daily1]);
    expect(ids(await list({ TableName: "weekly_mv" }))).toEqual([weekly]);
    expect(ids(await list({ DatabaseName: "other" }))).toEqual([]);
    const [newest] = (await list({ TableName: "daily_mv" })).MaterializedViewRefreshTaskRuns ?? [];
    expect(newest).toMatchObject({ Status: "STARTING", DatabaseName: "sales" });
    expect(newest?.StartTime).toBeInstanceOf(Date);
    expect((await list()).NextToken).toBeUndefined();
  });

  it("pages with MaxResults and NextToken, even while new runs start between pages", async () => {
    const started: string[] = [];
    for (let i = 0; i < 5; i++) started.push(await completedRun());
    const first = await list({ MaxResults: 2 });
    expect(first.MaterializedViewRefreshTaskRuns?.map((r) => r.MaterializedViewRefreshTaskRunId)).toEqual([
      started[4],
      started[3],
    ]);
    expect(first.NextToken).toEqual(expect.any(String));
    await completedRun(WEEKLY);
    const second = await list({ MaxResults: 2, NextToken: first.NextToken });
    expect(second.MaterializedViewRefreshTaskRuns?.map((r) => r.MaterializedViewRefreshTaskRunId)).toEqual([
      started[2],
      started[1],
    ]);
    const third = await list({ MaxResults: 2, NextToken: second.NextToken });
    expect(third.MaterializedViewRefreshTaskRuns?.map((r) => r.MaterializedViewRefreshTaskRunId)).toEqual([started[0]]);
    expect(third.NextToken).toBeUndefined();
  });

  it("refuses a NextToken from another listing or made up", async () => {
    await completedRun();
    await completedRun();
    const { NextToken } = await list({ MaxResults: 1 });
    await expect(list({ MaxResults: 1, NextToken, TableName: "weekly_mv" })).rejects.toMatchObject({
      name: "InvalidInputException",
      message: expect.stringContaining("NextToken"),
    });
    await expect(list({ NextToken: "not-a-token" })).rejects.toMatchObject({ name: "InvalidInputException" });
  });
});

describe("input validation", () => {
  const invalid = (member: string) => ({
    name: "InvalidInputException",
    message: expect.stringContaining(`'${member}'`),
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });

  it("names each required member that is missing", async () => {
    await expect(
      glue.send(
        new StartMaterializedViewRefreshTaskRunCommand({ CatalogId: "123456789012", DatabaseName: "sales" } as never),
      ),
    ).rejects.toMatchObject(invalid("TableName"));
    await expect(
      glue.send(new GetMaterializedViewRefreshTaskRunCommand({ CatalogId: "123456789012" } as never)),
    ).rejects.toMatchObject(invalid("MaterializedViewRefreshTaskRunId"));
    await expect(glue.send(new ListMaterializedViewRefreshTaskRunsCommand({} as never))).rejects.toMatchObject(
      invalid("CatalogId"),
    );
    await expect(
      glue.send(
        new StopMaterializedViewRefreshTaskRunCommand({ DatabaseName: "sales", TableName: "daily_mv" } as never),
      ),
    ).rejects.toMatchObject(invalid("CatalogId"));
  });

  it("checks lengths, the name pattern and MaxResults' range, reporting every problem at once", async () => {
    await expect(start({ databaseName: "s".repeat(256), tableName: "daily_mv" })).rejects.toMatchObject(
      invalid("DatabaseName"),
    );
    await expect(start({ databaseName: "sales", tableName: "" })).rejects.toMatchObject(invalid("TableName"));
    await expect(start({ databaseName: "sales\u0001", tableName: "daily_mv" })).rejects.toMatchObject(
      invalid("DatabaseName"),
    );
    await expect(list({ MaxResults: 0 })).rejects.toMatchObject(invalid("MaxResults"));
    await expect(list({ MaxResults: 1001 })).rejects.toMatchObject(invalid("MaxResults"));
    await expect(list({ MaxResults: 1000 })).resolves.toBeDefined();
    const both = glue.send(
      new StartMaterializedViewRefreshTaskRunCommand({ CatalogId: "", DatabaseName: "sales" } as never),
    );
    await expect(both).rejects.toMatchObject({
      message: expect.stringMatching(/^2 validation errors detected: .*'CatalogId'.*'TableName'/),
    });
  });
});

describe("out-of-band runs and planned failures", () => {
  it("shows a scheduled run to List and refuses Start while it runs", async () => {
    const scheduled = emulator.current.startRunOutOfBand(DAILY, { durationMs: 3_600_000 });
    expect(scheduled).toMatch(UUID);
    expect(() => emulator.current.startRunOutOfBand(DAILY)).toThrow(/already has run .* in progress/);
    await expect(start()).rejects.toMatchObject({ name: "MaterializedViewRefreshTaskRunningException" });
    emulator.current.advanceTime(5_000);
    const [listed] = (await list({ TableName: "daily_mv" })).MaterializedViewRefreshTaskRuns ?? [];
    expect(listed).toMatchObject({ MaterializedViewRefreshTaskRunId: scheduled, Status: "RUNNING" });
    expect(emulator.current.runs(DAILY)).toEqual([
      expect.objectContaining({ runId: scheduled, startedBy: "outOfBand", status: "RUNNING" }),
    ]);
    emulator.current.advanceTime(3_600_000);
    expect(emulator.current.runs(DAILY)[0]).toMatchObject({ status: "SUCCEEDED", endTime: expect.any(Number) });
  });

  it("ends an out-of-band run with the outcome asked for, and refuses unknown views", async () => {
    const runId = emulator.current.startRunOutOfBand(WEEKLY, { durationMs: 1_000, outcome: "FAILED" });
    emulator.current.advanceTime(1_000);
    expect((await get(runId)).MaterializedViewRefreshTaskRun).toMatchObject({
      Status: "FAILED",
      ErrorMessage: expect.any(String),
    });
    expect(() => emulator.current.startRunOutOfBand({ databaseName: "x", tableName: "y" })).toThrow(/no view x\.y/);
  });

  it("fails the view's next runs with the given message, then succeeds again", async () => {
    emulator.current.failNextRuns(DAILY, 2, "Spark job failed: column price not found");
    const outcomes: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const runId = await completedRun();
      const run = (await get(runId)).MaterializedViewRefreshTaskRun;
      outcomes.push([run?.Status, run?.ErrorMessage]);
    }
    expect(outcomes).toEqual([
      ["FAILED", "Spark job failed: column price not found"],
      ["FAILED", "Spark job failed: column price not found"],
      ["SUCCEEDED", undefined],
    ]);
    expect(emulator.current.runs(DAILY).map((r) => r.errorMessage)).toEqual([
      "Spark job failed: column price not found",
      "Spark job failed: column price not found",
      undefined,
    ]);
  });
});

describe("the request log", () => {
  it("records each request's operation, input, answer, attempt and access key", async () => {
    const started = await start(DAILY, true);
    await expect(start()).rejects.toBeDefined();
    const requests = emulator.current.requests;
    expect(requests).toEqual([
      {
        time: expect.any(Number),
        emulatedTime: expect.any(Number),
        operation: "StartMaterializedViewRefreshTaskRun",
        requestId: started.$metadata.requestId,
        input: { CatalogId: "123456789012", DatabaseName: "sales", TableName: "daily_mv", FullRefresh: true },
        status: 200,
        attempt: "attempt=1; max=3",
        accessKeyId: CREDENTIALS.accessKeyId,
      },
      expect.objectContaining({ status: 400, errorType: "MaterializedViewRefreshTaskRunningException" }),
    ]);
    expect(Math.abs((requests[0]?.time ?? 0) - Date.now())).toBeLessThan(5_000);
    emulator.current.resetRequests();
    expect(emulator.current.requests).toEqual([]);
  });

  it("logs the emulated time at which each operation saw the catalog", async () => {
    const { MaterializedViewRefreshTaskRunId: runId } = await start();
    const startedAt = emulator.current.runs(DAILY)[0].startTime;
    emulator.current.advanceTime(60_000);
    await get(runId!);
    const [started, got] = emulator.current.requests;
    expect(started.emulatedTime).toBe(startedAt);
    expect(got.emulatedTime).toBeGreaterThanOrEqual(emulator.current.runs(DAILY)[0].endTime!);
    expect(got.emulatedTime! - got.time).toBeGreaterThanOrEqual(60_000);
  });
});

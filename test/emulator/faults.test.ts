/** Injected faults as the real SDK clients meet them: retried or not, marked in the request log. */
import {
  GetMaterializedViewRefreshTaskRunCommand,
  ListMaterializedViewRefreshTaskRunsCommand,
  StartMaterializedViewRefreshTaskRunCommand,
  StopMaterializedViewRefreshTaskRunCommand,
} from "@aws-sdk/client-glue";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startEmulator, type Faults, type GlueEmulator } from "../../src/emulator";
import { CREDENTIALS, DAILY, glueClient, retryWithoutBackoff, stsClient, useEmulator, WEEKLY } from "./support";

const emulator = useEmulator();
retryWithoutBackoff();

const ACCOUNT = "123456789012";
const startInput = (v = DAILY) => ({ CatalogId: ACCOUNT, DatabaseName: v.databaseName, TableName: v.tableName });
const startCommand = (v = DAILY) => new StartMaterializedViewRefreshTaskRunCommand(startInput(v));
const listCommand = () => new ListMaterializedViewRefreshTaskRunsCommand({ CatalogId: ACCOUNT });
const summary = (em: GlueEmulator) => em.requests.map((r) => [r.status, r.errorType, r.fault]);

describe("throttling", () => {
  it("answers 400 ThrottlingException, which the SDK retries as throttling", async () => {
    // Seed 7's first draws are 0.012, 0.062, 0.977: two throttled attempts, then through.
    const seeded = await startEmulator({ views: [DAILY], seed: 7, faults: { throttleRatio: 0.5 } });
    try {
      const out = await glueClient(seeded).send(startCommand());
      expect(out.$metadata.attempts).toBe(3);
      expect(seeded.requests.map((r) => [r.attempt, r.status, r.errorType, r.fault])).toEqual([
        ["attempt=1; max=3", 400, "ThrottlingException", "throttleRatio"],
        ["attempt=2; max=3", 400, "ThrottlingException", "throttleRatio"],
        ["attempt=3; max=3", 200, undefined, undefined],
      ]);
      expect(seeded.runs(DAILY)).toHaveLength(1);
    } finally {
      await seeded.close();
    }
  });

  it("gives up after the SDK's attempts when every request is throttled", async () => {
    emulator.current.setFaults({ throttleRatio: 1 });
    await expect(glueClient(emulator.current).send(listCommand())).rejects.toMatchObject({
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    await expect(stsClient(emulator.current).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "Throttling",
      $metadata: { attempts: 3 },
    });
  });

  it("decides the same faults on every run with the same seed", async () => {
    const decisions = async () => {
      const em = await startEmulator({
        views: [DAILY],
        seed: 42,
        faults: { throttleRatio: 0.3, serverErrorRatio: 0.2 },
      });
      try {
        const client = glueClient(em, { maxAttempts: 1 });
        for (let i = 0; i < 20; i++) await client.send(listCommand()).catch(() => undefined);
        return summary(em);
      } finally {
        await em.close();
      }
    };
    const first = await decisions();
    expect(first.filter(([status]) => status !== 200).length).toBeGreaterThan(0);
    expect(await decisions()).toEqual(first);
  });

  it("limits the request rate with a token bucket", async () => {
    emulator.current.setFaults({ requestsPerSecond: 2 });
    const client = glueClient(emulator.current, { maxAttempts: 1 });
    await client.send(listCommand());
    await client.send(listCommand());
    await expect(client.send(listCommand())).rejects.toMatchObject({ name: "ThrottlingException" });
    expect(emulator.current.requests[2]).toMatchObject({
      status: 400,
      errorType: "ThrottlingException",
      fault: "requestsPerSecond",
    });
  });

  it("applies ratio faults to the listed operations only", async () => {
    emulator.current.setFaults({ throttleRatio: 1, operations: ["StartMaterializedViewRefreshTaskRun"] });
    const client = glueClient(emulator.current, { maxAttempts: 1 });
    await expect(client.send(listCommand())).resolves.toBeDefined();
    await expect(client.send(startCommand())).rejects.toMatchObject({ name: "ThrottlingException" });
    emulator.current.setFaults({});
    await expect(client.send(startCommand())).resolves.toBeDefined();
  });
});

describe("server errors", () => {
  it("answers 500 or 503 before processing, which the SDK retries", async () => {
    emulator.current.setFaults({ serverErrorRatio: 1 });
    const error = await glueClient(emulator.current)
      .send(startCommand())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: expect.stringMatching(/^(InternalServiceException|ServiceUnavailableException)$/),
      $metadata: { attempts: 3 },
    });
    expect(emulator.current.requests.map((r) => r.status).every((s) => s === 500 || s === 503)).toBe(true);
    expect(emulator.current.requests.map((r) => r.fault)).toEqual([
      "serverErrorRatio",
      "serverErrorRatio",
      "serverErrorRatio",
    ]);
    expect(emulator.current.runs()).toEqual([]);
  });

  it("can process a request and still answer 500: the run exists though the caller saw an error", async () => {
    emulator.current.setFaults({
      serverErrorAfterProcessingRatio: 1,
      operations: ["StartMaterializedViewRefreshTaskRun"],
    });
    await expect(glueClient(emulator.current, { maxAttempts: 1 }).send(startCommand())).rejects.toMatchObject({
      name: "InternalServiceException",
      $metadata: { httpStatusCode: 500 },
    });
    expect(emulator.current.runs(DAILY)).toHaveLength(1);
    expect(emulator.current.requests[0]).toMatchObject({ status: 500, fault: "serverErrorAfterProcessingRatio" });
    // A retry of such a Start meets the run it started.
    emulator.current.setFaults({});
    await expect(glueClient(emulator.current).send(startCommand())).rejects.toMatchObject({
      name: "MaterializedViewRefreshTaskRunningException",
    });
  });

  it("answers OperationTimeoutException, a modeled error the SDK does not retry", async () => {
    emulator.current.setFaults({ operationTimeoutRatio: 1 });
    await expect(glueClient(emulator.current).send(startCommand())).rejects.toMatchObject({
      name: "OperationTimeoutException",
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    await expect(stsClient(emulator.current).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
      Account: ACCOUNT,
    });
  });
});

describe("dropped connections", () => {
  // Under Jest the SDK wraps the socket error (another realm's Error) but keeps its message.
  const NETWORK_ERROR = /socket hang up|ECONNRESET|EPIPE/;

  it("surface as a network error after the SDK's retries", async () => {
    emulator.current.setFaults({ dropRatio: 1 });
    const error = await glueClient(emulator.current)
      .send(listCommand())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringMatching(NETWORK_ERROR), $metadata: { attempts: 3 } });
    expect(emulator.current.requests.map((r) => [r.status, r.fault])).toEqual([
      [0, "dropRatio"],
      [0, "dropRatio"],
      [0, "dropRatio"],
    ]);
    emulator.current.setFaults({});
    await expect(glueClient(emulator.current).send(listCommand())).resolves.toBeDefined();
  });

  it("can drop the answer after processing: the run is started, the retry meets it", async () => {
    emulator.current.setFaults({ dropAfterProcessingRatio: 1, operations: ["StartMaterializedViewRefreshTaskRun"] });
    await expect(glueClient(emulator.current, { maxAttempts: 1 }).send(startCommand())).rejects.toMatchObject({
      message: expect.stringMatching(NETWORK_ERROR),
    });
    expect(emulator.current.runs(DAILY)).toHaveLength(1);
    expect(emulator.current.requests[0]).toMatchObject({ status: 0, fault: "dropAfterProcessingRatio" });
    emulator.current.setFaults({});
    await expect(glueClient(emulator.current).send(startCommand())).rejects.toMatchObject({
      name: "MaterializedViewRefreshTaskRunningException",
    });
  });
});

describe("maxConcurrentRuns and accessDenied", () => {
  it("refuses a Start with ResourceNumberLimitExceededException while the limit is reached", async () => {
    emulator.current.setFaults({ maxConcurrentRuns: 1 });
    const client = glueClient(emulator.current);
    await client.send(startCommand(DAILY));
    await expect(client.send(startCommand(WEEKLY))).rejects.toMatchObject({
      name: "ResourceNumberLimitExceededException",
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect(emulator.current.requests[1]).toMatchObject({ fault: "maxConcurrentRuns" });
    emulator.current.advanceTime(60_000);
    await expect(client.send(startCommand(WEEKLY))).resolves.toBeDefined();
  });

  it("denies every Glue operation on the listed views, and only those", async () => {
    const runId = emulator.current.startRunOutOfBand(DAILY);
    const faults: Faults = { accessDenied: [DAILY] };
    emulator.current.setFaults(faults);
    const client = glueClient(emulator.current);
    const denied = { name: "AccessDeniedException", $metadata: { httpStatusCode: 400, attempts: 1 } };
    await expect(client.send(startCommand(DAILY))).rejects.toMatchObject({
      ...denied,
      message: expect.stringContaining(
        "glue:StartMaterializedViewRefreshTaskRun on resource: arn:aws:glue:us-east-1:123456789012:table/sales/daily_mv",
      ),
    });
    await expect(
      client.send(
        new GetMaterializedViewRefreshTaskRunCommand({ CatalogId: ACCOUNT, MaterializedViewRefreshTaskRunId: runId }),
      ),
    ).rejects.toMatchObject(denied);
    await expect(client.send(new StopMaterializedViewRefreshTaskRunCommand(startInput(DAILY)))).rejects.toMatchObject(
      denied,
    );
    await expect(
      client.send(new ListMaterializedViewRefreshTaskRunsCommand({ ...startInput(DAILY) })),
    ).rejects.toMatchObject(denied);
    await expect(client.send(listCommand())).rejects.toMatchObject(denied);
    await expect(
      client.send(new ListMaterializedViewRefreshTaskRunsCommand({ ...startInput(WEEKLY) })),
    ).resolves.toBeDefined();
    await expect(client.send(startCommand(WEEKLY))).resolves.toBeDefined();
    await expect(stsClient(emulator.current).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    expect(emulator.current.requests.filter((r) => r.fault === "accessDenied")).toHaveLength(5);
  });
});

describe("latency", () => {
  it("delays each answer by real time", async () => {
    const slow = await startEmulator({ views: [DAILY], credentials: [CREDENTIALS], faults: { latencyMs: 60 } });
    try {
      const began = Date.now();
      await glueClient(slow).send(listCommand());
      expect(Date.now() - began).toBeGreaterThanOrEqual(55);
    } finally {
      await slow.close();
    }
  });
});

describe("consistency lag", () => {
  it("hides a new run from Get and List until the lag has passed, while Start already refuses a second", async () => {
    const em = emulator.current;
    em.setFaults({ consistencyLagMs: 2_000 });
    const client = glueClient(em);
    const { MaterializedViewRefreshTaskRunId: runId } = await client.send(startCommand());
    const get = () =>
      client.send(
        new GetMaterializedViewRefreshTaskRunCommand({ CatalogId: ACCOUNT, MaterializedViewRefreshTaskRunId: runId }),
      );
    const listed = async () => (await client.send(listCommand())).MaterializedViewRefreshTaskRuns ?? [];

    await expect(get()).rejects.toMatchObject({ name: "EntityNotFoundException" });
    expect(await listed()).toEqual([]);
    await expect(client.send(startCommand())).rejects.toMatchObject({
      name: "MaterializedViewRefreshTaskRunningException",
    });

    em.advanceTime(2_000);
    expect((await get()).MaterializedViewRefreshTaskRun).toMatchObject({
      MaterializedViewRefreshTaskRunId: runId,
      Status: "STARTING",
    });
    expect((await listed()).map((r) => r.MaterializedViewRefreshTaskRunId)).toEqual([runId]);
  });

  it("reports a run's status as it stood the lag ago", async () => {
    const em = emulator.current;
    em.setRunDuration(DAILY, 60_000);
    const client = glueClient(em);
    const { MaterializedViewRefreshTaskRunId: runId } = await client.send(startCommand());
    em.advanceTime(60_000);
    em.setFaults({ consistencyLagMs: 10_000 });
    const status = async () =>
      (
        await client.send(
          new GetMaterializedViewRefreshTaskRunCommand({ CatalogId: ACCOUNT, MaterializedViewRefreshTaskRunId: runId }),
        )
      ).MaterializedViewRefreshTaskRun?.Status;
    expect(await status()).toBe("RUNNING");
    expect(em.runs(DAILY)[0].status).toBe("SUCCEEDED");
    em.advanceTime(10_000);
    expect(await status()).toBe("SUCCEEDED");
  });
});

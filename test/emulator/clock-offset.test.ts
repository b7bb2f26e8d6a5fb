/** The emulator's clock set apart from this machine's, as AWS's is from a host whose clock is off. */
import {
  GetMaterializedViewRefreshTaskRunCommand,
  ListMaterializedViewRefreshTaskRunsCommand,
  StartMaterializedViewRefreshTaskRunCommand,
} from "@aws-sdk/client-glue";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { EmulatedClock } from "../../src/emulator/clock";
import { DAILY, glueClient, rawRequest, stsClient, useEmulator } from "./support";

const MINUTE = 60_000;

describe("EmulatedClock with an offset", () => {
  it("runs emulated time and the wall clock from one shifted origin; only emulated time is scaled and jumps", () => {
    let real = 1_000_000;
    const clock = new EmulatedClock(10, () => real, -30_000);
    expect(clock.now()).toBe(970_000);
    expect(clock.wallNow()).toBe(970_000);
    real += 1_000;
    clock.advance(5_000);
    expect(clock.now()).toBe(970_000 + 10_000 + 5_000);
    expect(clock.wallNow()).toBe(971_000);
  });
});

describe("an emulator whose clock is 3 minutes ahead of this machine's", () => {
  const ahead = useEmulator({ clockOffsetMs: 3 * MINUTE });

  it("answers with its own time in the Date header and in the runs' times", async () => {
    const glue = glueClient(ahead.current);
    const view = { CatalogId: ahead.current.accountId, DatabaseName: DAILY.databaseName, TableName: DAILY.tableName };
    const { MaterializedViewRefreshTaskRunId } = await glue.send(new StartMaterializedViewRefreshTaskRunCommand(view));
    const got = await glue.send(
      new GetMaterializedViewRefreshTaskRunCommand({
        CatalogId: ahead.current.accountId,
        MaterializedViewRefreshTaskRunId,
      }),
    );
    const startTime = got.MaterializedViewRefreshTaskRun!.StartTime!.getTime();
    expect(startTime - Date.now()).toBeGreaterThan(3 * MINUTE - 5_000);
    expect(startTime - Date.now()).toBeLessThanOrEqual(3 * MINUTE);
    const res = await rawRequest(ahead.current.endpoint, { headers: {}, body: "" });
    expect(Date.parse(String(res.headers.date)) - Date.now()).toBeGreaterThan(3 * MINUTE - 2_000);
    // The AWS SDK measures the difference from the Date header, for its own signing.
    expect(glue.config.systemClockOffset).toBeGreaterThan(3 * MINUTE - 2_000);
    expect(glue.config.systemClockOffset).toBeLessThanOrEqual(3 * MINUTE);
  });

  it("accepts requests signed within 5 minutes of its time, as AWS does", async () => {
    const glue = glueClient(ahead.current, { maxAttempts: 1 });
    await expect(
      glue.send(new ListMaterializedViewRefreshTaskRunsCommand({ CatalogId: ahead.current.accountId })),
    ).resolves.toBeDefined();
  });
});

describe("an emulator more than 5 minutes off this machine's clock", () => {
  const far = useEmulator({ clockOffsetMs: -7 * MINUTE });

  it("refuses a request signed on this machine's time in AWS's words, and the SDK corrects its clock from the answer", async () => {
    const glue = glueClient(far.current, { maxAttempts: 1 });
    const list = () => glue.send(new ListMaterializedViewRefreshTaskRunsCommand({ CatalogId: far.current.accountId }));
    await expect(list()).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: expect.stringMatching(
        /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/,
      ),
      $metadata: { clockSkewCorrected: true },
    });
    await expect(list()).resolves.toBeDefined();
    expect(far.current.requests.map((r) => r.errorType)).toEqual(["InvalidSignatureException", undefined]);
  });

  it("refuses STS requests so too, with SignatureDoesNotMatch", async () => {
    const sts = stsClient(far.current, { maxAttempts: 1 });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      message: expect.stringContaining("Signature not yet current"),
    });
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: "123456789012" });
  });
});

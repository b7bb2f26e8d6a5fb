/**
 * The credential chain against the emulator, with the real SDK: roles assumed in order, renewed
 * before they expire on the provider's clock, and static session keys that end with ExpiredToken.
 */
import { AwsCallError, isExpiredCredentials } from "../../src/model/errors";
import { callerIdentity, getRun, type AwsTarget } from "../../src/aws/glue";
import type { RetryContext } from "../../src/aws/retry";
import type { Clock } from "../../src/model/wait";
import { startEmulator, type GlueEmulator } from "../../src/emulator";

const BASE = { accessKeyId: "AKIABASEPIPELINE0001", secretAccessKey: "base-pipeline-secret" };
const PIPELINE = "arn:aws:iam::111111111111:role/pipeline";
const DEPLOY = "arn:aws:iam::222222222222:role/deploy";
const VIEW = { catalogId: "222222222222", databaseName: "sales", tableName: "daily_mv" };

let emulator: GlueEmulator;
beforeEach(async () => {
  emulator = await startEmulator({
    views: [VIEW],
    credentials: [
      BASE,
      {
        accessKeyId: "ASIASTATICSESSION001",
        secretAccessKey: "static-session-secret",
        sessionToken: "static-session-token",
        expiresAt: Date.now() + 30 * 60_000,
      },
    ],
    roles: [
      { roleArn: PIPELINE, trustedPrincipals: ["123456789012"] },
      { roleArn: DEPLOY, trustedPrincipals: [PIPELINE], externalId: "deploy-external-id" },
    ],
  });
});
afterEach(() => emulator.close());

/** The provider's clock, `lagMs` behind the emulator's; sleeping moves both on. */
function clockOf(lagMs = 0): Clock {
  return { now: () => emulator.now() - lagMs, sleep: async (ms) => emulator.advanceTime(ms) };
}
const contextOf = (clock: Clock): RetryContext => ({ deadline: clock.now() + 60_000, clock, random: () => 0 });

function target(overrides: Partial<AwsTarget> = {}): AwsTarget {
  return {
    region: "us-east-1",
    endpoint: emulator.endpoint,
    stsEndpoint: emulator.endpoint,
    credentials: BASE,
    roles: [
      { roleArn: PIPELINE, durationSeconds: 900 },
      { roleArn: DEPLOY, externalId: "deploy-external-id", durationSeconds: 900, sessionName: "release" },
    ],
    ...overrides,
  };
}

const assumeRoleRequests = () => emulator.requests.filter((r) => r.operation === "AssumeRole");
const keysOf = (roleArn: string) => new Set(emulator.sessions(roleArn).map((s) => s.accessKeyId));

describe("the credential chain", () => {
  it("assumes each role with the credentials before it; calls act as the last role, in its account", async () => {
    const clock = clockOf();
    expect(await callerIdentity(target(), contextOf(clock))).toEqual({
      account: "222222222222",
      arn: "arn:aws:sts::222222222222:assumed-role/deploy/release",
    });
    expect(await getRun(target(), VIEW, "no-such-run", contextOf(clock))).toBeUndefined();

    const [first, second] = assumeRoleRequests();
    expect(first).toMatchObject({ accessKeyId: BASE.accessKeyId, status: 200, input: { RoleArn: PIPELINE } });
    expect(second).toMatchObject({ status: 200, input: { RoleArn: DEPLOY, RoleSessionName: "release" } });
    expect(keysOf(PIPELINE).has(second.accessKeyId!)).toBe(true);
    const glue = emulator.requests.filter((r) => r.operation === "GetMaterializedViewRefreshTaskRun");
    expect(glue).toHaveLength(1);
    expect(keysOf(DEPLOY).has(glue[0].accessKeyId!)).toBe(true);
    // Each role was assumed once: the credentials are cached while they last.
    expect(assumeRoleRequests()).toHaveLength(2);
  });

  it("renews every link before it expires on the provider's clock, so calls never meet ExpiredToken", async () => {
    const clock = clockOf();
    for (let minute = 0; minute < 60; minute += 4) {
      expect(await getRun(target(), VIEW, "no-such-run", contextOf(clock))).toBeUndefined();
      await clock.sleep(4 * 60_000);
    }
    expect(emulator.requests.filter((r) => r.errorType && r.errorType !== "EntityNotFoundException")).toEqual([]);
    // 15-minute sessions renewed 5 minutes before they end: every 10 to 12 minutes, for both roles.
    const renewals = assumeRoleRequests().length;
    expect(renewals).toBeGreaterThanOrEqual(2 * 5);
    expect(renewals).toBeLessThanOrEqual(2 * 7);
  });

  it("renews at once and tries again when AWS says the credentials expired although the clock said not", async () => {
    // The provider's clock runs 20 minutes behind AWS's, so it thinks 15-minute credentials still fresh.
    const clock = clockOf(20 * 60_000);
    const skewed = target({ roles: [{ roleArn: PIPELINE, durationSeconds: 900 }] });
    expect((await callerIdentity(skewed, contextOf(clock))).account).toBe("111111111111");
    await clock.sleep(16 * 60_000);
    expect((await callerIdentity(skewed, contextOf(clock))).account).toBe("111111111111");
    expect(emulator.requests.map((r) => [r.operation, r.errorType ?? "ok"])).toEqual([
      ["AssumeRole", "ok"],
      ["GetCallerIdentity", "ok"],
      ["GetCallerIdentity", "ExpiredToken"],
      ["AssumeRole", "ok"],
      ["GetCallerIdentity", "ok"],
    ]);
  });

  it("fails with ExpiredToken when static session keys expire: they cannot be renewed", async () => {
    const clock = clockOf();
    const statics = target({
      credentials: {
        accessKeyId: "ASIASTATICSESSION001",
        secretAccessKey: "static-session-secret",
        sessionToken: "static-session-token",
      },
      roles: [],
    });
    expect((await callerIdentity(statics, contextOf(clock))).account).toBe("123456789012");
    await clock.sleep(31 * 60_000);
    const error = await getRun(statics, { ...VIEW, catalogId: "123456789012" }, "run", contextOf(clock)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AwsCallError);
    expect(isExpiredCredentials(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^GetMaterializedViewRefreshTaskRun for run run of view sales\.daily_mv \(catalog 123456789012\) failed: ExpiredTokenException: The security token included in the request is expired \(request id [0-9a-f-]+\)\. The session token of the stack config aws:accessKey and aws:secretKey has expired: renew the temporary credentials/,
    );
    expect(emulator.requests.filter((r) => r.errorType === "ExpiredTokenException")).toHaveLength(1);
  });

  it("reports a refused AssumeRole on one line, naming the role and the trust policy, never the external id", async () => {
    const error = (await callerIdentity(
      target({ roles: [{ roleArn: PIPELINE }, { roleArn: DEPLOY, externalId: "not-the-external-id" }] }),
      contextOf(clockOf()),
    ).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error.message).toMatch(
      new RegExp(
        `^AssumeRole for role ${DEPLOY} failed: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/pipeline/pulumi-glue-mv-refresh ` +
          `is not authorized to perform: sts:AssumeRole on resource: ${DEPLOY} \\(request id [0-9a-f-]+\\)\\. ` +
          "The caller needs IAM permission sts:AssumeRole on the role, and the role's trust policy must allow the caller " +
          "\\(with the externalId it requires\\)$",
      ),
    );
    expect(error.message).not.toContain("not-the-external-id");
  });
});

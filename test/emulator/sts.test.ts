import {
  GetMaterializedViewRefreshTaskRunCommand,
  StartMaterializedViewRefreshTaskRunCommand,
} from "@aws-sdk/client-glue";
import { AssumeRoleCommand, GetCallerIdentityCommand, type Credentials } from "@aws-sdk/client-sts";
import { CREDENTIALS, glueClient, stsClient, useEmulator } from "./support";

const PIPELINE = "arn:aws:iam::111111111111:role/pipeline";
const DEPLOY = "arn:aws:iam::222222222222:role/deploy";
const PARTNER = "arn:aws:iam::333333333333:role/partner";
const CLOSED = "arn:aws:iam::222222222222:role/closed";
const TARGET_VIEW = { catalogId: "222222222222", databaseName: "sales", tableName: "daily_mv" };

const emulator = useEmulator({
  views: [{ databaseName: "sales", tableName: "daily_mv" }, TARGET_VIEW],
  roles: [
    { roleArn: PIPELINE, maxSessionDurationSeconds: 7200 },
    { roleArn: DEPLOY, trustedPrincipals: [PIPELINE, "123456789012"], maxSessionDurationSeconds: 43200 },
    { roleArn: PARTNER, externalId: "partner-external-id-1" },
    { roleArn: CLOSED, trustedPrincipals: ["arn:aws:iam::999999999999:root"] },
  ],
  credentials: [
    CREDENTIALS,
    {
      accessKeyId: "ASIASTATICSESSION001",
      secretAccessKey: "static-session-secret",
      sessionToken: "static-session-token",
      expiresAt: Date.now() + 30 * 60_000,
    },
  ],
});

interface Signer {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
const asKeys = (c: Credentials | undefined): Signer => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

async function assume(roleArn: string, as: Signer = CREDENTIALS, extra: Partial<AssumeRoleCommand["input"]> = {}) {
  return stsClient(emulator.current, { credentials: as }).send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "release", ...extra }),
  );
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

describe("STS AssumeRole", () => {
  it("issues temporary credentials that expire after DurationSeconds on the emulated clock", async () => {
    const out = await assume(PIPELINE, CREDENTIALS, { DurationSeconds: 1800 });
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(out.Credentials?.SecretAccessKey?.length).toBeGreaterThanOrEqual(40);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    const expiresIn = out.Credentials!.Expiration!.getTime() - emulator.current.now();
    expect(expiresIn).toBeGreaterThan(1800_000 - 5_000);
    expect(expiresIn).toBeLessThanOrEqual(1800_000);
    expect(out.AssumedRoleUser).toEqual({
      Arn: "arn:aws:sts::111111111111:assumed-role/pipeline/release",
      AssumedRoleId: expect.stringMatching(/^AROA[0-9A-F]{17}:release$/),
    });
    expect(emulator.current.sessions()).toEqual([
      expect.objectContaining({
        accessKeyId: out.Credentials?.AccessKeyId,
        roleArn: PIPELINE,
        issuedTo: CREDENTIALS.accessKeyId,
      }),
    ]);
  });

  it("verifies signatures made with the issued keys, and their calls act in the role's account", async () => {
    const keys = asKeys((await assume(DEPLOY)).Credentials);
    expect(
      await stsClient(emulator.current, { credentials: keys }).send(new GetCallerIdentityCommand({})),
    ).toMatchObject({
      Account: "222222222222",
      Arn: "arn:aws:sts::222222222222:assumed-role/deploy/release",
    });
    const glue = glueClient(emulator.current, { credentials: keys });
    const started = await glue.send(
      new StartMaterializedViewRefreshTaskRunCommand({
        CatalogId: "222222222222",
        DatabaseName: "sales",
        TableName: "daily_mv",
      }),
    );
    expect(emulator.current.runs(TARGET_VIEW)[0].runId).toBe(started.MaterializedViewRefreshTaskRunId);
    expect(
      (
        await glue.send(
          new GetMaterializedViewRefreshTaskRunCommand({
            CatalogId: "222222222222",
            MaterializedViewRefreshTaskRunId: started.MaterializedViewRefreshTaskRunId,
          }),
        )
      ).MaterializedViewRefreshTaskRun?.CustomerId,
    ).toBe("222222222222");

    // Another account's catalog is refused, as Glue refuses it without a catalog resource policy.
    const other = await failure(
      glue.send(
        new StartMaterializedViewRefreshTaskRunCommand({
          CatalogId: "123456789012",
          DatabaseName: "sales",
          TableName: "daily_mv",
        }),
      ),
    );
    expect(other.name).toBe("AccessDeniedException");
    expect(other.message).toContain("User: arn:aws:sts::222222222222:assumed-role/deploy/release is not authorized");
    expect(emulator.current.runs({ databaseName: "sales", tableName: "daily_mv" })).toEqual([]);

    const forged = await failure(
      stsClient(emulator.current, { credentials: { ...keys, secretAccessKey: "not-the-issued-secret" } }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(forged).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
  });

  it("refuses issued keys without their session token", async () => {
    const { accessKeyId, secretAccessKey } = asKeys((await assume(DEPLOY)).Credentials);
    const refused = await failure(
      glueClient(emulator.current, { credentials: { accessKeyId, secretAccessKey } }).send(
        new GetMaterializedViewRefreshTaskRunCommand({
          CatalogId: "222222222222",
          MaterializedViewRefreshTaskRunId: "x",
        }),
      ),
    );
    expect(refused).toEqual({
      name: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
      status: 403,
    });
  });

  it("answers ExpiredTokenException (Glue) and ExpiredToken (STS) once the credentials expire", async () => {
    const keys = asKeys((await assume(DEPLOY, CREDENTIALS, { DurationSeconds: 900 })).Credentials);
    const get = () =>
      glueClient(emulator.current, { credentials: keys }).send(
        new GetMaterializedViewRefreshTaskRunCommand({
          CatalogId: "222222222222",
          MaterializedViewRefreshTaskRunId: "x",
        }),
      );
    expect((await failure(get())).name).toBe("EntityNotFoundException");
    emulator.current.advanceTime(900_000);
    expect(await failure(get())).toEqual({
      name: "ExpiredTokenException",
      message: "The security token included in the request is expired",
      status: 403,
    });
    expect(
      await failure(stsClient(emulator.current, { credentials: keys }).send(new GetCallerIdentityCommand({}))),
    ).toMatchObject({
      name: "ExpiredToken",
      status: 403,
    });
  });

  it("expires static session credentials too, at the time they were given", async () => {
    const keys = {
      accessKeyId: "ASIASTATICSESSION001",
      secretAccessKey: "static-session-secret",
      sessionToken: "static-session-token",
    };
    const sts = stsClient(emulator.current, { credentials: keys });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe("123456789012");
    emulator.current.advanceTime(30 * 60_000);
    expect((await failure(sts.send(new GetCallerIdentityCommand({})))).name).toBe("ExpiredToken");
  });

  it("requires the ExternalId the role's trust policy names, and never echoes it", async () => {
    for (const externalId of [undefined, "wrong-external-id"]) {
      const denied = await failure(assume(PARTNER, CREDENTIALS, externalId ? { ExternalId: externalId } : {}));
      expect(denied).toEqual({
        name: "AccessDenied",
        message: `User: arn:aws:iam::123456789012:user/glue-mv-emulator is not authorized to perform: sts:AssumeRole on resource: ${PARTNER}`,
        status: 403,
      });
    }
    expect((await assume(PARTNER, CREDENTIALS, { ExternalId: "partner-external-id-1" })).AssumedRoleUser?.Arn).toBe(
      "arn:aws:sts::333333333333:assumed-role/partner/release",
    );
  });

  it("refuses principals the trust policy does not name, and roles that do not exist", async () => {
    expect((await failure(assume(CLOSED))).name).toBe("AccessDenied");
    expect((await failure(assume("arn:aws:iam::222222222222:role/missing"))).name).toBe("AccessDenied");
    const partner = asKeys((await assume(PARTNER, CREDENTIALS, { ExternalId: "partner-external-id-1" })).Credentials);
    // DEPLOY trusts PIPELINE's sessions and account 123456789012's users, not PARTNER's sessions.
    expect((await failure(assume(DEPLOY, partner))).message).toContain(
      "assumed-role/partner/release is not authorized",
    );
  });

  it("chains roles, limiting a chained session to one hour", async () => {
    const pipeline = asKeys((await assume(PIPELINE, CREDENTIALS, { DurationSeconds: 7200 })).Credentials);
    expect(await failure(assume(DEPLOY, pipeline, { DurationSeconds: 7200 }))).toEqual({
      name: "ValidationError",
      message: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      status: 400,
    });
    const deploy = await assume(DEPLOY, pipeline);
    expect(deploy.AssumedRoleUser?.Arn).toBe("arn:aws:sts::222222222222:assumed-role/deploy/release");
    expect(emulator.current.sessions().at(-1)?.issuedTo).toBe(pipeline.accessKeyId);
    // Without chaining, the role's own maximum applies.
    expect((await assume(DEPLOY, CREDENTIALS, { DurationSeconds: 43200 })).Credentials?.AccessKeyId).toBeDefined();
    expect((await failure(assume(PIPELINE, CREDENTIALS, { DurationSeconds: 10800 }))).message).toBe(
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  });

  it("validates its input as STS does, naming every member at fault", async () => {
    const invalid = await failure(
      assume(DEPLOY, CREDENTIALS, { RoleSessionName: "a", DurationSeconds: 60, ExternalId: "has space" }),
    );
    expect(invalid.name).toBe("ValidationError");
    expect(invalid.message).toMatch(/^3 validation errors detected: /);
    expect(invalid.message).toContain(
      "at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    );
    expect(invalid.message).toContain(
      "at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    expect(invalid.message).toContain(
      "at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
  });
});

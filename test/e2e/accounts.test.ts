/**
 * Accounts and roles end to end, through the provider host against the emulator: role chains from
 * stack config, a resource hopping into another account, account guards, and credentials over a
 * wait longer than they last.
 */
import { refreshTrustPolicy } from "../../src";
import type { GlueEmulator, RequestLogEntry } from "../../src/emulator";
import { CREDENTIALS, E2eStack, emulatorFor, startsAnswered, type Declared } from "../support/e2e";

jest.setTimeout(120_000);

const PIPELINE = "arn:aws:iam::111111111111:role/pipeline";
const DEPLOY = "arn:aws:iam::222222222222:role/deploy";
const ANALYTICS = "arn:aws:iam::333333333333:role/analytics";
const EXTERNAL_ID = "deploy-external-id-0001";
const ANALYTICS_EXTERNAL_ID = "analytics-external-id-0002";
const VIEW = { databaseName: "sales", tableName: "daily_mv" };
const inCatalog = (catalogId: string) => ({ catalogId, ...VIEW });
/** Static session keys that expire six hours (emulated) after the emulator starts: long after any setup. */
const SESSION_HOURS = 6;
const SESSION_KEYS = {
  accessKeyId: "ASIAE2ESESSIONKEY001",
  secretAccessKey: "e2e-session-secret-access-key/abcdef",
  sessionToken: "e2e-session-token-0123456789abcdefghijklmnopqrstuvwxyz",
};

const deployTrust = refreshTrustPolicy({ principals: PIPELINE, externalId: EXTERNAL_ID }).Statement[0];

let emulator: GlueEmulator;
let stack: E2eStack;

beforeEach(async () => {
  emulator = await emulatorFor(
    [inCatalog("123456789012"), inCatalog("111111111111"), inCatalog("222222222222"), inCatalog("333333333333")],
    {
      credentials: [CREDENTIALS, { ...SESSION_KEYS, expiresAt: Date.now() + SESSION_HOURS * 60 * 60_000 }],
      roles: [
        { roleArn: PIPELINE, trustedPrincipals: ["123456789012"] },
        // The target role trusts the pipeline role as refreshTrustPolicy says, external id included.
        {
          roleArn: DEPLOY,
          trustedPrincipals: deployTrust.Principal.AWS,
          externalId: deployTrust.Condition?.StringEquals["sts:ExternalId"],
        },
        { roleArn: ANALYTICS, trustedPrincipals: [PIPELINE], externalId: ANALYTICS_EXTERNAL_ID },
      ],
    },
  );
  stack = new E2eStack(emulator);
});
afterEach(() => emulator.close());

const config = (extra: Record<string, unknown>): Record<string, string> => ({
  "aws:region": "us-east-1",
  // As the engine sends stack config to a dynamic provider: structured values as JSON text.
  ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
});
const CHAIN = [{ roleArn: PIPELINE }, { roleArn: DEPLOY, externalId: EXTERNAL_ID, sessionName: "release" }];

const glueRequests = () => emulator.requests.filter((r) => !["AssumeRole", "GetCallerIdentity"].includes(r.operation));
const keysOf = (roleArn: string) => new Set(emulator.sessions(roleArn).map((s) => s.accessKeyId));
const signedAs = (requests: RequestLogEntry[], roleArn: string) =>
  requests.every((r) => keysOf(roleArn).has(r.accessKeyId ?? ""));
const declare = (...resources: [string, Record<string, unknown>][]): Declared[] =>
  resources.map(([name, args]) => ({ name, args: stack.args({ ...VIEW, ...args }) }));

describe("roles from stack config", () => {
  it("assumes aws:assumeRoles in order: Glue calls are signed with the last role's keys, the catalog is its account", async () => {
    const report = await stack.up(declare(["daily", {}]), config({ "aws:assumeRoles": CHAIN }));
    expect(report.steps.map((s) => [s.name, s.ok, s.error])).toEqual([["daily", true, undefined]]);
    const [run] = emulator.runs();
    expect(run).toMatchObject({ catalogId: "222222222222", status: "SUCCEEDED" });
    expect(report.steps[0].outputs).toMatchObject({ catalogId: "222222222222", runId: run.runId });

    const assumed = emulator.requests.filter((r) => r.operation === "AssumeRole");
    expect(assumed.map((r) => (r.input as { RoleArn: string }).RoleArn)).toEqual([PIPELINE, DEPLOY]);
    expect(assumed[0].accessKeyId).toBe(CREDENTIALS.accessKeyId);
    expect(keysOf(PIPELINE).has(assumed[1].accessKeyId!)).toBe(true);
    expect(glueRequests().length).toBeGreaterThan(1);
    expect(signedAs(glueRequests(), DEPLOY)).toBe(true);
  });

  it("lets a resource's assumeRole hop from the pipeline role into another account, and pulumi refresh reads as it", async () => {
    // The hop's external id reaches STS although the program marks it secret; refresh assumes the
    // role again from the recorded state.
    const stackConfig = config({ "aws:assumeRoles": [{ roleArn: PIPELINE }] });
    const report = await stack.up(
      declare(
        ["pipeline-view", {}],
        ["analytics-view", { assumeRole: { roleArn: ANALYTICS, externalId: ANALYTICS_EXTERNAL_ID } }],
      ),
      stackConfig,
    );
    expect(report.steps.map((s) => [s.name, s.ok, s.error])).toEqual([
      ["pipeline-view", true, undefined],
      ["analytics-view", true, undefined],
    ]);
    expect(report.steps.map((s) => s.outputs?.catalogId)).toEqual(["111111111111", "333333333333"]);
    expect(emulator.runs(inCatalog("111111111111"))).toHaveLength(1);
    expect(emulator.runs(inCatalog("333333333333"))).toHaveLength(1);
    const analyticsCalls = glueRequests().filter(
      (r) => (r.input as { CatalogId?: string }).CatalogId === "333333333333",
    );
    expect(analyticsCalls.length).toBeGreaterThan(0);
    expect(signedAs(analyticsCalls, ANALYTICS)).toBe(true);
    // The hop was made with the pipeline role's session.
    const hop = emulator.requests.find((r) => (r.input as { RoleArn?: string }).RoleArn === ANALYTICS);
    expect(keysOf(PIPELINE).has(hop!.accessKeyId!)).toBe(true);

    emulator.resetRequests();
    const refreshed = await stack.engine.refresh();
    expect(refreshed.steps.map((s) => [s.name, s.ok, s.error])).toEqual([
      ["pipeline-view", true, undefined],
      ["analytics-view", true, undefined],
    ]);
    const reads = glueRequests();
    expect(reads.map((r) => r.operation)).toEqual([
      "GetMaterializedViewRefreshTaskRun",
      "GetMaterializedViewRefreshTaskRun",
    ]);
    expect(reads.every((r) => r.status === 200)).toBe(true);
  });

  it("refuses an account aws:allowedAccountIds does not list, with no Glue request", async () => {
    const report = await stack.up(
      declare(["daily", {}]),
      config({ "aws:assumeRoles": CHAIN, "aws:allowedAccountIds": ["111111111111"] }),
    );
    expect(report.ok).toBe(false);
    expect(report.steps[0].error).toBe(
      'MaterializedViewRefresh "daily" (sales.daily_mv): refusing to call AWS Glue as account 222222222222 ' +
        "(arn:aws:sts::222222222222:assumed-role/deploy/release): the stack config aws:allowedAccountIds does " +
        "not list it (allowed: 111111111111). No Glue call was made",
    );
    expect(glueRequests()).toEqual([]);
    expect(emulator.runs()).toEqual([]);
  });
});

describe("credentials over a long wait", () => {
  it("renews 15-minute role sessions through a 2-hour refresh, which ends SUCCEEDED", async () => {
    emulator.setRunDuration(undefined, 2 * 60 * 60_000);
    const roles = CHAIN.map((role) => ({ ...role, duration: "15m" }));
    const report = await stack.up(declare(["daily", { timeoutMinutes: 240 }]), config({ "aws:assumeRoles": roles }));
    expect(report.steps.map((s) => [s.ok, s.error])).toEqual([[true, undefined]]);
    expect(report.steps[0].outputs).toMatchObject({ status: "SUCCEEDED" });
    expect(emulator.runs()[0]).toMatchObject({ catalogId: "222222222222", status: "SUCCEEDED" });

    const refused = emulator.requests.filter((r) => r.errorType && r.errorType !== "EntityNotFoundException");
    expect(refused).toEqual([]);
    // Each role was assumed again about every ten minutes (15-minute sessions, renewed 5 minutes early).
    const deployKeys = new Set(glueRequests().map((r) => r.accessKeyId));
    expect(deployKeys.size).toBeGreaterThanOrEqual(8);
    expect(signedAs(glueRequests(), DEPLOY)).toBe(true);
  });

  it("ends with partial state when static session keys expire mid-wait, and the next deployment finishes the run", async () => {
    const hour = 60 * 60_000;
    emulator.setRunDuration(undefined, 2 * SESSION_HOURS * hour);
    const withSessionKeys = config({
      "aws:accessKey": SESSION_KEYS.accessKeyId,
      "aws:secretKey": SESSION_KEYS.secretAccessKey,
      "aws:token": SESSION_KEYS.sessionToken,
    });
    const deploying = stack.up(declare(["daily", { timeoutMinutes: 24 * 60 }]), withSessionKeys);
    // Once the run is going, AWS's clock passes the keys' expiration.
    while (emulator.runs().length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    emulator.advanceTime(SESSION_HOURS * hour);
    const failed = await deploying;
    const [run] = emulator.runs();
    expect(failed.ok).toBe(false);
    expect(failed.steps[0].error).toMatch(
      new RegExp(
        `^MaterializedViewRefresh "daily" \\(sales\\.daily_mv\\): the AWS credentials expired while waiting for refresh run ${run.runId}, ` +
          "which goes on in Glue; the next deployment waits for it again \\(GetMaterializedViewRefreshTaskRun .* failed: " +
          "ExpiredTokenException: The security token included in the request is expired \\(request id [0-9a-f-]+\\)\\)\\. " +
          "These credentials cannot be renewed \\(static session keys\\): let the provider assume a role",
      ),
    );
    expect(stack.engine.resource("daily")?.outputs).toMatchObject({ runId: run.runId });
    expect(emulator.runs()[0].status).toBe("RUNNING");

    // The next deployment, with credentials that last, waits for the same run instead of starting one.
    emulator.advanceTime(SESSION_HOURS * hour);
    const resumed = await stack.up(declare(["daily", { timeoutMinutes: 24 * 60 }]), config({}));
    expect(resumed.steps.map((s) => [s.op, s.ok, s.error])).toEqual([["update", true, undefined]]);
    expect(resumed.steps[0].outputs).toMatchObject({ runId: run.runId, status: "SUCCEEDED" });
    expect(startsAnswered(emulator)).toBe(1);
  });
});

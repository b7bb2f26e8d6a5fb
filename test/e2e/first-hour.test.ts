/**
 * What a new user meets first, through the provider host: a typo in the region, an endpoint
 * nothing listens on, no credentials, a wrong secret, a table that is not there. Each fails the
 * deployment within a minute of real time, on the unscaled clock, with one line that says what
 * to check. Names that do not resolve are injected (test/support/no-dns.js): no DNS query is sent.
 */
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { createServer } from "net";
import { tmpdir } from "os";
import * as path from "path";
import type { GlueEmulator } from "../../src/emulator";
import { E2eStack, emulatorFor, hostEnv } from "../support/e2e";

jest.setTimeout(120_000);

const DAILY = { databaseName: "sales", tableName: "daily_mv" };
const MINUTE = 60_000;
let emulator: GlueEmulator;

beforeEach(async () => {
  emulator = await emulatorFor([DAILY]);
});
afterEach(() => emulator.close());

/** A stack on the real clock, so that the time a failure takes is the time a user waits. */
function stack(env: NodeJS.ProcessEnv = {}, region = "us-east-1"): E2eStack {
  return new E2eStack(emulator, { hostEnv: { ...hostEnv(emulator, 1), ...env } }, { "aws:region": region });
}

/** A port on which nothing listens: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

it("fails within a minute on a region that does not exist, naming the host and the nearest regions", async () => {
  const work = mkdtempSync(path.join(tmpdir(), "no-dns-"));
  const log = path.join(work, "lookups");
  try {
    const env = { NODE_OPTIONS: `--require ${path.join(__dirname, "..", "support", "no-dns.js")}`, NO_DNS_LOG: log };
    const report = await stack(env, "us-est-1").up([{ name: "daily", args: DAILY }]);
    expect(report.ok).toBe(false);
    expect(report.timing.end - report.timing.start).toBeLessThan(MINUTE);
    const error = report.steps[0].error!;
    expect(error).toContain(
      "GetCallerIdentity for the caller's account failed: ENOTFOUND: getaddrinfo ENOTFOUND sts.us-est-1.amazonaws.com; tried 3 times",
    );
    expect(error).toContain(
      'The host sts.us-est-1.amazonaws.com (region us-est-1) does not resolve. Region "us-est-1" is not one the AWS SDK knows; ' +
        "did you mean us-east-1 or us-west-1?: check the resource's region, the stack config aws:region, or AWS_REGION",
    );
    expect(error).not.toContain("\n");
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(Array(3).fill("sts.us-est-1.amazonaws.com"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

it("fails within a minute on an endpoint nothing listens on, naming it", async () => {
  const port = await closedPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const report = await stack().up([{ name: "daily", args: { ...DAILY, endpoint } }]);
  expect(report.ok).toBe(false);
  expect(report.timing.end - report.timing.start).toBeLessThan(MINUTE);
  expect(report.steps[0].error).toMatch(
    new RegExp(
      `failed: ECONNREFUSED: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}; tried 3 times in \\d+s\\. ` +
        `Nothing accepts connections at 127\\.0\\.0\\.1:${port} \\(region us-east-1\\): ` +
        `check the resource's endpoint \\(${endpoint.replace(/\./g, "\\.")}\\) and that the service there is running$`,
    ),
  );
});

it("says where credentials can come from when there are none", async () => {
  const report = await stack({ AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" }).up([
    { name: "daily", args: { ...DAILY, endpoint: emulator.endpoint } },
  ]);
  expect(report.ok).toBe(false);
  expect(report.timing.end - report.timing.start).toBeLessThan(MINUTE);
  expect(report.steps[0].error).toContain("CredentialsProviderError: Could not load credentials from any providers");
  expect(report.steps[0].error).toContain(
    "No AWS credentials found: set AWS_PROFILE or the stack config aws:profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
  );
  expect(emulator.requests).toHaveLength(0);
});

it("says which secret AWS refused", async () => {
  const report = await stack({ AWS_SECRET_ACCESS_KEY: "not-the-secret" }).up([
    { name: "daily", args: { ...DAILY, endpoint: emulator.endpoint } },
  ]);
  expect(report.ok).toBe(false);
  expect(report.steps[0].error).toContain("GetCallerIdentity for the caller's account failed: SignatureDoesNotMatch");
  expect(report.steps[0].error).toContain(
    "The secret access key does not belong to the access key id of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: check the pair",
  );
  expect(report.steps[0].error).not.toContain("not-the-secret");
  expect(emulator.requests).toHaveLength(1);
});

it("names the region and catalog it looked in for a table that is not there", async () => {
  const report = await stack().up([
    { name: "daily", args: { databaseName: "sales", tableName: "daily_mvv", endpoint: emulator.endpoint } },
  ]);
  expect(report.ok).toBe(false);
  expect(report.steps[0].error).toContain(
    `Glue has no table sales.daily_mvv in catalog ${emulator.accountId} in region us-east-1: check databaseName and tableName, ` +
      "catalogId, and the region (the resource's region, the stack config aws:region, or AWS_REGION)",
  );
  expect(report.steps[0].error).not.toContain("request id none");
});

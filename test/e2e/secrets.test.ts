/**
 * Secrets never leak, end to end: with sentinel credentials in the provider host's environment, in
 * a shared credentials file profile, or in stack config, a deployment that succeeds, one whose
 * refresh fails, one that meets AccessDenied and a `pulumi refresh` leave the secret access key and
 * the session token nowhere: not in the serialized provider, the state's inputs and outputs, the
 * deployment reports (steps, outputs, errors, everything the provider host printed), nor any error.
 * Nor do the temporary credentials of roles assumed through `aws:assumeRoles`, or their external id.
 *
 * The emulator verifies the signatures of the sentinel keys, and a recording proxy in front of it
 * sees the session token on every request: the sentinels were really used, so their absence from
 * everything the user sees is not vacuous.
 */
import { execFile } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import { tmpdir } from "os";
import * as path from "path";
import type { DeploymentReport } from "../../harness";
import type { GlueEmulator } from "../../src/emulator";
import { CLOCK_SCALE, E2eStack, emulatorFor, type Declared } from "../support/e2e";

jest.setTimeout(180_000);

const DAILY = { databaseName: "sales", tableName: "daily_mv" };
const WEEKLY = { databaseName: "sales", tableName: "weekly_mv" };
const REPO_ROOT = path.join(__dirname, "..", "..");

interface Sentinel {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Distinctive credentials: each secret holds a marker found even in a partial or re-encoded copy. */
function sentinel(source: string, n: number): Sentinel {
  const tag = source.toUpperCase();
  return {
    accessKeyId: `AKIASENTINEL${tag.slice(0, 3)}0000${n}`,
    secretAccessKey: `wJalr/SENTINELSECRET${tag}${n}/K7MDENG+bPxRfiCY`,
    sessionToken: `IQoJb3+SENTINELTOKEN${tag}${n}//FwoGZXIvYXdzEJr+Zm9vYmFy/QkFSQkFa==`,
  };
}

const FROM_ENV = sentinel("env", 1);
const FROM_PROFILE = sentinel("profile", 2);
const FROM_CONFIG = sentinel("config", 3);

/** Every form a leaked secret could take: as is, URL-encoded, base64, and its marker alone (a sentinel's). */
function forms(secret: string): string[] {
  const marker = /SENTINEL(SECRET|TOKEN|EXTERNALID)[A-Z]+\d/.exec(secret)?.[0];
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64"), ...(marker ? [marker] : [])];
}

/** A secret to look for, and what to call it when found. */
type Secret = readonly [what: string, value: string];

const secretsOf = (credentials: Pick<Sentinel, "secretAccessKey" | "sessionToken">): Secret[] => [
  ["secret access key", credentials.secretAccessKey],
  ["session token", credentials.sessionToken],
];

/** Fails, saying where and in which form, when `text` holds the secret access key or the session token. */
function assertNoSecret(where: string, text: string, credentials: Sentinel | readonly Secret[]): void {
  const secrets = "secretAccessKey" in credentials ? secretsOf(credentials) : credentials;
  for (const [what, secret] of secrets) {
    for (const form of forms(secret)) {
      const at = text.indexOf(form);
      if (at >= 0) {
        throw new Error(
          `${where} contains the ${what} (as ${JSON.stringify(form)}): …${text.slice(Math.max(0, at - 160), at + form.length + 40)}…`,
        );
      }
    }
  }
}

/** An HTTP proxy in front of the emulator that records the session token of each request. */
interface TokenProxy {
  readonly endpoint: string;
  readonly tokens: (string | undefined)[];
  close(): Promise<void>;
}

async function tokenProxy(target: string): Promise<TokenProxy> {
  const upstream = new URL(target);
  const tokens: (string | undefined)[] = [];
  const server = http.createServer((request, response) => {
    const token = request.headers["x-amz-security-token"];
    tokens.push(Array.isArray(token) ? token.join(",") : token);
    // Headers go on unchanged, Host included, so that the emulator verifies the signature as sent.
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on("error", () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The provider host's environment, built here: no machine AWS config, the emulator's scaled clock,
 * and the given credential variables (empty ones are unset for the AWS SDK).
 */
function environment(emulator: GlueEmulator, aws: Record<string, string>): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
    AWS_REGION: "",
    AWS_DEFAULT_REGION: "",
    AWS_CONFIG_FILE: path.join(scratch, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    GLUE_MV_REFRESH_CLOCK_SCALE: String(CLOCK_SCALE),
    GLUE_MV_REFRESH_CLOCK_ORIGIN: String(emulator.clockOrigin),
    ...aws,
  };
}

interface Source {
  readonly name: string;
  readonly credentials: Sentinel;
  /** The provider host's environment and the stack config that carry the credentials. */
  setup(emulator: GlueEmulator): { hostEnv: NodeJS.ProcessEnv; stackConfig: Record<string, string> };
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "mv-refresh-secrets-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SOURCES: Source[] = [
  {
    name: "the provider host's environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)",
    credentials: FROM_ENV,
    setup: (emulator) => ({
      hostEnv: environment(emulator, {
        AWS_ACCESS_KEY_ID: FROM_ENV.accessKeyId,
        AWS_SECRET_ACCESS_KEY: FROM_ENV.secretAccessKey,
        AWS_SESSION_TOKEN: FROM_ENV.sessionToken,
      }),
      stackConfig: { "aws:region": "us-east-1" },
    }),
  },
  {
    name: "a shared credentials file profile selected by the stack config aws:profile",
    credentials: FROM_PROFILE,
    setup: (emulator) => {
      const credentialsFile = path.join(scratch, "credentials");
      const configFile = path.join(scratch, "config");
      writeFileSync(
        credentialsFile,
        [
          "[default]",
          "aws_access_key_id = AKIANOTTHESENTINEL01",
          "aws_secret_access_key = not-the-sentinel-secret",
          "",
          "[sentinel]",
          `aws_access_key_id = ${FROM_PROFILE.accessKeyId}`,
          `aws_secret_access_key = ${FROM_PROFILE.secretAccessKey}`,
          `aws_session_token = ${FROM_PROFILE.sessionToken}`,
          "",
        ].join("\n"),
      );
      writeFileSync(configFile, "");
      return {
        hostEnv: environment(emulator, { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: configFile }),
        stackConfig: { "aws:region": "us-east-1", "aws:profile": "sentinel" },
      };
    },
  },
  {
    name: "the stack config aws:accessKey, aws:secretKey and aws:token",
    credentials: FROM_CONFIG,
    setup: (emulator) => ({
      hostEnv: environment(emulator, {}),
      stackConfig: {
        "aws:region": "us-east-1",
        "aws:accessKey": FROM_CONFIG.accessKeyId,
        "aws:secretKey": FROM_CONFIG.secretAccessKey,
        "aws:token": FROM_CONFIG.sessionToken,
      },
    }),
  },
];

describe("the leak check itself", () => {
  it("finds a secret as is, URL-encoded, in base64, or by its marker alone", () => {
    const { secretAccessKey, sessionToken } = FROM_ENV;
    for (const text of [
      `x${secretAccessKey}y`,
      JSON.stringify({ e: sessionToken }),
      encodeURIComponent(sessionToken),
      Buffer.from(secretAccessKey).toString("base64"),
      `token …${sessionToken.slice(4, 40)}… (80 characters)`,
    ]) {
      expect(() => assertNoSecret("control", text, FROM_ENV)).toThrow(/contains the (secret access key|session token)/);
    }
    expect(() => assertNoSecret("control", JSON.stringify(FROM_ENV.accessKeyId), FROM_ENV)).not.toThrow();
    const externalId: Secret = ["external id", "ext-SENTINELEXTERNALIDROLE4-0001"];
    expect(() => assertNoSecret("control", "…NTINELEXTERNALIDROLE4…", [externalId])).not.toThrow();
    expect(() => assertNoSecret("control", "id SENTINELEXTERNALIDROLE4 cut", [externalId])).toThrow(
      /contains the external id/,
    );
  });
});

/**
 * Runs one deployment and checks everything it left for the secrets, errors included: the report,
 * every step's error, every line the provider host printed, the state (the serialized provider,
 * inputs and outputs of each resource) and the requests the emulator received.
 */
async function leakChecked(
  label: string,
  run: () => Promise<DeploymentReport>,
  {
    stack,
    emulator,
    secrets,
    sentToAws = [],
  }: {
    stack: E2eStack;
    emulator: GlueEmulator;
    secrets: () => readonly Secret[];
    /** Secrets AWS is meant to receive in a request's parameters (an external id), not looked for there. */
    sentToAws?: readonly string[];
  },
): Promise<DeploymentReport> {
  let report: DeploymentReport;
  try {
    report = await run();
  } catch (error) {
    const { message, stack: trace } = error as Error;
    assertNoSecret(`the error thrown by ${label}`, `${message}\n${trace}`, secrets());
    throw error;
  }
  assertNoSecret(`the report of ${label}`, JSON.stringify(report), secrets());
  for (const step of report.steps) assertNoSecret(`the error of ${step.name} in ${label}`, step.error ?? "", secrets());
  for (const line of report.hostOutput)
    assertNoSecret(`a line the provider host printed in ${label}`, line.text, secrets());
  assertNoSecret(`the state after ${label}`, JSON.stringify(stack.engine.state), secrets());
  for (const resource of stack.engine.state) {
    const provider = resource.inputs.__provider;
    expect(typeof provider).toBe("string");
    expect((provider as string).length).toBeGreaterThan(100);
    assertNoSecret(`the serialized provider of ${resource.name} after ${label}`, provider as string, secrets());
    assertNoSecret(`the inputs of ${resource.name} after ${label}`, JSON.stringify(resource.inputs), secrets());
    assertNoSecret(`the outputs of ${resource.name} after ${label}`, JSON.stringify(resource.outputs), secrets());
  }
  assertNoSecret(
    `the requests the emulator received in ${label}`,
    JSON.stringify(emulator.requests),
    secrets().filter(([what]) => !sentToAws.includes(what)),
  );
  return report;
}

describe.each(SOURCES)("credentials from $name", (source) => {
  const { credentials } = source;
  let emulator: GlueEmulator;
  let proxy: TokenProxy;
  let stack: E2eStack;
  const savedEnv = { ...process.env };

  beforeEach(async () => {
    emulator = await emulatorFor([DAILY, WEEKLY], { credentials: [credentials] });
    proxy = await tokenProxy(emulator.endpoint);
    const { hostEnv, stackConfig } = source.setup(emulator);
    // As under the Pulumi CLI, the program runs with the environment the provider host has.
    Object.assign(process.env, hostEnv);
    stack = new E2eStack(emulator, { hostEnv }, stackConfig);
  });
  afterEach(async () => {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await proxy.close();
    await emulator.close();
  });

  const declare = (resources: [string, typeof DAILY, Record<string, unknown>][]): Declared[] =>
    resources.map(([name, view, triggers]) => ({ name, args: { ...view, triggers, endpoint: proxy.endpoint } }));

  const deployment = (label: string, run: () => Promise<DeploymentReport>) =>
    leakChecked(label, run, { stack, emulator, secrets: () => secretsOf(credentials) });

  it("appear in no provider text, state, report, printed line or error, through success, refresh, failure and AccessDenied", async () => {
    // 1. A deployment that succeeds.
    const created = await deployment("a successful up", () => stack.up(declare([["daily", DAILY, { schema: 1 }]])));
    expect(created.ok).toBe(true);
    expect(created.steps.map((s) => [s.name, s.op])).toEqual([["daily", "create"]]);
    expect(created.steps[0].outputs).toMatchObject({ status: "SUCCEEDED", runId: emulator.runs(DAILY)[0].runId });
    expect(created.hostOutput.map((l) => l.text)).toContain(
      `daily (sales.daily_mv): started refresh run ${emulator.runs(DAILY)[0].runId}`,
    );

    // 2. pulumi refresh.
    const refreshed = await deployment("a refresh", () => stack.engine.refresh());
    expect(refreshed.ok).toBe(true);
    expect(refreshed.steps.map((s) => [s.name, s.op])).toEqual([["daily", "refresh"]]);
    expect(refreshed.steps[0].outputs).toMatchObject({ status: "SUCCEEDED", endTime: expect.any(String) });

    // 3. A deployment whose refresh fails: the error and the partial state carry Glue's message.
    emulator.failNextRuns(DAILY, 1, "Spark job failed: column price not found");
    const failed = await deployment("an up whose refresh fails", () =>
      stack.up(declare([["daily", DAILY, { schema: 2 }]])),
    );
    expect(failed.ok).toBe(false);
    expect(failed.steps[0].error).toContain("ended FAILED: Spark job failed: column price not found");
    expect(stack.engine.resource("daily")?.initErrors).toEqual([expect.stringContaining("ended FAILED")]);

    // A refresh of the partial state the failure left: whatever its outcome, nothing leaks.
    const afterFailure = await deployment("a refresh after the failed up", () => stack.engine.refresh());
    expect(afterFailure.steps.map((s) => [s.name, s.op])).toEqual([["daily", "refresh"]]);

    // 4. AccessDenied on a new view, while the failed one is retried.
    emulator.setFaults({ accessDenied: [WEEKLY] });
    const denied = await deployment("an up that meets AccessDenied", () =>
      stack.up(
        declare([
          ["daily", DAILY, { schema: 2 }],
          ["weekly", WEEKLY, {}],
        ]),
      ),
    );
    expect(denied.ok).toBe(false);
    const weekly = denied.steps.find((s) => s.name === "weekly");
    expect(weekly?.error).toMatch(
      /^StartMaterializedViewRefreshTaskRun for view sales\.weekly_mv .* failed: AccessDeniedException: /,
    );
    expect(denied.steps.find((s) => s.name === "daily")).toMatchObject({
      op: "update",
      ok: true,
      outputs: { status: "SUCCEEDED" },
    });

    // The sentinels were the credentials used: every request was signed with the sentinel key
    // (verified by the emulator) and carried the sentinel session token.
    expect(emulator.requests.length).toBeGreaterThan(5);
    expect(new Set(emulator.requests.map((r) => r.accessKeyId))).toEqual(new Set([credentials.accessKeyId]));
    expect(emulator.requests.filter((r) => /Signature|Authentication/.test(r.errorType ?? ""))).toEqual([]);
    expect(proxy.tokens.length).toBe(emulator.requests.length);
    expect(new Set(proxy.tokens)).toEqual(new Set([credentials.sessionToken]));
  });
});

describe("credentials of roles assumed through the stack config aws:assumeRoles", () => {
  const BASE = sentinel("role", 4);
  const EXTERNAL_ID = "ext-SENTINELEXTERNALIDROLE4-0001";
  const WRONG_EXTERNAL_ID = "ext-SENTINELEXTERNALIDWRONG5-0002";
  const PIPELINE = "arn:aws:iam::111111111111:role/pipeline";
  const DEPLOY = "arn:aws:iam::222222222222:role/deploy";
  const TARGET_DAILY = { catalogId: "222222222222", ...DAILY };
  const TARGET_WEEKLY = { catalogId: "222222222222", ...WEEKLY };
  const chain = (externalId: string) =>
    JSON.stringify([{ roleArn: PIPELINE }, { roleArn: DEPLOY, externalId, duration: "15m" }]);

  let emulator: GlueEmulator;
  let proxy: TokenProxy;
  let stack: E2eStack;
  beforeEach(async () => {
    emulator = await emulatorFor([TARGET_DAILY, TARGET_WEEKLY], {
      credentials: [BASE],
      roles: [
        { roleArn: PIPELINE, trustedPrincipals: ["123456789012"] },
        { roleArn: DEPLOY, trustedPrincipals: [PIPELINE], externalId: EXTERNAL_ID },
      ],
    });
    proxy = await tokenProxy(emulator.endpoint);
    const hostEnv = environment(emulator, {
      AWS_ACCESS_KEY_ID: BASE.accessKeyId,
      AWS_SECRET_ACCESS_KEY: BASE.secretAccessKey,
      AWS_SESSION_TOKEN: BASE.sessionToken,
    });
    stack = new E2eStack(emulator, { hostEnv }, { "aws:region": "us-east-1", "aws:assumeRoles": chain(EXTERNAL_ID) });
  });
  afterEach(async () => {
    await proxy.close();
    await emulator.close();
  });

  /** The base keys, every set of temporary credentials issued so far, and both external ids. */
  const secrets = (): Secret[] => [
    ...secretsOf(BASE),
    ...emulator.sessions().flatMap(secretsOf),
    ["external id", EXTERNAL_ID],
    ["external id", WRONG_EXTERNAL_ID],
  ];
  const deployment = (label: string, run: () => Promise<DeploymentReport>) =>
    leakChecked(label, run, { stack, emulator, secrets, sentToAws: ["external id"] });
  const declare = (resources: [string, typeof DAILY, Record<string, unknown>][]): Declared[] =>
    resources.map(([name, view, triggers]) => ({ name, args: { ...view, triggers, endpoint: proxy.endpoint } }));

  it("appear nowhere, and neither does the external id, through success, refresh, failure, AccessDenied and a refused AssumeRole", async () => {
    const created = await deployment("a successful up", () => stack.up(declare([["daily", DAILY, { schema: 1 }]])));
    expect(created.steps.map((s) => [s.ok, s.error])).toEqual([[true, undefined]]);
    expect(created.steps[0].outputs).toMatchObject({ catalogId: "222222222222", status: "SUCCEEDED" });

    expect((await deployment("a refresh", () => stack.engine.refresh())).ok).toBe(true);

    emulator.failNextRuns(TARGET_DAILY, 1, "Spark job failed: column price not found");
    const failed = await deployment("an up whose refresh fails", () =>
      stack.up(declare([["daily", DAILY, { schema: 2 }]])),
    );
    expect(failed.steps[0].error).toContain("ended FAILED: Spark job failed");

    emulator.setFaults({ accessDenied: [TARGET_WEEKLY] });
    const denied = await deployment("an up that meets AccessDenied", () =>
      stack.up(
        declare([
          ["daily", DAILY, { schema: 2 }],
          ["weekly", WEEKLY, {}],
        ]),
      ),
    );
    expect(denied.steps.find((s) => s.name === "weekly")?.error).toMatch(/AccessDeniedException/);
    emulator.setFaults({});

    const refused = await deployment("an up whose AssumeRole is refused", () =>
      stack.up(declare([["daily", DAILY, { schema: 3 }]]), {
        "aws:region": "us-east-1",
        "aws:assumeRoles": chain(WRONG_EXTERNAL_ID),
      }),
    );
    expect(refused.steps[0].error).toMatch(
      new RegExp(
        `^AssumeRole for role ${DEPLOY} failed: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/pipeline/`,
      ),
    );

    // The secrets were really used: the roles were assumed, and every Glue call was signed with a
    // verified key of the last role and carried its session token.
    expect(emulator.sessions(DEPLOY).length).toBeGreaterThanOrEqual(1);
    const issuedTokens = new Set(emulator.sessions().map((s) => s.sessionToken));
    const deployKeys = new Set(
      emulator
        .sessions()
        .filter((s) => s.roleArn === DEPLOY)
        .map((s) => s.accessKeyId),
    );
    const glue = emulator.requests.filter((r) => !["AssumeRole", "GetCallerIdentity"].includes(r.operation));
    expect(glue.length).toBeGreaterThan(5);
    expect(glue.every((r) => deployKeys.has(r.accessKeyId ?? ""))).toBe(true);
    expect(emulator.requests.filter((r) => /Signature|Token|Authentication/.test(r.errorType ?? ""))).toEqual([]);
    expect(proxy.tokens.length).toBe(emulator.requests.length);
    expect(proxy.tokens.every((t) => t === BASE.sessionToken || issuedTokens.has(t ?? ""))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Dependencies: no high or critical advisory against what the package installs.
// ---------------------------------------------------------------------------------------------

interface AuditOutput {
  readonly error?: { readonly code?: string; readonly summary?: string; readonly detail?: string };
  readonly message?: string;
  readonly statusCode?: number;
  readonly metadata?: { readonly vulnerabilities?: Record<string, number> };
  readonly vulnerabilities?: Record<string, { readonly severity: string; readonly via: unknown[] }>;
}

/**
 * The verdict on `npm audit --json` output: the high and critical findings, or an error when npm
 * could not get an answer from the registry's audit endpoint (then nothing was proven).
 */
function auditVerdict(stdout: string): string[] {
  let output: AuditOutput;
  try {
    output = JSON.parse(stdout) as AuditOutput;
  } catch {
    throw new Error(`npm audit printed no JSON report, so no audit was done: ${stdout.slice(0, 500)}`);
  }
  const counts = output.metadata?.vulnerabilities;
  if (output.error || output.statusCode !== undefined || !counts) {
    throw new Error(
      "npm audit could not reach the registry's audit endpoint, so no audit was done: " +
        (output.message ?? output.error?.summary ?? output.error?.code ?? stdout.slice(0, 300)),
    );
  }
  const findings = Object.entries(output.vulnerabilities ?? {})
    .filter(([, v]) => v.severity === "high" || v.severity === "critical")
    .map(([name, v]) => `${name} (${v.severity})`);
  const counted = (counts.high ?? 0) + (counts.critical ?? 0);
  return findings.length > 0 || counted === 0
    ? findings
    : [`${counts.high ?? 0} high, ${counts.critical ?? 0} critical`];
}

function npmAudit(): Promise<string> {
  return new Promise((resolve) => {
    // npm exits non-zero both for findings and for a failed request: the JSON tells which.
    execFile(
      "npm",
      ["audit", "--omit=dev", "--json"],
      { cwd: REPO_ROOT, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
      (_error, stdout) => resolve(stdout),
    );
  });
}

describe("npm audit of the production dependencies", () => {
  it("reads a clean report as clean, and refuses findings and an unreachable endpoint", () => {
    const clean = {
      auditReportVersion: 2,
      vulnerabilities: {},
      metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 0, critical: 0, total: 1 } },
    };
    expect(auditVerdict(JSON.stringify(clean))).toEqual([]);
    const bad = {
      auditReportVersion: 2,
      vulnerabilities: { "fast-xml-parser": { severity: "high", via: [] }, semver: { severity: "moderate", via: [] } },
      metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 1, critical: 0, total: 2 } },
    };
    expect(auditVerdict(JSON.stringify(bad))).toEqual(["fast-xml-parser (high)"]);
    // What npm prints when the registry refuses the bulk advisory request (a read-only mirror).
    const refused = {
      message: "405 Method Not Allowed - POST /-/npm/v1/security/advisories/bulk",
      method: "POST",
      statusCode: 405,
      body: "",
      error: { summary: "", detail: "" },
    };
    expect(() => auditVerdict(JSON.stringify(refused))).toThrow(
      /could not reach the registry's audit endpoint, so no audit was done: 405/,
    );
    expect(() => auditVerdict("")).toThrow(/no JSON report/);
  });

  // The registry this workplace reaches answers the audit endpoint 405 (it serves GET and HEAD
  // only), so the live audit runs when asked for: NPM_AUDIT=1 npx jest test/e2e/secrets.test.ts.
  const live = process.env.NPM_AUDIT === "1" ? it : it.skip;
  live("finds no high or critical vulnerability (npm audit --omit=dev)", async () => {
    expect(auditVerdict(await npmAudit())).toEqual([]);
  });
});

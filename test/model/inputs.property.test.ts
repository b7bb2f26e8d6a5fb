/**
 * Property-based tests of `check`: the input rules agree with an independent oracle written from
 * the README's "Inputs" section, on generated inputs of every shape, with a fixed seed.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { UNKNOWN, validateInputs, type InputFailure, type RefreshInputs } from "../../src/model/inputs";
import type { RefreshLifecycle } from "../../src/deploy/lifecycle";
import { state } from "../support/fixtures";
import { glueMock, StubGlue, stsMock } from "../support/glue-stub";

const SEED = 20_260_611;
const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

// ---------------------------------------------------------------------------------------------
// The oracle: validity of each property's value, from the README ("Inputs"), written without the
// implementation's regular expressions or helpers.
// ---------------------------------------------------------------------------------------------

/** The inputs the README documents, in its order. */
const DOCUMENTED = [
  "databaseName",
  "tableName",
  "catalogId",
  "fullRefresh",
  "triggers",
  "waitForCompletion",
  "timeoutMinutes",
  "ifRunning",
  "region",
  "endpoint",
  "assumeRole",
  "quiet",
] as const;
/** Added by the resource class itself: the Pulumi resource's name, and the upstream views' runs. */
const KNOWN = [...DOCUMENTED, "resourceName", "upstreams"] as const;
type Known = (typeof KNOWN)[number];
const REQUIRED: readonly Known[] = ["databaseName", "tableName"];
const isKnown = (property: string): property is Known => (KNOWN as readonly string[]).includes(property);

/**
 * Names: 1-255 Unicode code points; no lone surrogate; no control character other than tab (the
 * service's rule: C0 controls U+0000-U+001F); not U+FFFE or U+FFFF. Decodes UTF-16 by hand.
 */
function isValidName(value: unknown): boolean {
  if (typeof value !== "string") return false;
  let codePoints = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    let codePoint = unit;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : -1;
      if (next < 0xdc00 || next > 0xdfff) return false; // a high surrogate alone
      codePoint = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false; // a low surrogate alone
    }
    if (codePoint < 0x20 && codePoint !== 0x09) return false;
    if (codePoint === 0xfffe || codePoint === 0xffff) return false;
    codePoints++;
  }
  return codePoints >= 1 && codePoints <= 255;
}

const isDigit = (c: string) => c >= "0" && c <= "9";
const isLowerLetter = (c: string) => c >= "a" && c <= "z";

/** Regions: lowercase letters and digits in hyphen-separated groups, at most 64 characters. */
function isValidRegion(value: unknown): boolean {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return false;
  return value.split("-").every((group) => group.length > 0 && [...group].every((c) => isLowerLetter(c) || isDigit(c)));
}

/** Endpoints: an https URL, or http to localhost, 127.0.0.0/8 or [::1]; never credentials in the URL. */
function endpointVerdict(value: unknown): "valid" | "credentials" | "invalid" {
  if (typeof value !== "string") return "invalid";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "invalid";
  }
  if (url.username !== "" || url.password !== "") return "credentials";
  if (url.protocol === "https:") return "valid";
  if (url.protocol !== "http:") return "invalid";
  const host = url.hostname;
  if (host === "localhost" || host === "[::1]") return "valid";
  const octets = host.split(".");
  const loopbackV4 =
    octets.length === 4 &&
    octets[0] === "127" &&
    octets.every((o) => o.length > 0 && [...o].every(isDigit) && Number(o) <= 255);
  return loopbackV4 ? "valid" : "invalid";
}

const isWordChar = (c: string) => isDigit(c) || isLowerLetter(c) || (c >= "A" && c <= "Z") || c === "_";
const allOf = (text: string, extra: string) => [...text].every((c) => isWordChar(c) || extra.includes(c));

/** Whether a value holds the unknown sentinel anywhere (a preview): then it is not judged. */
function hasUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(hasUnknown);
}

const VALID_ROLE_FIELD = {
  roleArn: "arn:aws:iam::123456789012:role/deploy",
  sessionName: "release",
  externalId: "external",
  durationSeconds: 3600,
};

/**
 * assumeRole: an object of roleArn (required: arn:aws or arn:aws-PARTITION, iam, no region, a
 * 12-digit account, role/ and a name), sessionName (2-64 of letters, digits, _+=,.@-), externalId
 * (2-1224 of those and :/), durationSeconds (a whole number 900-43200), nothing else; a field that
 * is null or "" is left out.
 */
function isValidRole(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const given = Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== "");
  if (given.some(([k]) => !["roleArn", "sessionName", "externalId", "durationSeconds"].includes(k))) return false;
  // A field not known yet (a preview) is judged once known: here, as a valid one.
  const fields = Object.fromEntries(
    given.map(([k, v]) => [k, hasUnknown(v) ? VALID_ROLE_FIELD[k as keyof typeof VALID_ROLE_FIELD] : v]),
  ) as Record<string, unknown>;
  const { roleArn, sessionName, externalId, durationSeconds } = fields;
  if (typeof roleArn !== "string") return false;
  const parts = roleArn.split(":");
  if (parts.length !== 6) return false;
  const [arn, partition, service, region, account, resource] = parts;
  const validPartition =
    partition === "aws" ||
    (partition.startsWith("aws-") && [...partition.slice(4)].every((c) => isLowerLetter(c) || c === "-"));
  if (arn !== "arn" || !validPartition || service !== "iam" || region !== "") return false;
  if (account.length !== 12 || ![...account].every(isDigit)) return false;
  if (!resource.startsWith("role/") || resource.length === 5 || !allOf(resource.slice(5), "+=,.@-/")) return false;
  if (
    sessionName !== undefined &&
    (typeof sessionName !== "string" ||
      sessionName.length < 2 ||
      sessionName.length > 64 ||
      !allOf(sessionName, "+=,.@-"))
  )
    return false;
  if (
    externalId !== undefined &&
    (typeof externalId !== "string" ||
      externalId.length < 2 ||
      externalId.length > 1224 ||
      !allOf(externalId, "+=,.@-:/"))
  )
    return false;
  if (
    durationSeconds !== undefined &&
    (typeof durationSeconds !== "number" ||
      !Number.isInteger(durationSeconds) ||
      durationSeconds < 900 ||
      durationSeconds > 43_200)
  )
    return false;
  return true;
}

function isValid(property: Known, value: unknown): boolean {
  switch (property) {
    case "assumeRole":
      return isValidRole(value);
    case "databaseName":
    case "tableName":
    case "catalogId":
      return isValidName(value);
    case "resourceName":
      return typeof value === "string";
    case "upstreams":
      return (
        Array.isArray(value) &&
        value.every((u: unknown) => {
          if (u === UNKNOWN) return true; // an upstream still to deploy, judged once known
          if (typeof u !== "object" || u === null) return false;
          const run = u as Record<string, unknown>;
          return [run.runId, run.status, run.catalogId, run.databaseName, run.tableName, run.region].every(
            (field) => typeof field === "string",
          );
        })
      );
    case "fullRefresh":
    case "waitForCompletion":
    case "quiet":
      return value === true || value === false;
    case "timeoutMinutes":
      return typeof value === "number" && Number.isFinite(value) && value > 0 && value <= 10_080;
    case "ifRunning":
      return value === "wait" || value === "stop" || value === "adopt" || value === "fail";
    case "region":
      return isValidRegion(value);
    case "endpoint":
      return endpointVerdict(value) === "valid";
    case "triggers":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

/** The wording of each rule, as the README and `check`'s messages state it. */
function ruleWording(property: Exclude<Known, "assumeRole">, value: unknown): string {
  switch (property) {
    case "databaseName":
    case "tableName":
    case "catalogId":
      return (
        "must be a string of 1-255 characters, none of them a control character U+0000-U+001F other than tab, " +
        "U+FFFE, U+FFFF or an unpaired surrogate"
      );
    case "resourceName":
      return "must be a string";
    case "upstreams":
      return "must be a list of upstream runs, each with runId, status, catalogId, databaseName, tableName, region";
    case "fullRefresh":
    case "waitForCompletion":
    case "quiet":
      return "must be true or false";
    case "timeoutMinutes":
      return "must be a positive number of minutes, at most 10080 (7 days)";
    case "ifRunning":
      return 'must be one of "wait", "stop", "adopt", "fail"';
    case "region":
      return "must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens)";
    case "endpoint":
      return endpointVerdict(value) === "credentials"
        ? "must not carry credentials in the URL"
        : "must be an https:// URL, or http:// to a loopback address (localhost, 127.0.0.0/8, [::1])";
    case "triggers":
      return "must be a map of JSON values";
  }
}

/** Text cut after 60 code points, saying how long it was. */
function cut(text: string): string {
  const codePoints = Array.from(text);
  return codePoints.length <= 60 ? text : `${codePoints.slice(0, 60).join("")}… (${codePoints.length} characters)`;
}

/** An endpoint as shown in its reason: any user name and password replaced by ***. */
function masked(value: unknown): unknown {
  if (typeof value !== "string") return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (url.username === "" && url.password === "") return value;
  if (url.username !== "") url.username = "***";
  if (url.password !== "") url.password = "***";
  return url.href;
}

/** How a bad value is shown: JSON for strings, kind and JSON for objects, cut after 60 code points. */
function shown(value: unknown): string {
  const text =
    typeof value === "string"
      ? JSON.stringify(value)
      : typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : `${Array.isArray(value) ? "array" : "object"} ${JSON.stringify(value)}`;
  return cut(text);
}

interface Expected {
  readonly property: string;
  readonly kind: "required" | "unknownProperty" | "rule";
}

/** The failures the README's rules call for: the oracle for a whole inputs object. */
function expectedFailures(news: Record<string, unknown>): Expected[] {
  const expected: Expected[] = [];
  for (const property of REQUIRED) {
    if (news[property] === undefined || news[property] === null) expected.push({ property, kind: "required" });
  }
  for (const property of Object.keys(news)) {
    const value = news[property];
    // Pulumi's own property, and values not known yet (preview), are never judged.
    if (property === "__provider" || value === UNKNOWN) continue;
    if (!isKnown(property)) expected.push({ property, kind: "unknownProperty" });
    else if (value !== undefined && value !== null && !isValid(property, value))
      expected.push({ property, kind: "rule" });
  }
  return expected;
}

/**
 * Asserts that `failures` are exactly the oracle's, each with the reason the rule calls for.
 * Node's assert rather than Jest's expect in the properties: thousands of runs stay fast.
 */
function expectAgreement(news: Record<string, unknown>, failures: readonly InputFailure[]): void {
  const expected = expectedFailures(news);
  assert.deepStrictEqual(
    failures.map((f) => f.property).sort(),
    expected.map((e) => e.property).sort(),
    "the failing properties",
  );
  for (const { property, kind } of expected) {
    const { reason } = failures.find((f) => f.property === property)!;
    const named =
      reason.startsWith(`${cut(property)} `) || (property === "assumeRole" && reason.startsWith("assumeRole."));
    assert.ok(named, `the reason names the property first: ${reason}`);
    if (property === "assumeRole") {
      // A role is judged field by field: the first field at fault and its rule, never the external id.
      assert.ok(
        [" must ", " is ", " and "].some((verb) => reason.includes(verb)),
        reason,
      );
      const { externalId } = (news.assumeRole ?? {}) as { externalId?: unknown };
      if (typeof externalId === "string" && externalId.length >= 2)
        assert.ok(!reason.includes(JSON.stringify(externalId)), `the reason shows the external id: ${reason}`);
    } else if (kind === "required") {
      assert.equal(reason, `${property} is required (${ruleWording(property as "databaseName", undefined)})`);
    } else if (kind === "unknownProperty") {
      const prefix = `${cut(property)} is not a property of MaterializedViewRefresh (known: `;
      assert.ok(reason.startsWith(prefix) && reason.endsWith(")"), reason);
      assert.deepStrictEqual(reason.slice(prefix.length, -1).split(", ").sort(), [...DOCUMENTED].sort());
    } else {
      const value = property === "endpoint" ? masked(news[property]) : news[property];
      assert.equal(
        reason,
        `${property} ${ruleWording(property as Exclude<Known, "assumeRole">, news[property])}; got ${shown(value)}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.
// ---------------------------------------------------------------------------------------------

/** Any UTF-16 content: any code point, lone surrogate halves, and the characters at the rules' edges. */
const anyChar = fc.oneof(
  fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)), // 0xd800-0xdfff give lone halves
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.constantFrom(
    "\t",
    "\n",
    "\r",
    "\u0000",
    "\u001f",
    "\u007f",
    "\u0085",
    "\u2028",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    "😀",
  ),
);
const validNameChar = fc
  .oneof(
    fc.constant(0x09),
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0x20, max: 0xd7ff }),
    fc.integer({ min: 0xe000, max: 0xfffd }),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((cp) => String.fromCodePoint(cp));

const shortString = fc.string({ unit: anyChar, maxLength: 40 });
/** Thousands of characters, built from a random piece so that generating them stays cheap. */
const longString = fc
  .tuple(fc.string({ unit: anyChar, minLength: 1, maxLength: 30 }), fc.integer({ min: 1_000, max: 4_000 }))
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)));
const specialValue = fc.constantFrom<unknown>(
  UNKNOWN,
  null,
  undefined,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e300,
  true,
  false,
  "",
  [],
  {},
  [UNKNOWN],
  { nested: UNKNOWN },
);
/** Values the provider host can hand to check (JSON-shaped), plus the numbers JSON cannot carry. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: specialValue },
  { weight: 3, arbitrary: shortString },
  { weight: 1, arbitrary: longString },
  { weight: 2, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.anything({ stringUnit: anyChar, maxDepth: 4, maxKeys: 5 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(shortString, fc.integer({ min: 200, max: 600 }))
      .map(([item, n]) => new Array<string>(n).fill(item)),
  },
);
/** What no provider host delivers, for the never-throws property only. */
const exoticValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true,
    maxDepth: 3,
  }),
  fc.bigInt(),
  fc.constant(Symbol("s")),
  fc.constant(() => 1),
  fc.constant(
    (() => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      return cyclic;
    })(),
  ),
  fc.constant({
    toJSON() {
      throw new Error("toJSON throws");
    },
  }),
  fc.constant({
    get boom() {
      throw new Error("getter throws");
    },
  }),
);

const validName = fc.oneof(
  fc.string({ unit: validNameChar, minLength: 1, maxLength: 40 }),
  fc.string({ unit: validNameChar, minLength: 250, maxLength: 255 }),
  fc.constant("😀".repeat(255)),
  fc.constant("a\tb"),
);
const validRegion = fc.oneof(
  fc.constantFrom(
    "us-east-1",
    "eu-central-1",
    "ap-southeast-3",
    "us-gov-west-1",
    "a",
    "a".repeat(64),
    `${"ab-".repeat(21)}a`,
  ),
  fc
    .array(
      fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 1, maxLength: 10 }),
      {
        minLength: 1,
        maxLength: 6,
      },
    )
    .map((groups) => groups.join("-"))
    .filter((region) => region.length <= 64),
);
const loopbackHost = fc.oneof(
  fc.constantFrom("localhost", "LOCALHOST", "[::1]", "[0:0:0:0:0:0:0:1]", "127.1"),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `127.${a}.${b}.${c}`),
);
const validEndpoint = fc.oneof(
  fc.webUrl({ validSchemes: ["https"], withQueryParameters: true, withFragments: true }),
  fc
    .tuple(loopbackHost, fc.option(fc.integer({ min: 1, max: 65_535 })), fc.constantFrom("", "/", "/glue"))
    .map(([host, port, suffix]) => `http://${host}${port === null ? "" : `:${port}`}${suffix}`),
);
const validTriggers = fc.dictionary(fc.string({ unit: anyChar, maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 5,
});

const roleChars = (extra: string, minLength: number, maxLength: number) =>
  fc.string({
    unit: fc.constantFrom(..."abcxyzABCXYZ0189_", ...extra),
    minLength,
    maxLength,
  });
const validRoleArn = fc
  .tuple(
    fc.constantFrom("aws", "aws-cn", "aws-us-gov"),
    fc.stringMatching(/^\d{12}$/),
    fc.constantFrom("", "service-role/", "path/to/"),
    roleChars("+=,.@-", 1, 40),
  )
  .map(([partition, account, rolePath, name]) => `arn:${partition}:iam::${account}:role/${rolePath}${name}`);
const validRole = fc.record(
  {
    roleArn: validRoleArn,
    sessionName: roleChars("+=,.@-", 2, 64),
    externalId: fc.oneof(roleChars("+=,.@-:/", 2, 60), roleChars("+=,.@-:/", 1200, 1224)),
    durationSeconds: fc.oneof(fc.integer({ min: 900, max: 43_200 }), fc.constantFrom(900, 43_200)),
  },
  { requiredKeys: ["roleArn"] },
);

const VALID: Record<Known, fc.Arbitrary<unknown>> = {
  assumeRole: validRole,
  databaseName: validName,
  tableName: validName,
  catalogId: validName,
  resourceName: fc.string({ unit: anyChar, maxLength: 40 }),
  fullRefresh: fc.boolean(),
  quiet: fc.boolean(),
  waitForCompletion: fc.boolean(),
  timeoutMinutes: fc.oneof(
    fc.double({ min: Number.MIN_VALUE, max: 10_080, noNaN: true }),
    fc.integer({ min: 1, max: 10_080 }),
    fc.constantFrom(Number.MIN_VALUE, 0.5, 10_080),
  ),
  ifRunning: fc.constantFrom("wait", "stop", "adopt", "fail"),
  region: validRegion,
  endpoint: validEndpoint,
  triggers: validTriggers,
  upstreams: fc.array(
    fc.record({
      runId: fc.uuid(),
      status: fc.constantFrom("STARTING", "RUNNING", "SUCCEEDED", "FAILED", "STOPPED"),
      catalogId: validName,
      databaseName: validName,
      tableName: validName,
      region: validRegion,
    }),
    { maxLength: 3 },
  ),
};

/** Values just outside each rule. */
const withBadChar = fc
  .tuple(
    fc.string({ unit: validNameChar, maxLength: 10 }),
    fc.constantFrom("\u0000", "\n", "\r", "\u001b", "\ud800", "\udfff", "\ufffe", "\uffff"),
    fc.string({ unit: validNameChar, maxLength: 10 }),
  )
  .map(([a, bad, b]) => a + bad + b);
const badName = fc.oneof(
  fc.constant(""),
  fc.string({ unit: validNameChar, minLength: 256, maxLength: 300 }),
  fc.constant("😀".repeat(256)),
  withBadChar,
  fc.integer(),
);
const NEAR_MISS: Record<Known, fc.Arbitrary<unknown>> = {
  assumeRole: fc.oneof(
    validRole.map((role) => ({ ...role, roleArn: role.roleArn.replace(":role/", ":user/") })),
    validRole.map((role) => ({ ...role, roleArn: role.roleArn.replace(/::(\d)\d/, "::$1") })),
    validRole.map((role) => ({ ...role, roleArn: undefined })),
    validRole.map((role) => ({ ...role, sessionName: "a" })),
    validRole.map((role) => ({ ...role, sessionName: "x".repeat(65) })),
    validRole.map((role) => ({ ...role, sessionName: "has space" })),
    validRole.map((role) => ({ ...role, externalId: "secret external id" })),
    validRole.map((role) => ({ ...role, externalId: "x".repeat(1225) })),
    validRole.map((role) => ({
      ...role,
      durationSeconds: fc.sample(fc.constantFrom(899, 43_201, 3600.5, "3600"), 1)[0],
    })),
    validRole.map((role) => ({ ...role, duration: "1h" })),
    validRole.map((role) => [role]),
  ),
  databaseName: badName,
  tableName: badName,
  catalogId: badName,
  resourceName: fc.oneof(fc.integer(), fc.constant(false), fc.constant({})),
  upstreams: fc.constantFrom({}, "run", [null], [{ runId: "r" }], [{ runId: 1, status: "SUCCEEDED" }]),
  fullRefresh: fc.constantFrom("true", "false", 1, 0, [], {}),
  quiet: fc.constantFrom("true", "yes", 1, 0, [], {}),
  waitForCompletion: fc.constantFrom("true", "false", 1, 0, [], {}),
  timeoutMinutes: fc.oneof(
    fc.constantFrom(
      0,
      -0,
      -5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      10_080.000_001,
      10_081,
      1e308,
      "60",
      [60],
    ),
    fc.double({ min: -1e9, max: 0, noNaN: true }),
    fc.double({ min: 10_080, max: 1e12, minExcluded: true, noNaN: true }),
  ),
  ifRunning: fc.constantFrom("WAIT", " wait", "wait ", "Adopt", "", "later", "stop\n", 1),
  region: fc.oneof(
    fc.constantFrom(
      "",
      "US-EAST-1",
      "us_east_1",
      "-us",
      "us-",
      "us--east-1",
      "us-east-1\n",
      " us-east-1",
      "ús-east-1",
      "a".repeat(65),
    ),
    validRegion.map((r) => `${r}-`),
    validRegion.map((r) => r.toUpperCase()).filter((r) => /[a-z]/i.test(r)),
  ),
  endpoint: fc.oneof(
    fc.constantFrom(
      "http://example.com",
      "http://glue.us-east-1.amazonaws.com",
      "ftp://127.0.0.1",
      "ws://localhost",
      "http://128.0.0.1",
      "http://127.0.0.1.example.com",
      "http://localhost.example.com",
      "http://[::2]",
      "https://user:password@glue.example.com",
      "https://user@glue.example.com",
      "http://user:pw@localhost:8080",
      "https://",
      "not a url",
      "",
      "//glue.example.com",
    ),
    fc.webUrl({ validSchemes: ["http", "ftp"], authoritySettings: { withUserInfo: true } }),
    fc.webUrl({ validSchemes: ["https"], authoritySettings: { withUserInfo: true } }),
  ),
  triggers: fc.oneof(
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    fc.string(),
    fc.integer(),
    fc.boolean(),
  ),
};

const valueFor = (property: Known): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: VALID[property] },
    { weight: 3, arbitrary: NEAR_MISS[property] },
    { weight: 2, arbitrary: anyValue },
    { weight: 1, arbitrary: fc.constant(UNKNOWN) },
  );

const extraKey = fc.oneof(
  fc.string({ unit: anyChar, maxLength: 20 }),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "DatabaseName",
    "table_name",
    "triggers ",
    "__provider",
    "resourcename",
  ),
);

/** An own, enumerable property even for keys such as "__proto__". */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function build(
  known: Partial<Record<Known, unknown>>,
  extras: readonly (readonly [string, unknown])[],
): Record<string, unknown> {
  const news: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(known)) define(news, key, value);
  for (const [key, value] of extras) define(news, key, value);
  return news;
}

const knownRecord = (value: (property: Known) => fc.Arbitrary<unknown>) =>
  fc.record(Object.fromEntries(KNOWN.map((p) => [p, value(p)])) as Record<Known, fc.Arbitrary<unknown>>, {
    requiredKeys: [],
  });

/** Any inputs object: each property absent, valid, just invalid, anything or unknown; maybe extra keys. */
const anyInputs = fc
  .tuple(
    knownRecord(valueFor),
    fc.array(fc.tuple(extraKey, fc.oneof(anyValue, fc.constant(UNKNOWN))), { maxLength: 3 }),
  )
  .map(([known, extras]) => build(known, extras));

/** Inputs as the never-throws property sees them: anything at all in any property. */
const wildInputs = fc
  .tuple(
    knownRecord((p) => fc.oneof(valueFor(p), exoticValue)),
    fc.array(fc.tuple(extraKey, fc.oneof(anyValue, exoticValue)), { maxLength: 3 }),
  )
  .map(([known, extras]) => build(known, extras));

/** Inputs that follow every rule. */
const validInputs = fc
  .tuple(
    fc.record({ databaseName: validName, tableName: validName }),
    fc.record(
      Object.fromEntries(KNOWN.filter((p) => !REQUIRED.includes(p)).map((p) => [p, VALID[p]])) as Record<
        Known,
        fc.Arbitrary<unknown>
      >,
      { requiredKeys: [] },
    ),
    fc.option(fc.string(), { nil: undefined }),
  )
  .map(([required, optional, provider]) =>
    build({ ...required, ...optional }, provider === undefined ? [] : [["__provider", provider]]),
  );

// ---------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------

let lifecycle: RefreshLifecycle;

beforeAll(async () => {
  lifecycle = await new StubGlue().lifecycle();
});

const check = (news: Record<string, unknown>) => lifecycle.check({} as RefreshInputs, news as unknown as RefreshInputs);
const awsCalls = () => glueMock.calls().length + stsMock.calls().length;

/** The entries of an object, to prove later that nothing in it was replaced, added or removed. */
const entriesOf = (news: Record<string, unknown>) => Object.keys(news).map((k) => [k, news[k]] as const);
function assertUntouched(news: Record<string, unknown>, before: readonly (readonly [string, unknown])[]): void {
  const after = entriesOf(news);
  assert.equal(after.length, before.length, "the inputs keep their properties");
  after.forEach(([key, value], i) => {
    assert.equal(key, before[i][0]);
    assert.ok(Object.is(value, before[i][1]), `${key} is left as it was`);
  });
}

/** check answers with the very inputs object, untouched, and the failures validateInputs gives. */
async function assertCheck(news: Record<string, unknown>): Promise<InputFailure[]> {
  const before = entriesOf(news);
  const result = await check(news);
  assert.equal(result.inputs, news, "check returns the inputs object itself");
  assertUntouched(news, before);
  assert.equal(awsCalls(), 0, "check made an AWS call");
  return result.failures ?? [];
}

describe("check, property-based", () => {
  it("never throws, whatever the inputs hold, and makes no AWS call", async () => {
    fc.assert(
      fc.property(wildInputs, (news) => {
        assert.ok(Array.isArray(validateInputs(news)));
      }),
      runs(300),
    );
    await fc.assert(
      fc.asyncProperty(wildInputs, async (news) => {
        await assertCheck(news);
      }),
      runs(200),
    );
  });

  it("rejects exactly what the README's rules reject, naming the property, the rule and the value", async () => {
    fc.assert(
      fc.property(anyInputs, (news) => {
        expectAgreement(news, validateInputs(news));
      }),
      runs(1_000),
    );
    await fc.assert(
      fc.asyncProperty(anyInputs, async (news) => {
        expectAgreement(news, await assertCheck(news));
      }),
      runs(200),
    );
  });

  it("judges each property alone exactly as the oracle does, both ways", () => {
    const single = fc
      .constantFrom(...KNOWN)
      .chain((property) => valueFor(property).map((value) => [property, value] as const));
    const seen = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(single, ([property, value]) => {
        const news = build({ databaseName: "sales", tableName: "daily_mv", [property]: value }, []);
        const failures = validateInputs(news);
        const absent = value === undefined || value === null;
        const unknown = value === UNKNOWN || (property === "assumeRole" && hasUnknown(value));
        const passes = unknown || (absent ? !REQUIRED.includes(property) : isValid(property, value));
        assert.equal(
          failures.some((f) => f.property === property),
          !passes,
          `${property} = ${shown(value)}`,
        );
        seen[passes ? "accepted" : "rejected"]++;
        expectAgreement(news, failures);
      }),
      runs(1_500),
    );
    // Both sides of every rule were exercised, not just one.
    expect(seen.accepted).toBeGreaterThan(300);
    expect(seen.rejected).toBeGreaterThan(300);
  });

  it("accepts every valid input with no failure, through check too", async () => {
    fc.assert(
      fc.property(validInputs, (news) => {
        assert.deepStrictEqual(validateInputs(news), []);
      }),
      runs(500),
    );
    await fc.assert(
      fc.asyncProperty(validInputs, async (news) => {
        assert.deepStrictEqual(await assertCheck(news), []);
      }),
      runs(150),
    );
  });

  it("lets unknown values (preview) through untouched in any property, returning the inputs unchanged", async () => {
    const withUnknowns = (base: fc.Arbitrary<Record<string, unknown>>) =>
      fc
        .tuple(base, fc.subarray([...KNOWN], { minLength: 1 }), fc.array(extraKey, { maxLength: 2 }))
        .map(([news, properties, extras]) => {
          const unknown = [...properties, ...extras.filter((k) => k !== "__provider")];
          for (const property of unknown) define(news, property, UNKNOWN);
          return { news, unknown };
        });

    // Valid inputs with any properties, known or not, unknown (the required ones included): no failure at all.
    await fc.assert(
      fc.asyncProperty(withUnknowns(validInputs), async ({ news }) => {
        assert.deepStrictEqual(validateInputs(news), []);
        assert.deepStrictEqual(await assertCheck(news), []);
      }),
      runs(200),
    );
    // Any inputs: no failure names a property whose value is unknown, and the others are judged as usual.
    fc.assert(
      fc.property(withUnknowns(anyInputs), ({ news, unknown }) => {
        const failures = validateInputs(news);
        assert.deepStrictEqual(
          failures.filter((f) => unknown.includes(f.property)),
          [],
        );
        expectAgreement(news, failures);
      }),
      runs(400),
    );
  });

  it("shows a bad value shortened: reasons stay short whatever the value's size", () => {
    const huge = fc.oneof(
      longString,
      fc.constantFrom("😀", "\u0000", "\ud800", '"', "\\").map((c) => c.repeat(3_000)),
      fc.array(longString, { minLength: 1, maxLength: 3 }),
      fc.dictionary(shortString, longString, { minKeys: 1, maxKeys: 3 }),
      fc.double(),
      anyValue,
    );
    const single = fc.tuple(fc.constantFrom(...KNOWN), huge);
    let longest = 0;
    fc.assert(
      fc.property(single, ([property, value]) => {
        const news = build({ databaseName: "sales", tableName: "daily_mv", [property]: value }, []);
        const failures = validateInputs(news);
        for (const { reason } of failures) {
          assert.ok(reason.length < 300, `a reason of ${reason.length} characters: ${reason}`);
          longest = Math.max(longest, reason.length);
        }
        expectAgreement(news, failures);
      }),
      runs(300),
    );
    // Values of thousands of characters were rejected, and shown cut.
    expect(longest).toBeGreaterThan(150);
  });

  it("made no AWS call in all of the above, though the same stub counts the calls of diff", async () => {
    expect(glueMock.calls()).toHaveLength(0);
    expect(stsMock.calls()).toHaveLength(0);
    // The control: diff of an input without catalogId asks STS for the account, and it is counted.
    await lifecycle.diff("id", state(), { databaseName: "sales", tableName: "daily_mv" });
    expect(stsMock.calls()).toHaveLength(1);
  });
});

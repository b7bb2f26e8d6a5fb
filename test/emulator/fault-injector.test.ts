/** Fault decisions and request authentication, alone. */
import { SignatureV4 } from "@smithy/signature-v4";
import { checkFaults, FaultInjector, seededRandom } from "../../src/emulator/faults";
import { checkAuthorization, NodeSha256, parseAuthorization, type SignedRequest } from "../../src/emulator/sigv4";

describe("seededRandom", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(3).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe("FaultInjector", () => {
  it("decides nothing without faults", () => {
    const faults = new FaultInjector({}, 1);
    expect(faults.beforeProcessing("X", { canTimeOut: true })).toBeUndefined();
    expect(faults.afterProcessing("X")).toBeUndefined();
    expect(faults.latencyMs()).toBe(0);
  });

  it("answers each ratio fault when its ratio is 1, and limits them to the listed operations", () => {
    const decide = (faults: object, canTimeOut = true) =>
      new FaultInjector(faults, 1).beforeProcessing("Op", { canTimeOut });
    expect(decide({ dropRatio: 1 })).toEqual({ kind: "drop", fault: "dropRatio" });
    expect(decide({ throttleRatio: 1 })).toEqual({ kind: "error", error: "throttling", fault: "throttleRatio" });
    expect(decide({ serverErrorRatio: 1 })).toMatchObject({
      kind: "error",
      error: expect.stringMatching(/^(internalError|serviceUnavailable)$/),
    });
    expect(decide({ operationTimeoutRatio: 1 })).toEqual({
      kind: "error",
      error: "operationTimeout",
      fault: "operationTimeoutRatio",
    });
    expect(decide({ operationTimeoutRatio: 1 }, false)).toBeUndefined();
    expect(decide({ throttleRatio: 1, operations: ["Other"] })).toBeUndefined();
    expect(new FaultInjector({ dropAfterProcessingRatio: 1 }, 1).afterProcessing("Op")).toBe(
      "dropAfterProcessingRatio",
    );
    expect(new FaultInjector({ serverErrorAfterProcessingRatio: 1 }, 1).afterProcessing("Op")).toBe(
      "serverErrorAfterProcessingRatio",
    );
  });

  it("spreads both server errors", () => {
    const faults = new FaultInjector({ serverErrorRatio: 1 }, 1);
    const errors = new Set(
      Array.from({ length: 40 }, () => faults.beforeProcessing("Op", { canTimeOut: true })).map(
        (d) => d?.kind === "error" && d.error,
      ),
    );
    expect(errors).toEqual(new Set(["internalError", "serviceUnavailable"]));
  });

  it("refills the rate limit's bucket with real time", () => {
    let real = 0;
    const faults = new FaultInjector({ requestsPerSecond: 2, operations: [] }, 1, () => real);
    const take = () => faults.beforeProcessing("Op", { canTimeOut: true })?.kind === "error";
    expect([take(), take(), take()]).toEqual([false, false, true]);
    real += 500;
    expect([take(), take()]).toEqual([false, true]);
  });

  it("injects no more than maxFaults ratio faults, counting afresh when the faults are set again", () => {
    const faults = new FaultInjector({ dropAfterProcessingRatio: 1, maxFaults: 2 }, 1);
    const decisions = () => Array.from({ length: 3 }, () => faults.afterProcessing("Op"));
    expect(decisions()).toEqual(["dropAfterProcessingRatio", "dropAfterProcessingRatio", undefined]);
    faults.set({ throttleRatio: 1, maxFaults: 1 });
    expect(faults.beforeProcessing("Op", { canTimeOut: true })).toMatchObject({ fault: "throttleRatio" });
    expect(faults.beforeProcessing("Op", { canTimeOut: true })).toBeUndefined();
  });

  it("refuses settings out of range", () => {
    expect(() => checkFaults({ throttleRatio: 1.5 })).toThrow("faults.throttleRatio must be between 0 and 1; got 1.5");
    expect(() => checkFaults({ latencyMs: -1 })).toThrow(RangeError);
    expect(() => checkFaults({ consistencyLagMs: Number.NaN })).toThrow(
      "faults.consistencyLagMs must be a non-negative number; got NaN",
    );
  });
});

describe("parseAuthorization", () => {
  it("reads the SigV4 header and says what is missing from a broken one", () => {
    expect(
      parseAuthorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/glue/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
      ),
    ).toEqual({
      accessKeyId: "AKID",
      date: "20260101",
      region: "us-east-1",
      service: "glue",
      terminator: "aws4_request",
      signedHeaders: ["host", "x-amz-date"],
      signature: "abc",
    });
    expect(parseAuthorization("Bearer token")).toEqual({
      problem: "Unsupported AWS 'algorithm': 'Bearer'. Authorization=Bearer token",
    });
    expect(parseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/glue/aws4_request")).toEqual({
      problem: expect.stringMatching(
        /^Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\./,
      ),
    });
    expect(
      parseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/us-east-1/glue, SignedHeaders=host, Signature=abc"),
    ).toEqual({
      problem: expect.stringContaining("exactly 5 slash-delimited elements"),
    });
  });
});

describe("checkAuthorization", () => {
  const SECRET = "secret";
  const signingDate = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));

  async function signed(body: string, service = "glue"): Promise<SignedRequest> {
    const signer = new SignatureV4({
      credentials: { accessKeyId: "AKID", secretAccessKey: SECRET },
      region: "eu-west-1",
      service,
      sha256: NodeSha256,
    });
    const request = await signer.sign(
      {
        method: "POST",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: 4000,
        path: "/",
        headers: { host: "127.0.0.1:4000", "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSGlue.X" },
        body,
      },
      { signingDate },
    );
    return { method: "POST", url: "/", headers: request.headers, body: Buffer.from(body) };
  }

  it("accepts a correct signature of a known key and refuses a tampered body or header", async () => {
    const secrets = new Map([["AKID", SECRET]]);
    const request = await signed('{"a":1}');
    await expect(checkAuthorization(request, "glue", secrets)).resolves.toEqual({
      ok: true,
      accessKeyId: "AKID",
      region: "eu-west-1",
    });
    await expect(
      checkAuthorization({ ...request, body: Buffer.from('{"a":2}') }, "glue", secrets),
    ).resolves.toMatchObject({ ok: false, kind: "invalidSignature" });
    await expect(
      checkAuthorization({ ...request, headers: { ...request.headers, "x-amz-target": "AWSGlue.Y" } }, "glue", secrets),
    ).resolves.toMatchObject({ ok: false, kind: "invalidSignature" });
    await expect(checkAuthorization(request, "glue", new Map([["AKID", "other"]]))).resolves.toMatchObject({
      ok: false,
      kind: "invalidSignature",
    });
    // Unknown keys are not verified.
    await expect(
      checkAuthorization({ ...request, body: Buffer.from("tampered") }, "glue", new Map()),
    ).resolves.toMatchObject({ ok: true });
  });

  it("refuses the wrong service, a date that disagrees with the scope, and a missing header", async () => {
    const request = await signed("{}", "sts");
    await expect(checkAuthorization(request, "glue", new Map())).resolves.toMatchObject({
      kind: "invalidSignature",
      message: expect.stringContaining("'glue'"),
    });
    const glue = await signed("{}");
    await expect(
      checkAuthorization(
        { ...glue, headers: { ...glue.headers, "x-amz-date": "20260102T120000Z" } },
        "glue",
        new Map(),
      ),
    ).resolves.toMatchObject({
      kind: "invalidSignature",
      message: expect.stringContaining("Date in Credential scope does not match"),
    });
    await expect(
      checkAuthorization({ ...glue, headers: { ...glue.headers, "x-amz-date": "yesterday" } }, "glue", new Map()),
    ).resolves.toMatchObject({
      kind: "incompleteSignature",
    });
    await expect(checkAuthorization({ ...glue, headers: {} }, "glue", new Map())).resolves.toEqual({
      ok: false,
      kind: "missingAuthenticationToken",
      message: "Missing Authentication Token",
    });
  });
});

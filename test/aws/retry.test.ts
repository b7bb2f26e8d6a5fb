import { describeAwsError } from "../../src/model/errors";
import { BACKOFF, backoffDelay, FEW_ATTEMPTS, isRetryable, mayHaveTakenEffect, retrying } from "../../src/aws/retry";
import { FakeClock } from "../support/fake-clock";
import { sdkErrors } from "../support/glue-stub";

const named = (name: string, status = 400) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe("isRetryable", () => {
  it.each([
    ["ThrottlingException", sdkErrors.throttling()],
    ["a 500", sdkErrors.serverError()],
    ["a 503", named("ServiceUnavailableException", 503)],
    ["OperationTimeoutException", sdkErrors.operationTimeout()],
    ["ResourceNumberLimitExceededException", sdkErrors.limitExceeded()],
    ["a reset connection", sdkErrors.connectionReset()],
    ["a refused connection", sdkErrors.connectionRefused()],
    ["an SDK timeout", named("TimeoutError", 0)],
    ["a 429", named("TooManyRequests", 429)],
  ])("retries %s", (_what, error) => {
    expect(isRetryable(error)).toBe(true);
    expect(isRetryable(describeAwsError("Op", "x", error))).toBe(true);
  });

  it.each([
    ["InvalidInputException", sdkErrors.invalidInput()],
    ["EntityNotFoundException", sdkErrors.entityNotFound()],
    ["AccessDeniedException", named("AccessDeniedException")],
    ["missing credentials", named("CredentialsProviderError", 0)],
    ["a bug", new TypeError("x is undefined")],
  ])("never retries %s", (_what, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});

describe("mayHaveTakenEffect", () => {
  it("is true when the request was sent and no answer refused it", () => {
    for (const error of [
      sdkErrors.serverError(),
      sdkErrors.connectionReset(),
      sdkErrors.operationTimeout(),
      named("TimeoutError", 0),
    ]) {
      expect(mayHaveTakenEffect(error)).toBe(true);
    }
  });

  it("is false when the answer refused it or it was never sent", () => {
    for (const error of [
      sdkErrors.throttling(),
      sdkErrors.limitExceeded(),
      sdkErrors.connectionRefused(),
      sdkErrors.invalidInput(),
    ]) {
      expect(mayHaveTakenEffect(error)).toBe(false);
    }
  });
});

describe("backoffDelay", () => {
  it("doubles up to the cap, jittered over the whole range", () => {
    expect(backoffDelay(1, () => 1)).toBe(BACKOFF.baseMs);
    expect(backoffDelay(3, () => 1)).toBe(4 * BACKOFF.baseMs);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF.maxMs);
    expect(backoffDelay(3, () => 0)).toBe(0);
  });
});

describe("retrying", () => {
  function failing(failures: Error[]) {
    let calls = 0;
    return {
      attempt: async () => {
        calls++;
        const failure = failures.shift();
        if (failure) throw describeAwsError("StartMaterializedViewRefreshTaskRun", "view a.b", failure);
        return "ok";
      },
      calls: () => calls,
    };
  }

  it("retries well past the SDK's three attempts until the call succeeds", async () => {
    const clock = new FakeClock();
    const call = failing(Array.from({ length: 8 }, sdkErrors.throttling));
    await expect(retrying(call.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 })).resolves.toBe(
      "ok",
    );
    expect(call.calls()).toBe(9);
  });

  it("fails at once on an error that cannot succeed on retry", async () => {
    const clock = new FakeClock();
    const call = failing([sdkErrors.invalidInput()]);
    await expect(retrying(call.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 })).rejects.toThrow(
      "InvalidInputException: Table name is invalid",
    );
    expect(call.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("gives up at the deadline, never sleeping past it, and says how many attempts it made", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const call = failing(Array.from({ length: 1000 }, sdkErrors.throttling));
    const error = await retrying(call.attempt, { clock, deadline: start + 60_000, random: () => 1 }).catch(
      (e: Error) => e,
    );
    // Pauses of 1, 2, 4, 8, 16 and 20 s, then the 9 s left: eight attempts in all.
    expect(call.calls()).toBe(8);
    expect((error as Error).message).toMatch(
      /ThrottlingException: Rate exceeded \(request id req-throttle\); gave up after 8 attempts at the timeout/,
    );
    expect(clock.now()).toBe(start + 60_000);
  });

  it("stops when the signal aborts", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const call = failing(Array.from({ length: 1000 }, sdkErrors.serverError));
    const attempt = async () => {
      if (call.calls() === 2) controller.abort();
      return call.attempt();
    };
    await expect(
      retrying(attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1, signal: controller.signal }),
    ).rejects.toThrow("InternalServiceException");
    expect(call.calls()).toBe(3);
  });

  describe("an endpoint that cannot be reached", () => {
    const notFound = () =>
      Object.assign(new Error("getaddrinfo ENOTFOUND glue.us-est-1.amazonaws.com"), {
        code: "ENOTFOUND",
        hostname: "glue.us-est-1.amazonaws.com",
      });
    const closedPort = () =>
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
        code: "ECONNREFUSED",
        address: "127.0.0.1",
        port: 9,
      });

    it.each([
      ["a host that does not resolve", notFound],
      ["a closed port", closedPort],
      ["no route", () => Object.assign(new Error("connect EHOSTUNREACH"), { code: "EHOSTUNREACH" })],
    ])("fails %s within a minute, after a few attempts, not at the timeout", async (_what, error) => {
      const clock = new FakeClock();
      const start = clock.now();
      const call = failing(Array.from({ length: 1000 }, error));
      const failure = await retrying(call.attempt, { clock, deadline: start + 3_600_000, random: () => 1 }).catch(
        (e: Error) => e,
      );
      expect(call.calls()).toBe(FEW_ATTEMPTS.attempts);
      expect(clock.now() - start).toBeLessThan(60_000);
      expect((failure as Error).message).toContain(`; tried ${FEW_ATTEMPTS.attempts} times in 3s`);
    });

    it("survives a blip: a refused connection followed by an answer", async () => {
      const clock = new FakeClock();
      const call = failing([closedPort(), closedPort()]);
      await expect(retrying(call.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 })).resolves.toBe(
        "ok",
      );
    });

    it("starts no attempt past its window, however many are left", async () => {
      const clock = new FakeClock();
      const start = clock.now();
      // Each attempt takes 15 s to fail, as a resolver that times out would.
      const attempt = async () => {
        clock.time += 15_000;
        throw describeAwsError("GetCallerIdentity", "x", notFound());
      };
      await expect(retrying(attempt, { clock, deadline: start + 3_600_000, random: () => 1 })).rejects.toThrow(
        "tried 2 times in 31s",
      );
      expect(clock.now() - start).toBeLessThan(60_000);
    });

    it("gives a signature refused as expired (clock skew, which the SDK corrects once) the same few attempts", async () => {
      const clock = new FakeClock();
      const skewed = () =>
        Object.assign(new Error("Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z"), {
          name: "InvalidSignatureException",
          $metadata: { httpStatusCode: 400 },
        });
      const call = failing(Array.from({ length: 1000 }, skewed));
      await expect(
        retrying(call.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 }),
      ).rejects.toThrow("Check this machine's clock");
      expect(call.calls()).toBe(FEW_ATTEMPTS.attempts);
    });

    it("gives an error retried only because the SDK corrected its clock with it a few attempts, not the timeout", async () => {
      // The SDK marks errors so while the skew is 4 minutes or more and its measure of it moves.
      const clock = new FakeClock();
      const corrected = (name: string, message: string) => () =>
        Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400, clockSkewCorrected: true } });
      const denied = failing(Array.from({ length: 1000 }, corrected("AccessDeniedException", "not authorized")));
      await expect(
        retrying(denied.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 }),
      ).rejects.toThrow("AccessDeniedException");
      expect(denied.calls()).toBe(FEW_ATTEMPTS.attempts);
      const early = failing(
        Array.from({ length: 1000 }, corrected("SignatureDoesNotMatch", "Signature not yet current: …")),
      );
      await expect(
        retrying(early.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 }),
      ).rejects.toThrow("SignatureDoesNotMatch");
      expect(early.calls()).toBe(FEW_ATTEMPTS.attempts);
      // A throttle so marked is still retried until it succeeds.
      const throttled = failing(Array.from({ length: 10 }, corrected("ThrottlingException", "Rate exceeded")));
      await expect(
        retrying(throttled.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 }),
      ).resolves.toBe("ok");
      expect(throttled.calls()).toBe(11);
    });

    it("keeps transient network errors on the usual rules: a reset connection is retried until it succeeds", async () => {
      const clock = new FakeClock();
      const call = failing(Array.from({ length: 10 }, sdkErrors.connectionReset));
      await expect(retrying(call.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 })).resolves.toBe(
        "ok",
      );
      expect(call.calls()).toBe(11);
    });
  });

  it.each([
    ["unrecognised keys", "UnrecognizedClientException", "The security token included in the request is invalid."],
    ["a wrong secret", "InvalidSignatureException", "The request signature we calculated does not match"],
    ["an expired session token", "ExpiredTokenException", "The security token included in the request is expired"],
    ["missing credentials", "CredentialsProviderError", "Could not load credentials from any providers"],
  ])("fails at once on %s", async (_what, name, message) => {
    const clock = new FakeClock();
    const call = failing([Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } })]);
    await expect(retrying(call.attempt, { clock, deadline: clock.now() + 3_600_000, random: () => 1 })).rejects.toThrow(
      name,
    );
    expect(call.calls()).toBe(1);
  });
});

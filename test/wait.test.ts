import {
  CLOCK_ORIGIN_VARIABLE,
  CLOCK_SCALE_VARIABLE,
  clockFromEnvironment,
  DEFAULT_SCHEDULE,
  nextDelay,
  scaledClock,
  systemClock,
  waitUntil,
} from "../src/wait";
import { FakeClock } from "./support/fake-clock";

const schedule = { minDelayMs: 2_000, maxDelayMs: 60_000, elapsedFraction: 0.04 };
const noJitter = () => 1;

describe("nextDelay", () => {
  it("starts at the minimum delay", () => {
    expect(nextDelay(0, schedule, noJitter)).toBe(2_000);
  });

  it("grows with the time waited and stops at the maximum", () => {
    expect(nextDelay(500_000, schedule, noJitter)).toBe(20_000);
    expect(nextDelay(10 * 3_600_000, schedule, noJitter)).toBe(60_000);
  });

  it("jitters downwards only, and never below the minimum", () => {
    expect(nextDelay(500_000, schedule, () => 0)).toBe(15_000);
    expect(nextDelay(0, schedule, () => 0)).toBe(2_000);
  });
});

describe("waitUntil", () => {
  /** A run that ends after `durationMs` of clock time. */
  function runEndingAt(clock: FakeClock, durationMs: number) {
    const end = clock.now() + durationMs;
    let polls = 0;
    const poll = async () => {
      polls++;
      return clock.now() >= end ? "done" : "running";
    };
    return { poll, polls: () => polls, end };
  }

  it("returns at once when the value it holds is already done", async () => {
    const clock = new FakeClock();
    const result = await waitUntil(
      "done",
      async () => "never",
      (v) => v === "done",
      { clock, deadline: clock.now() + 1000 },
    );
    expect(result).toEqual({ state: "done", value: "done" });
    expect(clock.sleeps).toEqual([]);
  });

  it("polls first within a few seconds", async () => {
    const clock = new FakeClock();
    const run = runEndingAt(clock, 1);
    await waitUntil("running", run.poll, (v) => v === "done", {
      clock,
      deadline: clock.now() + 60_000,
      random: noJitter,
    });
    expect(clock.sleeps[0]).toBe(DEFAULT_SCHEDULE.minDelayMs);
  });

  it.each([60_000, 20 * 60_000, 3 * 3_600_000])(
    "notices a run of %i ms within 5%% of its duration, with few polls",
    async (durationMs) => {
      const clock = new FakeClock();
      const start = clock.now();
      const run = runEndingAt(clock, durationMs);
      const result = await waitUntil("running", run.poll, (v) => v === "done", {
        clock,
        schedule,
        deadline: start + 10 * 3_600_000,
        random: Math.random,
      });
      expect(result.state).toBe("done");
      const lag = clock.now() - run.end;
      expect(lag).toBeLessThanOrEqual(Math.max(schedule.minDelayMs, 0.05 * durationMs));
      // At the minimum delay until it is a fraction of the elapsed time, then geometric growth
      // (jitter takes up to a quarter off each step) up to the cap, then one poll per capped interval.
      const { minDelayMs, maxDelayMs, elapsedFraction: f } = schedule;
      const atMinimum = 1 / f;
      const growing = Math.log(maxDelayMs / minDelayMs) / Math.log(1 + 0.75 * f);
      const capped = durationMs / (0.75 * maxDelayMs);
      expect(run.polls()).toBeLessThanOrEqual(Math.ceil(atMinimum + growing + capped));
    },
  );

  it("never sleeps past the deadline, and polls once more there", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const run = runEndingAt(clock, 10 * 3_600_000);
    const result = await waitUntil("running", run.poll, (v) => v === "done", {
      clock,
      schedule,
      deadline: start + 5 * 60_000 + 1234,
      random: noJitter,
    });
    expect(result).toEqual({ state: "timeout", value: "running" });
    expect(clock.now()).toBe(start + 5 * 60_000 + 1234);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(60_000);
  });

  it("stops waiting when aborted, keeping the last value", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    let polls = 0;
    const result = await waitUntil(
      "running",
      async () => {
        if (++polls === 3) controller.abort();
        return "running";
      },
      (v) => v === "done",
      { clock, deadline: clock.now() + 3_600_000, signal: controller.signal },
    );
    expect(result).toEqual({ state: "aborted", value: "running" });
    expect(polls).toBe(3);
  });

  it("reports each value that is not done yet", async () => {
    const clock = new FakeClock();
    const run = runEndingAt(clock, 10_000);
    const seen: number[] = [];
    await waitUntil("running", run.poll, (v) => v === "done", {
      clock,
      deadline: clock.now() + 60_000,
      random: noJitter,
      onPoll: (_v, elapsed) => seen.push(elapsed),
    });
    expect(seen).toEqual([2_000, 4_000, 6_000, 8_000]);
  });
});

describe("scaledClock", () => {
  it("runs time faster by the scale, in both now and sleep", async () => {
    const base = new FakeClock();
    const clock = scaledClock(1000, base);
    const start = clock.now();
    await clock.sleep(60_000);
    expect(base.sleeps).toEqual([60]);
    expect(clock.now() - start).toBe(60_000);
  });

  it("comes from the environment only when a positive scale other than 1 is set", () => {
    expect(clockFromEnvironment({})).toBe(systemClock);
    expect(clockFromEnvironment({ [CLOCK_SCALE_VARIABLE]: "nonsense" })).toBe(systemClock);
    expect(clockFromEnvironment({ [CLOCK_SCALE_VARIABLE]: "-3" })).toBe(systemClock);
    expect(clockFromEnvironment({ [CLOCK_SCALE_VARIABLE]: "500" })).not.toBe(systemClock);
  });
});

describe("scaledClock from an origin", () => {
  it("agrees with another clock scaled from the same origin", () => {
    const base = new FakeClock(1_000_000);
    const clock = scaledClock(100, base, 999_000);
    expect(clock.now()).toBe(999_000 + 1000 * 100);
  });

  it("takes the origin from the environment", () => {
    const clock = clockFromEnvironment({
      [CLOCK_SCALE_VARIABLE]: "1000",
      [CLOCK_ORIGIN_VARIABLE]: String(Date.now() - 1000),
    });
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(999_000 - 1000);
  });
});

import {
  CLOCK_ORIGIN_VARIABLE,
  CLOCK_SCALE_VARIABLE,
  clockFromEnvironment,
  DEFAULT_SCHEDULE,
  nextDelay,
  scaledClock,
  systemClock,
  waitUntil,
} from "../../src/model/wait";
import { FakeClock } from "../support/fake-clock";

const schedule = DEFAULT_SCHEDULE;
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

describe("nextDelay with an expected duration", () => {
  const expected = 5 * 60_000;

  it("grows fast before the approach, to notice an early end only", () => {
    expect(nextDelay(0, schedule, noJitter, expected)).toBe(2_000);
    expect(nextDelay(6_000, schedule, noJitter, expected)).toBe(12_000);
    expect(nextDelay(54_000, schedule, noJitter, expected)).toBe(60_000);
  });

  it("lands on the approach instead of jumping past it", () => {
    expect(nextDelay(250_000, schedule, noJitter, expected)).toBe(20_000);
  });

  it("polls within the elapsed fraction from the approach on", () => {
    expect(nextDelay(270_000, schedule, noJitter, expected)).toBe(10_800);
  });

  it("lets the pause of a long run grow past the usual cap, in proportion to it", () => {
    const hours8 = 8 * 3_600_000;
    expect(nextDelay(3_600_000, schedule, noJitter, hours8)).toBe(hours8 / 16);
    expect(nextDelay(0.95 * hours8, schedule, noJitter, hours8)).toBe(Math.round(0.04 * 0.95 * hours8));
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

  describe("with the duration a previous run took", () => {
    /** Waits for a run of `durationMs` expected to take `expectedMs`; the polls and how late the end was seen. */
    async function waitFor(durationMs: number, expectedMs: number, random: () => number) {
      const clock = new FakeClock();
      const run = runEndingAt(clock, durationMs);
      await waitUntil("running", run.poll, (v) => v === "done", {
        clock,
        deadline: clock.now() + 10 * durationMs,
        random,
        expectedMs,
      });
      return { polls: run.polls(), lag: clock.now() - run.end };
    }

    /** Seeded jitter, so that every draw of it is tried the same way on each run. */
    const seeded = (seed: number) => () => (seed = (seed * 16807) % 2147483647) / 2147483647;

    it.each([
      ["5 minutes", 15, 5 * 60_000],
      ["30 minutes", 30, 30 * 60_000],
      ["8 hours", 50, 8 * 3_600_000],
    ])("a run of %s costs at most %i Gets and is noticed within 5%% of it", async (_what, budget, duration) => {
      for (let seed = 1; seed <= 50; seed++) {
        const { polls, lag } = await waitFor(duration, duration, seeded(seed));
        expect(polls).toBeLessThanOrEqual(budget);
        expect(lag).toBeLessThanOrEqual(0.05 * duration);
      }
    });

    it("costs far fewer Gets than polling without the prediction", async () => {
      const clock = new FakeClock();
      const run = runEndingAt(clock, 5 * 60_000);
      await waitUntil("running", run.poll, (v) => v === "done", {
        clock,
        deadline: clock.now() + 3_600_000,
        random: noJitter,
      });
      const predicted = await waitFor(5 * 60_000, 5 * 60_000, noJitter);
      expect(run.polls()).toBeGreaterThan(3 * predicted.polls);
    });

    it("still notices a run that ends long before it was expected to, within its elapsed time", async () => {
      const { lag } = await waitFor(60_000, 8 * 3_600_000, noJitter);
      expect(lag).toBeLessThanOrEqual(2 * 60_000);
    });

    it("notices a run that takes longer than expected within 5% of its duration", async () => {
      const { lag } = await waitFor(2 * 3_600_000, 3_600_000, Math.random);
      expect(lag).toBeLessThanOrEqual(0.05 * 2 * 3_600_000);
    });

    it("counts from the run's start when it began before the wait", async () => {
      const clock = new FakeClock();
      await waitUntil(
        "running",
        async () => "done",
        (v) => v === "done",
        {
          clock,
          deadline: clock.now() + 3_600_000,
          random: noJitter,
          origin: clock.now() - 30 * 60_000,
          expectedMs: 60 * 60_000,
        },
      );
      // Thirty minutes into an hour-long run the pause is already capped at 1/16 of the hour.
      expect(clock.sleeps).toEqual([225_000]);
    });
  });

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

import { AdaptivePacer } from "../../src/aws/pacing";
import { FakeClock } from "../support/fake-clock";

/** Sends `count` calls through the pacer one after another, returning when each was let go. */
async function sendTimes(pacer: AdaptivePacer, clock: FakeClock, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await pacer.acquire();
    times.push(clock.now());
  }
  return times;
}

describe("AdaptivePacer", () => {
  it("lets every call through at once while AWS has not throttled", async () => {
    const clock = new FakeClock();
    const pacer = new AdaptivePacer(clock);
    await sendTimes(pacer, clock, 100);
    expect(clock.sleeps).toEqual([]);
    expect(pacer.callsPerSecond).toBe(0);
  });

  it("starts pacing at 90% of the success rate of the last second when first throttled", () => {
    const clock = new FakeClock();
    const pacer = new AdaptivePacer(clock);
    for (let i = 0; i < 20; i++) {
      clock.time += 40;
      pacer.succeeded();
    }
    pacer.throttled();
    // Of the 20 successes, 40 ms apart, those of the last second count: 20 (0.8 s).
    expect(pacer.callsPerSecond).toBeCloseTo(18);
  });

  it("spaces calls at the rate once pacing", async () => {
    const clock = new FakeClock();
    const pacer = new AdaptivePacer(clock);
    for (let i = 0; i < 10; i++) pacer.succeeded();
    pacer.throttled();
    const times = await sendTimes(pacer, clock, 10);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps.every((g) => Math.abs(g - 1000 / 9) < 1)).toBe(true);
  });

  it("cuts the rate once per congestion event, not once per throttled call", () => {
    const clock = new FakeClock();
    const pacer = new AdaptivePacer(clock);
    for (let i = 0; i < 10; i++) pacer.succeeded();
    pacer.throttled();
    pacer.succeeded();
    const before = pacer.callsPerSecond;
    clock.time += 1_500;
    for (let i = 0; i < 50; i++) pacer.throttled();
    expect(pacer.callsPerSecond).toBeCloseTo(before * 0.8);
  });

  it("grows by half per second's worth of successes in slow start, then by one call per second", () => {
    const clock = new FakeClock();
    const pacer = new AdaptivePacer(clock);
    for (let i = 0; i < 4; i++) pacer.succeeded();
    pacer.throttled();
    expect(pacer.callsPerSecond).toBeCloseTo(3.6);
    for (let i = 0; i < 4; i++) pacer.succeeded();
    expect(pacer.callsPerSecond).toBeCloseTo(5.6);
    clock.time += 2_000;
    pacer.throttled();
    const cut = pacer.callsPerSecond;
    for (let i = 0; i < Math.round(cut); i++) pacer.succeeded();
    expect(pacer.callsPerSecond).toBeCloseTo(cut + 1, 0);
  });

  it("lets waiters go in the order they came", async () => {
    const clock = new FakeClock();
    const pacer = new AdaptivePacer(clock);
    pacer.succeeded();
    pacer.throttled();
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => pacer.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

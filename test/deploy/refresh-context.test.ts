import { createRefreshContext, interrupted, say, within } from "../../src/deploy/refresh-context";
import { FakeClock } from "../support/fake-clock";
import { settings } from "../support/fixtures";

describe("createRefreshContext", () => {
  it("takes what it is given and names a refresh by its kind", () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const ctx = createRefreshContext({ clock, print: (l) => lines.push(l), random: () => 0.5, kind: "Thing" });
    expect(ctx).toMatchObject({ clock, random: expect.any(Function), kind: "Thing" });
    expect(interrupted(ctx, settings()).message).toBe(
      'Thing "daily" (sales.daily_mv): interrupted (the provider host was told to stop) before a refresh was started',
    );
  });

  it("defaults to a MaterializedViewRefresh on the system clock with the default schedule", () => {
    const ctx = createRefreshContext();
    expect(ctx.kind).toBe("MaterializedViewRefresh");
    expect(Math.abs(ctx.clock.now() - Date.now())).toBeLessThan(1_000);
    expect(ctx.schedule.minDelayMs).toBe(2_000);
  });
});

describe("within", () => {
  it("bounds an operation by the resource's timeout from now, on the context's clock", () => {
    const clock = new FakeClock();
    const ctx = createRefreshContext({ clock });
    const signal = new AbortController().signal;
    expect(within(ctx, 5, signal)).toEqual({ deadline: clock.now() + 5 * 60_000, clock, random: ctx.random, signal });
  });
});

describe("say", () => {
  it("prints a line naming the resource and the view, unless the resource is quiet", () => {
    const lines: string[] = [];
    const ctx = { print: (l: string) => lines.push(l) };
    say(ctx, settings(), "started refresh run r-1");
    say(ctx, settings({ quiet: true }), "never shown");
    expect(lines).toEqual(["daily (sales.daily_mv): started refresh run r-1"]);
  });
});

/**
 * Client-side pacing: once AWS throttles, every call of this process to the same endpoint waits
 * its turn at an adaptive rate, so a provider host refreshing many views slows down as one client
 * instead of each resource retrying on its own. The first estimate is the recent success rate;
 * then it grows by half every second until the next throttle (slow start, so that a low first
 * estimate costs little), then by one call per second (additive increase); each throttle cuts it
 * to 80% (multiplicative decrease), once per congestion event.
 *
 * Why not the SDK's adaptive limiter: its first rate estimate is the measured send rate, which is
 * zero until half a second has passed, so a burst of concurrent calls that meets throttling at once
 * collapses it to the floor and it takes seconds to recover (measured by `npm run bench`).
 */
import { systemClock, type Clock } from "../model/wait";

/** Throttles within this long of the last decrease belong to the same congestion event. */
const EVENT_MS = 1_000;
/** How much of the recent success rate the first estimate keeps, and each later decrease keeps. */
const FIRST_ESTIMATE = 0.9;
const DECREASE = 0.8;
const MIN_RATE = 0.5;

export class AdaptivePacer {
  /** Calls per second allowed; 0 while AWS has not throttled, and nothing waits. */
  private rate = 0;
  private tokens = 0;
  private refilledAt = 0;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  /** Between the first throttle and the next one, the rate grows fast. */
  private slowStart = false;
  /** When recent calls succeeded, for the first estimate. */
  private recent: number[] = [];
  /** Waiters take their turns in order. */
  private turns: Promise<void> = Promise.resolve();

  constructor(private readonly clock: Clock = systemClock) {}

  /** The current rate, in calls per second (0: not pacing). */
  get callsPerSecond(): number {
    return this.rate;
  }

  /** Resolves when this call may be sent. */
  acquire(): Promise<void> {
    if (this.rate === 0) return Promise.resolve();
    const turn = this.turns.then(() => this.take());
    this.turns = turn;
    return turn;
  }

  succeeded(): void {
    const now = this.clock.now();
    if (this.rate === 0) {
      this.recent = this.recent.filter((t) => now - t < EVENT_MS);
      this.recent.push(now);
    } else {
      // At full use, half again per second in slow start, else one more call per second each second.
      this.rate += this.slowStart ? 0.5 : 1 / this.rate;
    }
  }

  throttled(): void {
    const now = this.clock.now();
    if (now - this.lastDecrease < EVENT_MS) return;
    this.lastDecrease = now;
    if (this.rate === 0) {
      const recent = this.recent.filter((t) => now - t < EVENT_MS).length;
      this.rate = Math.max(MIN_RATE, recent * FIRST_ESTIMATE);
      this.slowStart = true;
      this.tokens = 0;
      this.refilledAt = now;
    } else {
      this.rate = Math.max(MIN_RATE, this.rate * DECREASE);
      this.slowStart = false;
    }
  }

  private async take(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await this.clock.sleep(((1 - this.tokens) / this.rate) * 1000);
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(Math.max(1, this.rate), this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
  }
}

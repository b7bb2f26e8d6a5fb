/**
 * Emulated time: real time since the emulator started, scaled, plus any explicit jumps.
 * Runs are evaluated against it lazily, so no timers are needed and time can run fast.
 */

export class EmulatedClock {
  /** The real epoch ms at which emulated time equals real time (before any jump). */
  readonly realOrigin: number;
  private readonly emulatedOrigin: number;
  private jumpedMs = 0;
  private last = 0;

  constructor(
    private readonly scale: number,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new RangeError(`clockScale must be a positive number; got ${scale}`);
    this.realOrigin = realNow();
    this.emulatedOrigin = this.realOrigin;
  }

  /** Emulated epoch milliseconds; never goes backwards, even if the system clock does. */
  now(): number {
    const computed = Math.floor(this.emulatedOrigin + this.jumpedMs + (this.realNow() - this.realOrigin) * this.scale);
    this.last = Math.max(this.last, computed);
    return this.last;
  }

  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError(`advanceTime needs a non-negative number of milliseconds; got ${ms}`);
    this.jumpedMs += ms;
  }
}

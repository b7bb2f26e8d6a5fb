/**
 * Emulated time: real time since the emulator started, scaled, plus any explicit jumps, on a clock
 * that may stand apart from this machine's by a fixed offset (a host whose clock is off). Runs are
 * evaluated against it lazily, so no timers are needed and time can run fast.
 */

export class EmulatedClock {
  /** The real epoch ms at which emulated time equals real time plus the offset (before any jump). */
  readonly realOrigin: number;
  private readonly emulatedOrigin: number;
  private jumpedMs = 0;
  private last = 0;

  constructor(
    private readonly scale: number,
    private readonly realNow: () => number = Date.now,
    /** How far the emulated AWS clock is from this machine's: -30_000 is 30 s behind it. */
    readonly offsetMs = 0,
  ) {
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new RangeError(`clockScale must be a positive number; got ${scale}`);
    if (!Number.isFinite(offsetMs)) throw new RangeError(`clockOffsetMs must be a number; got ${offsetMs}`);
    this.realOrigin = realNow();
    this.emulatedOrigin = this.realOrigin + offsetMs;
  }

  /** Emulated epoch milliseconds; never goes backwards, even if the system clock does. */
  now(): number {
    const computed = Math.floor(this.emulatedOrigin + this.jumpedMs + (this.realNow() - this.realOrigin) * this.scale);
    this.last = Math.max(this.last, computed);
    return this.last;
  }

  /**
   * The service's wall clock, which its Date header shows and signatures are checked against: real
   * time plus the offset. Emulated time runs on from the same offset, only faster (clockScale) and
   * moved by advanceTime; the wall clock keeps real time, as the AWS SDK that signs requests does.
   */
  wallNow(): number {
    return this.realNow() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError(`advanceTime needs a non-negative number of milliseconds; got ${ms}`);
    this.jumpedMs += ms;
  }
}

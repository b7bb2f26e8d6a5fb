/**
 * Fault decisions. Every random choice comes from one seeded generator, so the same sequence of
 * requests meets the same faults on every run of a test.
 */
import type { CommonErrorKind } from "./errors";
import type { Faults } from "./types";

/** A small, fast, seeded generator of numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The errors a fault can answer with. */
export type FaultError =
  Extract<CommonErrorKind, "throttling" | "internalError" | "serviceUnavailable"> | "operationTimeout";

/** What a fault decided before the request was processed. */
export type FaultBeforeProcessing =
  | { readonly kind: "drop"; readonly fault: "dropRatio" }
  | { readonly kind: "error"; readonly error: FaultError; readonly fault: keyof Faults };

/** What a fault decided after the request was processed. */
export type FaultAfterProcessing = "dropAfterProcessingRatio" | "serverErrorAfterProcessingRatio";

const RATIOS = [
  "throttleRatio",
  "serverErrorRatio",
  "serverErrorAfterProcessingRatio",
  "dropRatio",
  "dropAfterProcessingRatio",
  "operationTimeoutRatio",
] as const;

/** Throws a RangeError naming the first fault setting out of its range. */
export function checkFaults(faults: Faults): void {
  for (const name of RATIOS) {
    const ratio = faults[name];
    if (ratio !== undefined && !(ratio >= 0 && ratio <= 1))
      throw new RangeError(`faults.${name} must be between 0 and 1; got ${ratio}`);
  }
  for (const name of [
    "requestsPerSecond",
    "latencyMs",
    "maxConcurrentRuns",
    "maxFaults",
    "consistencyLagMs",
  ] as const) {
    const value = faults[name];
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) {
      throw new RangeError(`faults.${name} must be a non-negative number; got ${value}`);
    }
  }
}

export class FaultInjector {
  private faults: Faults = {};
  private readonly random: () => number;
  private tokens = 0;
  private refilledAt = 0;
  private injected = 0;

  constructor(
    faults: Faults,
    seed: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.random = seededRandom(seed);
    this.set(faults);
  }

  get current(): Faults {
    return this.faults;
  }

  /** Replaces the faults; the rate limit starts again with a full bucket, and maxFaults counts afresh. */
  set(faults: Faults): void {
    checkFaults(faults);
    this.faults = { ...faults };
    this.tokens = faults.requestsPerSecond ?? 0;
    this.refilledAt = this.realNow();
    this.injected = 0;
  }

  latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  consistencyLagMs(): number {
    return this.faults.consistencyLagMs ?? 0;
  }

  /**
   * Decides whether a fault answers this request instead of the operation. The rate limit counts
   * every request; the ratio faults apply to `faults.operations` only.
   */
  beforeProcessing(operation: string, options: { readonly canTimeOut: boolean }): FaultBeforeProcessing | undefined {
    if (!this.takeToken()) return { kind: "error", error: "throttling", fault: "requestsPerSecond" };
    if (!this.appliesTo(operation)) return undefined;
    if (this.chance("dropRatio")) return { kind: "drop", fault: "dropRatio" };
    if (this.chance("serverErrorRatio")) {
      return {
        kind: "error",
        error: this.random() < 0.5 ? "internalError" : "serviceUnavailable",
        fault: "serverErrorRatio",
      };
    }
    if (this.chance("throttleRatio")) return { kind: "error", error: "throttling", fault: "throttleRatio" };
    if (options.canTimeOut && this.chance("operationTimeoutRatio")) {
      return { kind: "error", error: "operationTimeout", fault: "operationTimeoutRatio" };
    }
    return undefined;
  }

  /** Decides whether a processed request loses its answer. */
  afterProcessing(operation: string): FaultAfterProcessing | undefined {
    if (!this.appliesTo(operation)) return undefined;
    if (this.chance("dropAfterProcessingRatio")) return "dropAfterProcessingRatio";
    if (this.chance("serverErrorAfterProcessingRatio")) return "serverErrorAfterProcessingRatio";
    return undefined;
  }

  private appliesTo(operation: string): boolean {
    return this.faults.operations === undefined || this.faults.operations.includes(operation);
  }

  /** Draws only for faults that are set: with no ratio faults, the generator is never touched. */
  private chance(name: (typeof RATIOS)[number]): boolean {
    const ratio = this.faults[name] ?? 0;
    if (!(ratio > 0) || this.injected >= (this.faults.maxFaults ?? Infinity) || this.random() >= ratio) return false;
    this.injected++;
    return true;
  }

  private takeToken(): boolean {
    const rate = this.faults.requestsPerSecond;
    if (rate === undefined) return true;
    const now = this.realNow();
    // A bucket of one second's worth of requests, refilled continuously.
    this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

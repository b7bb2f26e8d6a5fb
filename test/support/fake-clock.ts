import type { Clock } from "../../src/model/wait";

/** A clock whose sleeps advance time at once, recording each pause. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  /** Called after each sleep, to make something happen at a point in fake time. */
  onSleep?: () => void;
  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.sleeps.push(ms);
    this.time += ms;
    this.onSleep?.();
  }
}

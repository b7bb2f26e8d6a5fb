/**
 * Progress wording and pacing: the provider host shows its stdout to the user, so lines must be
 * few (one a minute at most while waiting) and each must say what is happening.
 */
import type { Clock } from "./wait";

/** "45s", "3m 05s", "2h 07m". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** Says when the next progress line is due: at most one per interval, the first one interval in. */
export class ProgressReporter {
  private last: number;
  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {
    this.last = clock.now();
  }

  due(): boolean {
    const now = this.clock.now();
    if (now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}

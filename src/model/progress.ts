/**
 * Wording and pacing of what the user reads: how a refresh is named, durations and sizes. The
 * provider host shows its stdout to the user, so lines must be few (one a minute at most while
 * waiting) and each must say what is happening.
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

/** "812 B", "1.5 KB", "3.2 GB": decimal units, as AWS bills them. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
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

/** What names a refresh in messages: its resource and view. */
export type Named = Readonly<Record<"resourceName" | "databaseName" | "tableName", string>>;

/** How an error names a refresh: its kind, resource name and view. */
export function subject(kind: string, s: Named): string {
  return `${kind} "${s.resourceName}" (${s.databaseName}.${s.tableName})`;
}

/**
 * After a Start whose outcome is unknown (its answer lost): when a listing of the view's runs can be
 * trusted to show the run that Start may have begun. Until then no second Start may be sent: a run
 * that already ended is not refused by MaterializedViewRefreshTaskRunningException, so a List that
 * still lags behind the write is all that stands between a lost answer and a second refresh.
 */

/**
 * The longest Glue's reads are taken to lag behind its writes when deciding whether a lost Start
 * took effect: the bound the emulator's fault suite draws its lag under (0 to 10 s). Beyond it, a
 * run that has already ended by the time of that listing can be started a second time.
 */
export const READ_LAG_MS = 10_000;

/** How often the view's runs are listed while waiting for the run a lost Start may have begun. */
export const RELIST_MS = 1_000;

/** The Start attempts of one resource whose outcome is unknown. */
export interface UncertainStart {
  /** When the first of them was sent (our clock): a run started since then may be ours. */
  readonly sentAt: number;
  /**
   * When a listing (sent then or later, our clock) shows every run they began: READ_LAG_MS after
   * the last of them failed, the latest the service can have acted on it. Elapsed time is the same
   * on the service's clock as on ours; only start times need moving onto its clock.
   */
  readonly settledAt: number;
}

/** The uncertainty after one more attempt, sent at `sentAt`, failed at `failedAt` with an unknown outcome. */
export function addUncertainAttempt(
  prior: UncertainStart | undefined,
  sentAt: number,
  failedAt: number,
): UncertainStart {
  return {
    sentAt: Math.min(prior?.sentAt ?? sentAt, sentAt),
    settledAt: Math.max(prior?.settledAt ?? -Infinity, failedAt + READ_LAG_MS),
  };
}

/** Whether a listing sent at `listedAt` that shows no run of ours proves no run was started. */
export const settles = (uncertain: UncertainStart, listedAt: number): boolean => listedAt >= uncertain.settledAt;

/** How long to wait, from `now`, before listing again; never past the moment the listing settles. */
export const relistDelay = (uncertain: UncertainStart, now: number): number =>
  Math.max(0, Math.min(RELIST_MS, uncertain.settledAt - now));

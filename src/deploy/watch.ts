/**
 * Watching many runs at once, as a group does, at a cost that follows what changes rather than
 * how many runs there are: a poll round reads the runs of one database with one List (paged) when
 * that takes fewer calls than a Get for each run that is due. Each run keeps its own schedule
 * (`nextDelay`, as a single wait polls), deadline and outcome (`WaitOutcome`, as `waitUntil` ends).
 * Time is injected, so tests run instantly.
 */
import { VISIBILITY_WINDOW_MS } from "../aws/glue";
import { formatDuration } from "../model/progress";
import { isActive, type RefreshRun } from "../model/run";
import { nextDelay, type Clock, type PollSchedule, type WaitOutcome } from "../model/wait";

/** Glue has not shown a run for longer than its reads may lag behind its writes: it has lost it. */
export class UnknownRunError extends Error {}

/**
 * A run's last sighting. Glue's reads may not show a run yet (they lag behind writes): until it has
 * not shown the run for VISIBILITY_WINDOW_MS, the run keeps its last known record.
 */
export class Sighting {
  private seenAt: number;

  constructor(
    private readonly clock: Clock,
    private last: RefreshRun,
    /** What messages call the run, e.g. "refresh run". */
    private readonly label: string,
  ) {
    this.seenAt = clock.now();
  }

  /** The run as just read, or as last seen when the read did not show it; `how` says what read. */
  see(run: RefreshRun | undefined, how: string): RefreshRun {
    if (run) {
      this.seenAt = this.clock.now();
      return (this.last = run);
    }
    const unseenFor = this.clock.now() - this.seenAt;
    if (unseenFor < VISIBILITY_WINDOW_MS) return this.last;
    throw new UnknownRunError(
      `Glue does not know ${this.label} ${this.last.runId}: ${how} for ${formatDuration(unseenFor)}`,
    );
  }
}

/** A run being watched. */
export interface Watched {
  /** The run's scope for a List: runs that share it are listed together (a database, as whom, where). */
  readonly scope: string;
  /** The run as last seen. */
  readonly run: RefreshRun;
  /** When the run started (epoch ms): the schedule counts elapsed time from here. */
  readonly origin: number;
  /** Epoch ms after which the run is no longer polled, and its wait times out. */
  readonly deadline: number;
}

/** How the watcher reads runs. */
export interface WatchReads {
  /** One run; undefined when Glue does not know it (yet). */
  get(watched: Watched): Promise<RefreshRun | undefined>;
  /** The runs of one scope that Glue lists among `watched`, by run id, and the pages that took. */
  list(scope: string, watched: readonly Watched[]): Promise<{ runs: Map<string, RefreshRun>; pages: number }>;
}

export interface WatcherOptions {
  readonly clock: Clock;
  readonly schedule: PollSchedule;
  readonly random: () => number;
  readonly reads: WatchReads;
  /** Ends every wait early, as `aborted`. */
  readonly signal?: AbortSignal;
  /** Called after each poll round with every run still watched. */
  readonly onRound?: (watched: readonly Watched[]) => void;
}

interface Entry {
  watched: Watched;
  sighting: Sighting;
  nextAt: number;
  settle: (outcome: WaitOutcome<RefreshRun>) => void;
  fail: (error: unknown) => void;
}

export class RunWatcher {
  private readonly entries = new Set<Entry>();
  /** Pages the last List of each scope took: what listing it again is expected to cost. */
  private readonly pages = new Map<string, number>();
  private loop?: Promise<void>;
  private wake?: AbortController;

  constructor(private readonly options: WatcherOptions) {}

  /** Waits for a run to end, time out or be interrupted; rejects when reading it fails for good. */
  watch(watched: Watched): Promise<WaitOutcome<RefreshRun>> {
    return new Promise((settle, fail) => {
      const { clock, schedule, random } = this.options;
      const now = clock.now();
      const nextAt = Math.min(watched.deadline, now + nextDelay(now - watched.origin, schedule, random));
      const sighting = new Sighting(clock, watched.run, "refresh run");
      this.entries.add({ watched, sighting, nextAt, settle, fail });
      this.wake?.abort();
      this.loop ??= this.run().finally(() => (this.loop = undefined));
    });
  }

  private async run(): Promise<void> {
    const { clock, signal } = this.options;
    while (this.entries.size > 0) {
      if (signal?.aborted) {
        for (const entry of this.entries) this.end(entry, "aborted");
        return;
      }
      const now = clock.now();
      const due = [...this.entries].filter((e) => e.nextAt <= now);
      if (due.length === 0) {
        const until = Math.min(...[...this.entries].map((e) => e.nextAt));
        this.wake = new AbortController();
        await clock.sleep(until - now, signal ? AbortSignal.any([signal, this.wake.signal]) : this.wake.signal);
        continue;
      }
      await this.round(due);
      this.options.onRound?.([...this.entries].map((e) => e.watched));
    }
  }

  /** Polls the due runs: per scope, one List or a Get each, whichever takes fewer calls. */
  private async round(due: readonly Entry[]): Promise<void> {
    const scopes = new Map<string, Entry[]>();
    for (const entry of due) scopes.set(entry.watched.scope, [...(scopes.get(entry.watched.scope) ?? []), entry]);
    await Promise.all(
      [...scopes].map(async ([scope, dueHere]) => {
        if ((this.pages.get(scope) ?? 1) < dueHere.length) {
          // A List reads every run of the scope, so every one watched there is brought up to date.
          const inScope = [...this.entries].filter((e) => e.watched.scope === scope);
          try {
            const listed = await this.options.reads.list(
              scope,
              inScope.map((e) => e.watched),
            );
            this.pages.set(scope, listed.pages);
            for (const entry of inScope) {
              this.seen(
                entry,
                listed.runs.get(entry.watched.run.runId),
                "ListMaterializedViewRefreshTaskRuns did not list it",
              );
            }
          } catch (error) {
            for (const entry of inScope) this.failed(entry, error);
          }
        } else {
          await Promise.all(
            dueHere.map(async (entry) => {
              try {
                const run = await this.options.reads.get(entry.watched);
                this.seen(entry, run, "GetMaterializedViewRefreshTaskRun answered EntityNotFoundException");
              } catch (error) {
                this.failed(entry, error);
              }
            }),
          );
        }
      }),
    );
  }

  /** Takes a fresh record of a run (none: not visible yet), and ends or reschedules its wait. */
  private seen(entry: Entry, run: RefreshRun | undefined, unseen: string): void {
    if (!this.entries.has(entry)) return;
    const { clock, schedule, random } = this.options;
    try {
      entry.watched = { ...entry.watched, run: entry.sighting.see(run, unseen) };
    } catch (error) {
      return this.failed(entry, error);
    }
    if (!isActive(entry.watched.run.status)) return this.end(entry, "done");
    const now = clock.now();
    if (now >= entry.watched.deadline) return this.end(entry, "timeout");
    entry.nextAt = Math.min(entry.watched.deadline, now + nextDelay(now - entry.watched.origin, schedule, random));
  }

  private end(entry: Entry, state: WaitOutcome<RefreshRun>["state"]): void {
    this.entries.delete(entry);
    entry.settle({ state, value: entry.watched.run });
  }

  private failed(entry: Entry, error: unknown): void {
    this.entries.delete(entry);
    entry.fail(error);
  }
}

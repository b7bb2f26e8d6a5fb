/**
 * Watching many runs at once, as a group does, at a cost that follows what changes rather than
 * how many runs there are: a poll round reads the runs of one database with one List (paged) when
 * that takes fewer calls than a Get for each run that is due. Each run keeps its own schedule
 * (`nextDelay`, as a single wait polls), deadline and outcome (`WaitOutcome`, as `waitUntil` ends).
 * Time is injected, so tests run instantly.
 */
import { isActive, type RefreshRun } from "./glue";
import { nextDelay, type Clock, type PollSchedule, type WaitOutcome } from "./wait";

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
      this.entries.add({ watched, nextAt, settle, fail });
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
            for (const entry of inScope) this.seen(entry, listed.runs.get(entry.watched.run.runId));
          } catch (error) {
            for (const entry of inScope) this.failed(entry, error);
          }
        } else {
          await Promise.all(
            dueHere.map(async (entry) => {
              try {
                this.seen(entry, await this.options.reads.get(entry.watched));
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
  private seen(entry: Entry, run: RefreshRun | undefined): void {
    if (!this.entries.has(entry)) return;
    const { clock, schedule, random } = this.options;
    if (run) entry.watched = { ...entry.watched, run };
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

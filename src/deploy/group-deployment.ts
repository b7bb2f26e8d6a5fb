/**
 * One deployment of a MaterializedViewRefreshGroup: each member's part (start, pick up, or keep its
 * run) by the rules of a MaterializedViewRefresh, with at most `maxConcurrent` of the group's runs
 * in flight (slots.ts), and every run followed by one watcher (watch.ts), so that waiting costs
 * requests in proportion to databases, not members.
 */
import { planChange, type ChangePlan } from "../model/diff";
import { getRun, listDatabaseRuns, serviceClockOffset, targetKey, viewOf, type AwsTarget } from "../aws/glue";
import { memberSettings, type GroupInputs } from "../model/group-inputs";
import { progressLine, type GroupState, type MemberResult } from "./group-report";
import { subject, ProgressReporter } from "../model/progress";
import { pickUp } from "./recorded-run";
import { say, within, type RefreshContext } from "./refresh-context";
import type { RetryContext } from "../aws/retry";
import type { RefreshRun } from "../model/run";
import { Slots } from "./slots";
import { begin } from "./starting";
import { buildState, pickRunFields, runFields, type RefreshState, type ResolvedSettings } from "../model/state";
import { verdict } from "./verdict";
import { RunWatcher, type Watched, type WatchReads } from "./watch";

/** A member in this deployment: its settings, where it calls AWS, and what it recorded last. */
export interface Member {
  readonly key: string;
  readonly settings: ResolvedSettings;
  readonly target: AwsTarget;
  readonly old?: RefreshState;
}

/** Every member of the group, its settings resolved, beside what the group recorded for it last. */
export function resolveMembers(
  ctx: RefreshContext,
  group: GroupInputs,
  olds: GroupState | undefined,
): Promise<Member[]> {
  return Promise.all(
    Object.keys(group.views).map(async (key) => {
      const partial = memberSettings(group, key);
      const { settings, target } = await ctx.targets.resolve(partial, within(ctx, partial.timeoutMinutes));
      return { key, settings, target, old: olds?.runs[key] };
    }),
  );
}

/** What the deployment must do for a member: as for a MaterializedViewRefresh, or create a new one. */
export const planOf = (m: Member): ChangePlan | { readonly kind: "create" } =>
  m.old ? planChange(m.old, m.settings) : { kind: "create" };

/** An error's message for a member's line, which names the member already. */
function withoutSubject(ctx: RefreshContext, s: ResolvedSettings, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = `${subject(ctx.kind, s)}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

const MINUTE = 60_000;

/** A member's run being followed: the member, and the budget its reads are retried within. */
interface Following {
  readonly member: Member;
  readonly budget: RetryContext;
}

export class GroupDeployment {
  private readonly slots: Slots;
  /** Ends the watcher's waits when the group stops waiting (waitForCompletion false: once every member started). */
  private readonly stopWatching = new AbortController();
  private readonly following = new Map<string, Following>();
  /** Each member's status for the progress line, by key. */
  private readonly statuses: Map<string, string>;
  private readonly watcher: RunWatcher;

  constructor(
    private readonly ctx: RefreshContext,
    /** The group's name in its progress line. */
    private readonly name: string,
    private readonly members: readonly Member[],
    maxConcurrent: number | undefined,
    /** Ends waits and retries when the provider host is told to stop. */
    private readonly signal: AbortSignal,
  ) {
    this.slots = new Slots(maxConcurrent ?? 0);
    this.statuses = new Map(members.map((m) => [m.key, "waiting"]));
    const progress = new ProgressReporter(ctx.clock, MINUTE);
    const quiet = members.every((m) => m.settings.quiet);
    this.watcher = new RunWatcher({
      clock: ctx.clock,
      schedule: ctx.schedule,
      random: ctx.random,
      signal: AbortSignal.any([signal, this.stopWatching.signal]),
      reads: this.reads(),
      onRound: (watched) => {
        for (const w of watched) this.statuses.set(this.followed(w).member.key, w.run.status);
        if (!quiet && progress.due()) ctx.print(this.progress(watched));
      },
    });
  }

  /** Runs every member's part; a member's failure is its result, never the others'. */
  async run(): Promise<MemberResult[]> {
    const results = await Promise.all(
      this.members.map((m) =>
        this.part(m).catch((error: unknown): MemberResult => ({
          state: m.old,
          failed: withoutSubject(this.ctx, m.settings, error),
        })),
      ),
    );
    this.stopWatching.abort();
    return results;
  }

  private followed(w: Watched): Following {
    return this.following.get(w.run.runId)!;
  }

  /** How the watcher reads the members' runs: each as its member calls AWS. */
  private reads(): WatchReads {
    return {
      get: (w) => {
        const { member, budget } = this.followed(w);
        return getRun(member.target, viewOf(member.settings), w.run.runId, budget);
      },
      list: (_scope, watched) => {
        const followed = watched.map((w) => this.followed(w));
        const [{ member }] = followed;
        // One listing for runs of different deadlines: retried until the latest of them.
        const budget = followed.reduce((a, b) => (b.budget.deadline > a.budget.deadline ? b : a)).budget;
        const wanted = new Set(watched.map((w) => w.run.runId));
        const { catalogId, databaseName } = member.settings;
        return listDatabaseRuns(member.target, { catalogId, databaseName }, wanted, budget);
      },
    };
  }

  private progress(watched: readonly Watched[]): string {
    const oldest = watched.reduce<Watched | undefined>((a, b) => (!a || b.origin < a.origin ? b : a), undefined);
    const slowest = oldest && {
      member: this.followed(oldest).member,
      run: oldest.run,
      elapsedMs: this.ctx.clock.now() - oldest.origin,
    };
    return progressLine(this.name, this.members, this.statuses, slowest);
  }

  /** A member's part of the deployment, by its plan. */
  private async part(member: Member): Promise<MemberResult> {
    const { settings, target, old } = member;
    const plan = planOf(member);
    switch (plan.kind) {
      case "none":
      case "settings":
        return { state: buildState(settings, pickRunFields(old!)) };
      case "create":
        return this.start(member);
      case "replace":
        say(this.ctx, settings, `starting a refresh of its new view: ${plan.properties.join(", ")} changed`);
        return this.start(member);
      case "refresh":
        say(this.ctx, settings, `starting a new refresh: ${plan.reason}`);
        return this.start(member);
      case "resume": {
        const next = await pickUp(this.ctx, settings, target, old!, this.budget(settings));
        if (next.kind === "ended") return { state: next.state };
        if (next.kind === "restart") {
          say(this.ctx, settings, `starting a new refresh: ${next.reason}`);
          return this.start(member);
        }
        const release = await this.slots.acquire();
        return this.follow(member, next.run, this.budget(settings), this.ctx.clock.now()).finally(release);
      }
    }
  }

  private budget(settings: ResolvedSettings): RetryContext {
    return within(this.ctx, settings.timeoutMinutes, this.signal);
  }

  /** Starts a member's run once a slot is free, then follows it (or, not waiting, leaves it). */
  private async start(member: Member): Promise<MemberResult> {
    const { settings, target, old } = member;
    const release = await this.slots.acquire();
    const budget = this.budget(settings);
    let begun;
    try {
      begun = await begin(this.ctx, settings, target, budget);
    } catch (error) {
      release();
      this.statuses.set(member.key, "failed");
      return { state: old, failed: withoutSubject(this.ctx, settings, error) };
    }
    const { run, began } = begun;
    if (!settings.waitForCompletion) {
      // Not waiting for the run, but it holds its slot until it ends, so that later members keep
      // to maxConcurrent.
      void this.watch(member, run, budget, began).finally(release);
      return { state: buildState(settings, runFields(run, new Date(began))) };
    }
    return this.follow(member, run, budget, began).finally(release);
  }

  /** Follows a member's run to its end and judges it, as a MaterializedViewRefresh judges its own. */
  private async follow(member: Member, run: RefreshRun, budget: RetryContext, began: number): Promise<MemberResult> {
    const judged = verdict(this.ctx, member.settings, run, await this.watch(member, run, budget, began), began);
    this.statuses.set(member.key, judged.ok ? "SUCCEEDED" : "failed");
    return judged.ok ? { state: judged.state } : { state: judged.state, failed: judged.why };
  }

  /** Watches a member's run, with the group's other runs, until it ends (or the wait does). */
  private watch(member: Member, run: RefreshRun, budget: RetryContext, began: number) {
    this.following.set(run.runId, { member, budget });
    this.statuses.set(member.key, run.status);
    const { settings, target } = member;
    // Glue's start time is on its clock; the watcher's schedule runs on ours.
    const startedAt = run.startTime && run.startTime.getTime() - serviceClockOffset(target, this.ctx.clock);
    return this.watcher
      .watch({
        scope: JSON.stringify([targetKey(target), settings.catalogId, settings.databaseName]),
        run,
        origin: Math.min(startedAt ?? began, began),
        deadline: budget.deadline,
      })
      .catch((error: unknown) => ({ error }));
  }
}

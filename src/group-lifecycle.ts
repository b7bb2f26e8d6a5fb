/**
 * The MaterializedViewRefreshGroup provider at deploy time. Each member refreshes by the rules of a
 * MaterializedViewRefresh (refresher.ts: start, ifRunning, verdict, picking up), with at most
 * `maxConcurrent` of the group's runs in flight, and the group's runs are watched together
 * (watch.ts), so that waiting costs requests in proportion to databases, not members.
 */
import type * as pulumi from "@pulumi/pulumi";
import { planChange, type ChangePlan } from "./diff";
import { RefreshFailedError } from "./errors";
import { getRun, listDatabaseRuns, targetKey, type AwsTarget } from "./glue";
import type { RefreshRun } from "./run";
import { memberSettings, validateGroupInputs, type GroupInputs } from "./group-inputs";
import { DEFAULTS } from "./inputs";
import { keepingProvider, type LifecycleOptions } from "./lifecycle";
import { formatDuration, ProgressReporter } from "./progress";
import { createRefresher, type Verdict } from "./refresher";
import type { RetryContext } from "./retry";
import { Slots } from "./slots";
import { buildState, pickRunFields, runFields, withRunFields, type RefreshState, type ResolvedSettings } from "./state";
import { RunWatcher, type Watched } from "./watch";

/** The group's recorded state: each member's, as a MaterializedViewRefresh records its own. */
export interface GroupState {
  readonly resourceName: string;
  readonly maxConcurrent?: number;
  /** Each member's state, by member key: its run and the settings it ran with. */
  readonly runs: Readonly<Record<string, RefreshState>>;
}

/** The group provider's lifecycle, every method present. */
export type GroupLifecycle = Required<pulumi.dynamic.ResourceProvider<GroupInputs, GroupState>>;

const MINUTE = 60_000;

/** A member in this deployment: its settings, where it calls AWS, and what it recorded last. */
interface Member {
  readonly key: string;
  readonly settings: ResolvedSettings;
  readonly target: AwsTarget;
  readonly old?: RefreshState;
}

/** How a member's part of a deployment ended: the state it leaves, and why it failed if it did. */
interface MemberResult {
  readonly state?: RefreshState;
  readonly failed?: string;
}

export function createGroupLifecycle(options: LifecycleOptions = {}): GroupLifecycle {
  const refresher = createRefresher({ ...options, kind: "MaterializedViewRefreshGroup member" });
  const { clock, configured, within, resolve, say, viewOf } = refresher;
  const print = options.print ?? ((line: string) => console.log(line));

  async function members(group: GroupInputs, olds: GroupState | undefined): Promise<Member[]> {
    return Promise.all(
      Object.keys(group.views).map(async (key) => {
        const partial = memberSettings(group, key);
        const { settings, target } = await resolve(partial, within(partial.timeoutMinutes));
        return { key, settings, target, old: olds?.runs[key] };
      }),
    );
  }

  /** An error's message for a member's line, which names the member already. */
  const withoutSubject = (s: ResolvedSettings, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = `${refresher.subject(s)}: `;
    return message.startsWith(prefix) ? message.slice(prefix.length) : message;
  };

  const planOf = (m: Member): ChangePlan | { kind: "create" } =>
    m.old ? planChange(m.old, m.settings) : { kind: "create" };

  /** Runs every member's part of a create or update, then records the group or fails with partial state. */
  async function deploy(group: GroupInputs, olds: GroupState | undefined): Promise<GroupState> {
    const name = group.resourceName ?? "group";
    const all = await members(group, olds);
    const signal = refresher.interrupts();
    const slots = new Slots(group.maxConcurrent ?? 0);
    // The watcher ends its waits early when the host is told to stop, or when the group stops
    // waiting (waitForCompletion false: once every member has started).
    const stopWatching = new AbortController();
    const following = new Map<string, { member: Member; context: RetryContext }>();
    const statuses = new Map<string, string>(all.map((m) => [m.key, "waiting"]));
    const progress = new ProgressReporter(clock, MINUTE);
    const quiet = all.every((m) => m.settings.quiet);
    const watcher = new RunWatcher({
      clock,
      schedule: refresher.schedule,
      random: refresher.random,
      signal: AbortSignal.any([signal, stopWatching.signal]),
      reads: {
        get: (w) => {
          const { member, context } = following.get(w.run.runId)!;
          return getRun(member.target, viewOf(member.settings), w.run.runId, context);
        },
        list: (_scope, watched) => {
          const followed = watched.map((w) => following.get(w.run.runId)!);
          const [{ member }] = followed;
          // One listing for runs of different deadlines: retried until the latest of them.
          const context = followed.reduce((a, b) => (b.context.deadline > a.context.deadline ? b : a)).context;
          const wanted = new Set(watched.map((w) => w.run.runId));
          const { catalogId, databaseName } = member.settings;
          return listDatabaseRuns(member.target, { catalogId, databaseName }, wanted, context);
        },
      },
      onRound: (watched) => {
        for (const w of watched) statuses.set(following.get(w.run.runId)!.member.key, w.run.status);
        if (quiet || !progress.due()) return;
        const oldest = watched.reduce<Watched | undefined>((a, b) => (!a || b.origin < a.origin ? b : a), undefined);
        const slowest = oldest && {
          member: following.get(oldest.run.runId)!.member,
          run: oldest.run,
          elapsedMs: clock.now() - oldest.origin,
        };
        print(progressLine(name, all, statuses, slowest));
      },
    });

    /** Watches a member's run, with the group's other runs, until it ends (or the wait does). */
    function watch(member: Member, run: RefreshRun, context: RetryContext, began: number) {
      following.set(run.runId, { member, context });
      statuses.set(member.key, run.status);
      const { settings, target } = member;
      return watcher
        .watch({
          scope: JSON.stringify([targetKey(target), settings.catalogId, settings.databaseName]),
          run,
          origin: Math.min(run.startTime?.getTime() ?? began, began),
          deadline: context.deadline,
        })
        .catch((error: unknown) => ({ error }));
    }

    /** Follows a member's run to its end and judges it, as a MaterializedViewRefresh judges its own. */
    async function follow(
      member: Member,
      run: RefreshRun,
      context: RetryContext,
      began: number,
    ): Promise<MemberResult> {
      const verdict: Verdict = refresher.verdict(member.settings, run, await watch(member, run, context, began), began);
      statuses.set(member.key, verdict.ok ? "SUCCEEDED" : "failed");
      return verdict.ok ? { state: verdict.state } : { state: verdict.state, failed: verdict.why };
    }

    /** Starts a member's run once a slot is free, then follows it (or, not waiting, leaves it). */
    async function start(member: Member): Promise<MemberResult> {
      const { settings, target, old } = member;
      const release = await slots.acquire();
      const context = within(settings.timeoutMinutes, signal);
      let begun;
      try {
        begun = await refresher.begin(settings, target, context);
      } catch (error) {
        release();
        statuses.set(member.key, "failed");
        return { state: old, failed: withoutSubject(settings, error) };
      }
      const { run, began } = begun;
      if (!settings.waitForCompletion) {
        // Not waiting for the run, but it holds its slot until it ends, so that later members keep
        // to maxConcurrent.
        void watch(member, run, context, began).finally(release);
        return { state: buildState(settings, runFields(run, new Date(began))) };
      }
      return follow(member, run, context, began).finally(release);
    }

    async function part(member: Member): Promise<MemberResult> {
      const { settings, target, old } = member;
      const plan = planOf(member);
      switch (plan.kind) {
        case "none":
        case "settings":
          return { state: buildState(settings, pickRunFields(old!)) };
        case "create":
          return start(member);
        case "replace":
          say(settings, `starting a refresh of its new view: ${plan.properties.join(", ")} changed`);
          return start(member);
        case "refresh":
          say(settings, `starting a new refresh: ${plan.reason}`);
          return start(member);
        case "resume": {
          const next = await refresher.pickUp(settings, target, old!, within(settings.timeoutMinutes, signal));
          if (next.kind === "ended") return { state: next.state };
          if (next.kind === "restart") {
            say(settings, `starting a new refresh: ${next.reason}`);
            return start(member);
          }
          const release = await slots.acquire();
          const context = within(settings.timeoutMinutes, signal);
          return follow(member, next.run, context, clock.now()).finally(release);
        }
      }
    }

    const results = await Promise.all(
      all.map((m) =>
        part(m).catch((error: unknown): MemberResult => ({ state: m.old, failed: withoutSubject(m.settings, error) })),
      ),
    );
    stopWatching.abort();
    const state: GroupState = {
      resourceName: name,
      ...(group.maxConcurrent !== undefined ? { maxConcurrent: group.maxConcurrent } : {}),
      runs: Object.fromEntries(all.flatMap((m, i) => (results[i].state ? [[m.key, results[i].state] as const] : []))),
    };
    const failed = all.filter((_, i) => results[i].failed !== undefined);
    if (failed.length > 0) {
      const lines = failed.map((m) => {
        const { databaseName, tableName } = m.settings;
        return `  ${m.key} (${databaseName}.${tableName}): ${results[all.indexOf(m)].failed}`;
      });
      throw new RefreshFailedError(
        `MaterializedViewRefreshGroup "${name}": ${failed.length} of ${all.length} members did not refresh:\n` +
          lines.join("\n"),
        name,
        { ...state },
      );
    }
    return state;
  }

  return {
    async configure(req) {
      refresher.configure((key) => req.config.get(key));
    },

    async check(_olds, news) {
      configured();
      return { inputs: news, failures: validateGroupInputs(news as unknown as Record<string, unknown>) };
    },

    async diff(_id, olds, news) {
      configured();
      const all = await members(news, olds);
      const removed = Object.keys(olds.runs ?? {}).some((key) => !(key in news.views));
      const changed =
        removed || olds.maxConcurrent !== news.maxConcurrent || all.some((m) => planOf(m).kind !== "none");
      return { changes: changed };
    },

    async create(inputs) {
      configured();
      const id = inputs.resourceName ?? "group";
      return { id, outs: await keepingProvider(inputs, deploy(inputs, undefined)) };
    },

    async update(_id, olds, news) {
      configured();
      return { outs: await keepingProvider(news, deploy(news, olds)) };
    },

    async read(id, props) {
      configured();
      if (!props)
        throw new Error(`MaterializedViewRefreshGroup ${id}: cannot be imported or read without recorded runs`);
      const runs = await Promise.all(
        Object.entries(props.runs).map(async ([key, member]) => {
          const context = within(member.timeoutMinutes ?? DEFAULTS.timeoutMinutes);
          const run = member.runId ? await refresher.readBack(member, context) : undefined;
          return [key, run ? withRunFields(member, runFields(run, new Date(member.startedAt))) : member] as const;
        }),
      );
      return { id, props: { ...props, runs: Object.fromEntries(runs) } };
    },

    async delete() {
      // A refresh cannot be undone: nothing to call.
    },
  };
}

/** The group's progress line: how many members are where, and the slowest one still going. */
function progressLine(
  name: string,
  all: readonly Member[],
  statuses: ReadonlyMap<string, string>,
  slowest: { member: Member; run: RefreshRun; elapsedMs: number } | undefined,
): string {
  const count = (...of: string[]) => all.filter((m) => of.includes(statuses.get(m.key) ?? "")).length;
  const counts =
    `${count("waiting", "STARTING")} starting, ${count("RUNNING")} running, ` +
    `${count("SUCCEEDED")} done, ${count("failed")} failed`;
  const { key, settings } = slowest?.member ?? {};
  const oldest = slowest
    ? `; slowest: ${key} (${settings!.databaseName}.${settings!.tableName}) ${slowest.run.status}, ` +
      `${formatDuration(slowest.elapsedMs)}`
    : "";
  return `${name}: ${all.length} members: ${counts}${oldest}`;
}

/** The group lifecycle the provider host runs. */
export const groupLifecycle: GroupLifecycle = createGroupLifecycle();

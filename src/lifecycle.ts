/**
 * The provider lifecycle at deploy time: check, diff, create, read, update, delete, over the rules
 * of one view's refresh (refresher.ts). The serialized provider loads this module inside the
 * provider host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { planChange } from "./diff";
import { RefreshFailedError } from "./errors";
import type { AwsTarget } from "./glue";
import type { RefreshRun } from "./run";
import { DEFAULTS, validateInputs, withDefaults, type RefreshInputs } from "./inputs";
import { createRefresher, type RefresherOptions } from "./refresher";
import type { RetryContext } from "./retry";
import { buildState, pickRunFields, runFields, withRunFields, type RefreshState, type ResolvedSettings } from "./state";

/** How the lifecycle meets the world: time, output, jitter, polling, interruptions. */
export type LifecycleOptions = Omit<RefresherOptions, "kind">;

/** The provider's lifecycle, every method present. */
export type RefreshLifecycle = Required<pulumi.dynamic.ResourceProvider<RefreshInputs, RefreshState>>;

/**
 * Partial state must carry the serialized provider like any other state: the provider host loads
 * the provider from the recorded properties for a later refresh or delete.
 */
export async function keepingProvider<T>(inputs: object, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const provider = (inputs as Record<string, unknown>).__provider;
    if (!(error instanceof RefreshFailedError) || provider === undefined) throw error;
    throw new RefreshFailedError(error.message, error.id, { ...error.properties, __provider: provider });
  }
}

export function createLifecycle(options: LifecycleOptions = {}): RefreshLifecycle {
  const refresher = createRefresher(options);
  const { clock, configured, interrupts, within, resolve, say, subject, idOf } = refresher;

  /** Starts (or adopts) a run and, when asked, waits for its outcome. */
  async function refresh(
    s: ResolvedSettings,
    target: AwsTarget,
    id: string,
    context: RetryContext,
  ): Promise<RefreshState> {
    const { run, began } = await refresher.begin(s, target, context);
    return s.waitForCompletion
      ? outcome(s, target, id, run, context, began)
      : buildState(s, runFields(run, new Date(began)));
  }

  /** Waits for our run, failing the deployment with partial state that keeps it when it did not succeed. */
  async function outcome(
    s: ResolvedSettings,
    target: AwsTarget,
    id: string,
    run: RefreshRun,
    context: RetryContext,
    began: number,
  ): Promise<RefreshState> {
    const waited = await refresher.settle(s, target, run, context).catch((error: unknown) => ({ error }));
    const verdict = refresher.verdict(s, run, waited, began);
    if (verdict.ok) return verdict.state;
    throw new RefreshFailedError(`${subject(s)}: ${verdict.why}`, id, { ...verdict.state });
  }

  /** Picks up a waited-for run the last deployment did not see finish. */
  async function resume(
    s: ResolvedSettings,
    target: AwsTarget,
    id: string,
    olds: RefreshState,
    context: RetryContext,
  ): Promise<RefreshState> {
    const next = await refresher.pickUp(s, target, olds, context);
    switch (next.kind) {
      case "ended":
        return next.state;
      case "restart":
        say(s, `starting a new refresh: ${next.reason}`);
        return refresh(s, target, id, context);
      case "follow":
        return outcome(s, target, id, next.run, context, clock.now());
    }
  }

  return {
    async configure(req) {
      refresher.configure((key) => req.config.get(key));
    },

    async check(_olds, news) {
      configured();
      return { inputs: news, failures: validateInputs(news as unknown as Record<string, unknown>) };
    },

    async diff(_id, olds, news) {
      configured();
      const partial = withDefaults(news);
      const { settings } = await resolve(partial, within(partial.timeoutMinutes));
      const plan = planChange(olds, settings);
      switch (plan.kind) {
        case "none":
          return { changes: false };
        case "replace":
          return { changes: true, replaces: plan.properties, deleteBeforeReplace: false };
        default:
          return { changes: true };
      }
    },

    async create(inputs) {
      configured();
      const partial = withDefaults(inputs);
      const context = within(partial.timeoutMinutes, interrupts());
      const { settings, target } = await resolve(partial, context);
      const id = idOf(settings);
      return { id, outs: await keepingProvider(inputs, refresh(settings, target, id, context)) };
    },

    async update(id, olds, news) {
      configured();
      const partial = withDefaults(news);
      const context = within(partial.timeoutMinutes, interrupts());
      const { settings, target } = await resolve(partial, context);
      const plan = planChange(olds, settings);
      switch (plan.kind) {
        case "replace":
          throw new Error(
            `${subject(settings)}: ${plan.properties.join(", ")} changed; this needs a replacement, not an update`,
          );
        case "refresh":
          say(settings, `starting a new refresh: ${plan.reason}`);
          return { outs: await keepingProvider(news, refresh(settings, target, id, context)) };
        case "resume":
          return { outs: await keepingProvider(news, resume(settings, target, id, olds, context)) };
        default:
          return { outs: buildState(settings, pickRunFields(olds)) };
      }
    },

    async read(id, props) {
      configured();
      if (!props?.runId) {
        throw new Error(`MaterializedViewRefresh ${id}: cannot be imported or read without a recorded run id`);
      }
      const context = within(props.timeoutMinutes ?? DEFAULTS.timeoutMinutes);
      const run = await refresher.readBack(props, context);
      if (!run) {
        say(props, `Glue no longer knows refresh run ${props.runId}; keeping the recorded state`);
        return { id, props };
      }
      return { id, props: withRunFields(props, runFields(run, new Date(props.startedAt))) };
    },

    async delete() {
      // A refresh cannot be undone: nothing to call.
    },
  };
}

/** The lifecycle the provider host runs. */
export const lifecycle: RefreshLifecycle = createLifecycle();

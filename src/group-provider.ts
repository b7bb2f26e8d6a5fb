/**
 * The provider object Pulumi serializes into every MaterializedViewRefreshGroup's state, like
 * provider.ts for a MaterializedViewRefresh: it holds no SDK client, credential or environment
 * value, and loads the deploy-time lifecycle from the installed package inside the provider host.
 */
import type * as pulumi from "@pulumi/pulumi";
import { loadDeployTime } from "./deploy-time";
import type { GroupLifecycle, GroupState } from "./group-lifecycle";
import type { GroupInputs } from "./group-inputs";

function lifecycle(): GroupLifecycle {
  return loadDeployTime<typeof import("./group-lifecycle")>("group-lifecycle.js", "MaterializedViewRefreshGroup")
    .groupLifecycle;
}

const groupProvider: pulumi.dynamic.ResourceProvider<GroupInputs, GroupState> = {
  configure: (req) => lifecycle().configure(req),
  check: (olds, news) => lifecycle().check(olds, news),
  diff: (id, olds, news) => lifecycle().diff(id, olds, news),
  create: (inputs) => lifecycle().create(inputs),
  read: (id, props) => lifecycle().read(id, props),
  update: (id, olds, news) => lifecycle().update(id, olds, news),
  delete: async () => {
    // A refresh cannot be undone, so deleting the group calls nothing (and loads nothing).
  },
};

export = groupProvider;

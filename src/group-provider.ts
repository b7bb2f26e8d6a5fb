/**
 * The provider object Pulumi serializes into every MaterializedViewRefreshGroup's state, like
 * provider.ts for a MaterializedViewRefresh: it holds no SDK client, credential or environment
 * value, and loads the deploy-time lifecycle from the installed package inside the provider host.
 */
import { deployTimeProvider, loadDeployTime } from "./deploy-time";
import type { GroupState } from "./group-lifecycle";
import type { GroupInputs } from "./group-inputs";

export = deployTimeProvider<GroupInputs, GroupState>(
  () =>
    loadDeployTime<typeof import("./group-lifecycle")>("group-lifecycle.js", "MaterializedViewRefreshGroup")
      .groupLifecycle,
);

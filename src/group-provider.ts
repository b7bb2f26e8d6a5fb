/**
 * The provider object Pulumi serializes into every MaterializedViewRefreshGroup's state, like
 * provider.ts for a MaterializedViewRefresh: it holds no SDK client, credential or environment
 * value, and loads the deploy-time lifecycle from the installed package inside the provider host.
 */
import { deployTimeProvider, loadDeployTime } from "./deploy/deploy-time";
import type { GroupState } from "./deploy/group-lifecycle";
import type { GroupInputs } from "./model/group-inputs";

export = deployTimeProvider<GroupInputs, GroupState>(
  () =>
    loadDeployTime<typeof import("./deploy/group-lifecycle")>(
      "deploy/group-lifecycle.js",
      "MaterializedViewRefreshGroup",
    ).groupLifecycle,
);

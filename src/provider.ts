/**
 * The provider object Pulumi serializes into every resource's state. It holds no SDK client,
 * credential or environment value: each method loads the deploy-time lifecycle by package name
 * inside the provider host, and upgrading the package changes no resource.
 *
 * The object is this module's whole export, so when the package is installed under node_modules
 * Pulumi's serializer records it as `require("pulumi-glue-mv-refresh/provider")`, a few hundred
 * bytes; elsewhere (this repository's own example) it serializes the small methods below.
 */
import { deployTimeProvider, loadDeployTime } from "./deploy/deploy-time";
import type { RefreshInputs } from "./model/inputs";
import type { RefreshState } from "./model/state";

export = deployTimeProvider<RefreshInputs, RefreshState>(
  () => loadDeployTime<typeof import("./deploy/lifecycle")>("deploy/lifecycle.js", "MaterializedViewRefresh").lifecycle,
);

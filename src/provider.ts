/**
 * The provider object Pulumi serializes into every resource's state. It holds no SDK client,
 * credential or environment value: each method loads the deploy-time lifecycle by package name
 * inside the provider host, and upgrading the package changes no resource.
 *
 * The object is this module's whole export, so when the package is installed under node_modules
 * Pulumi's serializer records it as `require("pulumi-glue-mv-refresh/provider")`, a few hundred
 * bytes; elsewhere (this repository's own example) it serializes the small methods below.
 */
import type * as pulumi from "@pulumi/pulumi";
import { loadDeployTime } from "./deploy-time";
import type { RefreshLifecycle } from "./lifecycle";
import type { RefreshInputs } from "./inputs";
import type { RefreshState } from "./state";

/** The deploy-time lifecycle, from the package installed in the Pulumi program's directory. */
function lifecycle(): RefreshLifecycle {
  return loadDeployTime<typeof import("./lifecycle")>("lifecycle.js", "MaterializedViewRefresh").lifecycle;
}

const refreshProvider: pulumi.dynamic.ResourceProvider<RefreshInputs, RefreshState> = {
  configure: (req) => lifecycle().configure(req),
  check: (olds, news) => lifecycle().check(olds, news),
  diff: (id, olds, news) => lifecycle().diff(id, olds, news),
  create: (inputs) => lifecycle().create(inputs),
  read: (id, props) => lifecycle().read(id, props),
  update: (id, olds, news) => lifecycle().update(id, olds, news),
  delete: async () => {
    // A refresh cannot be undone, so deleting the resource calls nothing (and loads nothing).
  },
};

export = refreshProvider;

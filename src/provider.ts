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
import type { RefreshLifecycle } from "./lifecycle";
import type { RefreshInputs } from "./inputs";
import type { RefreshState } from "./state";

/**
 * The deploy-time lifecycle, from the package installed in the Pulumi program's directory. It is
 * internal, so not in the package's exports: it is loaded by path, beside the package's main entry
 * as the provider host resolves it, which works both when this object is a reference to the
 * installed package and when its methods are serialized as they are.
 */
function lifecycle(): RefreshLifecycle {
  const name = "pulumi-glue-mv-refresh";
  let main: string;
  try {
    // By name, not by path: the provider host resolves it from the program's node_modules.
    main = require.resolve(name);
  } catch (error) {
    const { code } = error as { code?: string };
    if (code !== "MODULE_NOT_FOUND") throw error;
    throw new Error(
      `MaterializedViewRefresh: cannot load ${name} from ${process.cwd()}; ` +
        `install it in the Pulumi program's directory (npm install ${name})`,
      { cause: error },
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require("path") as typeof import("path");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(path.dirname(main), "lifecycle.js")) as typeof import("./lifecycle")).lifecycle;
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

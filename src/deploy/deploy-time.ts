import type * as pulumi from "@pulumi/pulumi";

/**
 * How a serialized provider finds the package's deploy-time code inside the provider host: beside
 * the package's main entry, resolved from the Pulumi program's directory. By name, not by path, so
 * that it works both when the provider is a reference to the installed package and when its
 * methods are serialized as they are; internal modules are not in the package's exports.
 */
export function loadDeployTime<T>(file: string, resource: string): T {
  const name = "pulumi-glue-mv-refresh";
  let main: string;
  try {
    main = require.resolve(name);
  } catch (error) {
    const { code } = error as { code?: string };
    if (code !== "MODULE_NOT_FOUND") throw error;
    throw new Error(
      `${resource}: cannot load ${name} from ${process.cwd()}; ` +
        `install it in the Pulumi program's directory (npm install ${name})`,
      { cause: error },
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const path = require("path") as typeof import("path");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(path.dirname(main), file)) as T;
}

/**
 * A provider whose every method runs the deploy-time lifecycle `load` gives, loaded inside the
 * provider host on first use; delete calls nothing (a refresh cannot be undone) and loads nothing.
 */
export function deployTimeProvider<I, O>(
  load: () => Required<pulumi.dynamic.ResourceProvider<I, O>>,
): pulumi.dynamic.ResourceProvider<I, O> {
  return {
    configure: (req) => load().configure(req),
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: async () => {
      // Nothing to call.
    },
  };
}

/**
 * Serves the provider plugin for the engine and prints the port it listens on, as Pulumi plugins do:
 * given the version it reports and the schema it serves. `main.ts` reads both from the package it is
 * part of; the release's single-file plugin (tools/release.ts) carries them in itself.
 */
import { createGroupLifecycle } from "../deploy/group-lifecycle";
import { createLifecycle } from "../deploy/lifecycle";
import { engineLog } from "./engine-log";
import { GROUP_TYPE, groupResource, REFRESH_TYPE, refreshResource } from "./resources";
import { servePlugin } from "./server";
import { clockFromEnvironment } from "../model/wait";

export interface PluginIdentity {
  /** The version the plugin reports (`GetPluginInfo`). */
  readonly version: string;
  /** The schema it serves (`GetSchema`), as JSON text. */
  readonly schema: string;
}

/** Serves the plugin; `args` are its command line's arguments (the engine passes its address first). */
export async function runPlugin(
  identity: PluginIdentity,
  args: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const print = engineLog(args[0]);
  // One clock for both resource types, so that they share its caches (a database's listing for
  // forecasts, the AWS clients).
  const clock = clockFromEnvironment();
  const { port } = await servePlugin({
    resources: {
      [REFRESH_TYPE]: refreshResource(createLifecycle({ print, clock })),
      [GROUP_TYPE]: groupResource(createGroupLifecycle({ print, clock })),
    },
    schema: identity.schema,
    version: identity.version,
  });
  // The engine reads the port from the first line of stdout.
  console.log(String(port));
}

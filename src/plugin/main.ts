/**
 * The provider plugin's entry point: serves the ResourceProvider protocol for the engine and prints
 * the port it listens on, as Pulumi plugins do. `provider/pulumi-resource-glue-mv-refresh` runs it.
 */
import { readFileSync } from "fs";
import * as path from "path";
import { createGroupLifecycle } from "../deploy/group-lifecycle";
import { createLifecycle } from "../deploy/lifecycle";
import { engineLog } from "./engine-log";
import { GROUP_TYPE, groupResource, REFRESH_TYPE, refreshResource } from "./resources";
import { servePlugin } from "./server";
import { clockFromEnvironment } from "../model/wait";

/** The package's root: two levels above this module, in `dist/plugin/`. */
const ROOT = path.resolve(__dirname, "..", "..");

async function main(): Promise<void> {
  // The engine passes its address as the first argument.
  const print = engineLog(process.argv[2]);
  // One clock for both resource types, so that they share its caches (a database's listing for
  // forecasts, the AWS clients).
  const clock = clockFromEnvironment();
  const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
  const { port } = await servePlugin({
    resources: {
      [REFRESH_TYPE]: refreshResource(createLifecycle({ print, clock })),
      [GROUP_TYPE]: groupResource(createGroupLifecycle({ print, clock })),
    },
    schema: readFileSync(path.join(ROOT, "provider", "schema.json"), "utf8"),
    version,
  });
  // The engine reads the port from the first line of stdout.
  console.log(String(port));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

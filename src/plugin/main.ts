/**
 * The provider plugin's entry point: serves the ResourceProvider protocol for the engine (serve.ts)
 * with the package's version and schema. `provider/pulumi-resource-glue-mv-refresh` runs it.
 */
import { readFileSync } from "fs";
import * as path from "path";
import { runPlugin } from "./serve";

/** The package's root: two levels above this module, in `dist/plugin/`. */
const ROOT = path.resolve(__dirname, "..", "..");

const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
runPlugin({ version, schema: readFileSync(path.join(ROOT, "provider", "schema.json"), "utf8") }).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

// A program whose resources come from stack config, so each end-to-end test declares its own:
// "tables" (aws.glue.CatalogTable, mocked by the engine harness), "refreshes" and "groups". Arguments may
// refer to resources declared before: `{ "$output": "a.runId" }` is resource a's runId output,
// `{ "$resource": "a" }` the resource itself; `dependsOn` names resources too.
import type * as awsTypes from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  MaterializedViewRefresh,
  MaterializedViewRefreshGroup,
  type MaterializedViewRefreshArgs,
  type MaterializedViewRefreshGroupArgs,
} from "pulumi-glue-mv-refresh";

interface Declared<Args> {
  name: string;
  args: Args;
  dependsOn?: string[];
}

const config = new pulumi.Config();
const declared = new Map<string, pulumi.Resource>();

function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (typeof value !== "object" || value === null) return value;
  const ref = value as { $output?: string; $resource?: string };
  if (typeof ref.$resource === "string") return declared.get(ref.$resource);
  if (typeof ref.$output === "string") {
    const [name, output] = ref.$output.split(".");
    return (declared.get(name) as unknown as Record<string, pulumi.Output<unknown>>)[output];
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
}

const options = (dependsOn?: string[]) => ({ dependsOn: dependsOn?.map((d) => declared.get(d)!) });

const tables = config.getObject<Declared<Record<string, unknown>>[]>("tables") ?? [];
if (tables.length > 0) {
  // Loaded only when used: @pulumi/aws takes a while to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require("@pulumi/aws") as typeof awsTypes;
  for (const { name, args, dependsOn } of tables) {
    declared.set(
      name,
      new aws.glue.CatalogTable(name, resolve(args) as awsTypes.glue.CatalogTableArgs, options(dependsOn)),
    );
  }
}
for (const { name, args, dependsOn } of config.getObject<Declared<MaterializedViewRefreshArgs>[]>("refreshes") ?? []) {
  declared.set(
    name,
    new MaterializedViewRefresh(name, resolve(args) as MaterializedViewRefreshArgs, options(dependsOn)),
  );
}
for (const { name, args, dependsOn } of config.getObject<Declared<MaterializedViewRefreshGroupArgs>[]>("groups") ??
  []) {
  declared.set(
    name,
    new MaterializedViewRefreshGroup(name, resolve(args) as MaterializedViewRefreshGroupArgs, options(dependsOn)),
  );
}

// A program whose resources come from stack config, so each end-to-end test declares its own.
// Arguments may refer to resources declared before: `{ "$output": "a.runId" }` is resource a's
// runId output, `{ "$resource": "a" }` the resource itself; `dependsOn` names resources too.
import * as pulumi from "@pulumi/pulumi";
import { MaterializedViewRefresh, type MaterializedViewRefreshArgs } from "pulumi-glue-mv-refresh";

interface Declared {
  name: string;
  args: MaterializedViewRefreshArgs;
  dependsOn?: string[];
}

const declared = new Map<string, MaterializedViewRefresh>();

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

for (const { name, args, dependsOn } of new pulumi.Config().requireObject<Declared[]>("refreshes")) {
  const resource = new MaterializedViewRefresh(name, resolve(args) as MaterializedViewRefreshArgs, {
    dependsOn: dependsOn?.map((d) => declared.get(d)!),
  });
  declared.set(name, resource);
}

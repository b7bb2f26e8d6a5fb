/**
 * The plugin folder's own dependency tree, as Pulumi's Node.js host reads a tree to find the
 * plugins it needs (each package whose package.json has `pulumi.resource: true`): provider/
 * depends on this package alone, and this package's runtime dependencies, all the way down, hold
 * no Pulumi resource plugin, so running the plugin from source (`pulumi package add ./provider`)
 * asks for no other plugin. The repository's dev dependencies (@pulumi/aws among them) are a
 * clone's, never the plugin's.
 */
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { ROOT } from "../../tools/pulumi-cli";

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly pulumi?: { readonly resource?: boolean; readonly name?: string };
}

const read = (dir: string) => JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;

/** Where Node.js finds `name` from `dir`: the nearest node_modules holding it, up the tree. */
function installedDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Every package the runtime tree from `dir` holds (dependencies, peers, optional ones), by name. */
function runtimeTree(dir: string, seen = new Map<string, Manifest>()): Map<string, Manifest> {
  const manifest = read(dir);
  const names = Object.keys({
    ...manifest.dependencies,
    ...manifest.peerDependencies,
    ...manifest.optionalDependencies,
  });
  for (const name of names) {
    // The plugin folder's one dependency is this package (`file:..`).
    const found = name === "pulumi-glue-mv-refresh" ? ROOT : installedDir(name, dir);
    if (!found || seen.has(found)) continue;
    seen.set(found, read(found));
    runtimeTree(found, seen);
  }
  return seen;
}

const isResourcePlugin = (m: Manifest) => m.pulumi?.resource === true;

it("holds no Pulumi resource plugin in the plugin folder's runtime tree, the AWS SDK and gRPC in it", () => {
  const provider = read(path.join(ROOT, "provider"));
  expect(Object.keys(provider.dependencies ?? {})).toEqual(["pulumi-glue-mv-refresh"]);
  const tree = [...runtimeTree(path.join(ROOT, "provider")).values()];
  const names = tree.map((m) => m.name);
  expect(names).toEqual(expect.arrayContaining(["@aws-sdk/client-glue", "@grpc/grpc-js", "@pulumi/pulumi"]));
  expect(tree.filter(isResourcePlugin).map((m) => m.name)).toEqual([]);
});

it("would see a resource plugin where one is: the repository's dev dependency @pulumi/aws is one", () => {
  // The detector is the host's rule; @pulumi/aws, a dev dependency, is what it must never reach.
  const aws = installedDir("@pulumi/aws", ROOT);
  expect(aws).toBeDefined();
  expect(isResourcePlugin(read(aws!))).toBe(true);
  expect(Object.keys(read(ROOT).dependencies ?? {})).not.toContain("@pulumi/aws");
});

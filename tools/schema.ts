/**
 * The provider plugin's Pulumi package schema, `provider/schema.json`, derived from what already
 * declares each shape: the property lists and rules of `src/model/inputs.ts` and `src/model/group-inputs.ts`
 * (which properties, which are required, the `ifRunning` values, the defaults), and the TSDoc of the
 * TypeScript declarations (each property's type and description). Nothing is written twice: a
 * property without TSDoc, or with a type this file cannot map, stops the generation.
 *
 *   node build/tools/schema.js           writes provider/schema.json
 *   node build/tools/schema.js --check   fails when provider/schema.json differs from it
 */
import { existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import ts from "typescript";
import { SECRET_KEYS } from "../src/aws/aws-config";
import { IDENTITY_PROPERTIES } from "../src/model/diff";
import { GROUP_SET, MEMBER_SET } from "../src/model/group-inputs";
import { IF_RUNNING_POLICIES, REFRESH_PROPERTIES } from "../src/model/inputs";
import { inPluginTerms, PLUGIN_CONFIG_KEYS, PLUGIN_NAME } from "../src/plugin/config";
import { GROUP_TYPE, REFRESH_TYPE } from "../src/plugin/resources";

/** The repository: above `tools/` when run from source (tests), above `build/tools/` when built. */
const ROOT = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].find((dir) =>
  existsSync(path.join(dir, "provider")),
)!;
export const SCHEMA_FILE = path.join(ROOT, "provider", "schema.json");

/** The declarations whose TSDoc the schema takes, by file. */
const SOURCES = [
  "src/declare/resource.ts",
  "src/declare/group.ts",
  "src/model/inputs.ts",
  "src/model/forecast.ts",
  "src/plugin/config.ts",
  "src/plugin/resources.ts",
];

const token = (name: string) => `${PLUGIN_NAME}:index:${name}`;

/** TypeScript types that are schema object or enum types, and the token each becomes. */
const NAMED_TYPES: Record<string, string> = {
  IfRunningPolicy: token("IfRunning"),
  AssumeRoleArgs: token("AssumeRole"),
  UpstreamRun: token("UpstreamRun"),
  MaterializedViewRefreshGroupMember: token("GroupMember"),
  MaterializedViewRefreshGroupRun: token("GroupRun"),
  PluginRoleToAssume: token("RoleToAssume"),
  PluginEndpoints: token("Endpoints"),
  Forecast: token("Forecast"),
};
/** Numbers the rules require whole (`maxConcurrent`, `durationSeconds`): integers in every language. */
const WHOLE_NUMBERS = new Set(["maxConcurrent", "durationSeconds"]);
/** TypeScript types that are strings on the wire. */
const STRING_TYPES = new Set(["RunStatus", "RefreshType", "ForecastBasis"]);

/**
 * Where the TypeScript wording speaks of what only the TypeScript classes have (`view`, `sources`),
 * the plugin's own: the description and default text a plugin user reads instead.
 */
const PLUGIN_WORDING: Record<string, Doc> = {
  databaseName: { description: "The Glue database that holds the materialized view." },
  tableName: { description: "The materialized view's name (its Glue table name)." },
  catalogId: {
    description: "The Data Catalog that holds the view.",
    defaultText: "the caller's AWS account id (STS GetCallerIdentity)",
  },
  region: {
    description: "The region the view lives in.",
    defaultText: "the provider's `region`, then the AWS SDK's own chain (AWS_REGION, the profile's region)",
  },
  triggers: {
    description:
      "Any values; a change to them starts a new refresh. The runs of `upstreams` are added as " +
      "`source:<database>.<table>` entries.",
    defaultText: "{}",
  },
  views: {
    description: "The views to refresh, by a key of your choosing that names each in `runs` and in messages.",
  },
  waitForCompletion: {
    description:
      "Wait until the run ends and fail the deployment unless it SUCCEEDED; when false, record the run " +
      "id and move on.",
    defaultText: "true",
  },
};

interface Doc {
  readonly description: string;
  /** The `@default` text, when there is one. */
  readonly defaultText?: string;
}

interface Member {
  readonly type: ts.TypeNode;
  /** Its TSDoc, read when the schema uses the property. */
  readonly doc: () => Doc;
  readonly optional: boolean;
}

type Spec = Record<string, unknown>;

/** Every interface and class of the source files, by name. */
function declarations(): Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration> {
  const found = new Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration>();
  for (const file of SOURCES) {
    const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name)
        found.set(node.name.text, node);
    });
  }
  return found;
}

function docOf(node: ts.Node, where: string): Doc {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const comment = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" ");
  const description = comment
    .replace(/\{@link\s+([^}]+)\}/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  if (!description) throw new Error(`${where} has no TSDoc description; the schema takes its description from it`);
  const tag = ts.getJSDocTags(node).find((t) => t.tagName.text === "default");
  const defaultText = tag ? (ts.getTextOfJSDocComment(tag.comment) ?? "").trim() : undefined;
  return { description, defaultText };
}

/** A declaration's properties, those it takes with `extends Pick<Base, "a" | "b">` included. */
function membersOf(name: string, all: ReturnType<typeof declarations>): Map<string, Member> {
  const declaration = all.get(name);
  if (!declaration) throw new Error(`no declaration ${name} in ${SOURCES.join(", ")}`);
  const members = new Map<string, Member>();
  for (const clause of declaration.heritageClauses ?? []) {
    for (const base of clause.types) {
      const [from, keys] = base.typeArguments ?? [];
      if (base.expression.getText() !== "Pick" || !from || !keys) continue;
      const inherited = membersOf(from.getText(), all);
      const picked = ts.isUnionTypeNode(keys) ? keys.types : [keys];
      for (const key of picked) {
        const property = key.getText().replace(/"/g, "");
        members.set(property, inherited.get(property)!);
      }
    }
  }
  for (const member of declaration.members) {
    if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) || !member.type) continue;
    const property = member.name.getText();
    members.set(property, {
      type: member.type,
      doc: () => docOf(member, `${name}.${property}`),
      optional: member.questionToken !== undefined,
    });
  }
  return members;
}

/** The schema type of a TypeScript type, `pulumi.Input` and `pulumi.Output` unwrapped. */
function typeSpec(node: ts.TypeNode): Spec {
  if (ts.isUnionTypeNode(node)) {
    const defined = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
    if (defined.length === 1) return typeSpec(defined[0]);
  }
  if (node.kind === ts.SyntaxKind.StringKeyword) return { type: "string" };
  if (node.kind === ts.SyntaxKind.NumberKeyword) return { type: "number" };
  if (node.kind === ts.SyntaxKind.BooleanKeyword) return { type: "boolean" };
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) return typeSpec(node.type);
  if (ts.isArrayTypeNode(node)) return { type: "array", items: typeSpec(node.elementType) };
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    const [first, second] = node.typeArguments ?? [];
    if (["pulumi.Input", "pulumi.Output", "Readonly"].includes(name) && first) return typeSpec(first);
    if (name === "Record" && second) {
      const values = second.kind === ts.SyntaxKind.UnknownKeyword ? { $ref: "pulumi.json#/Any" } : typeSpec(second);
      return { type: "object", additionalProperties: values };
    }
    if (STRING_TYPES.has(name)) return { type: "string" };
    if (NAMED_TYPES[name]) return { $ref: `#/types/${NAMED_TYPES[name]}` };
  }
  throw new Error(`no schema type for the TypeScript type ${node.getText()}`);
}

/** A literal default (`false`, `60`, `"wait"`), or undefined when the text is words. */
function literal(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return ["string", "number", "boolean"].includes(typeof value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A property's schema: type, description (with the default's words when they are not a value), default. */
function propertySpec(name: string, member: Member, options: { secret?: boolean; plugin?: boolean } = {}): Spec {
  const doc = (options.plugin ? PLUGIN_WORDING[name] : undefined) ?? member.doc();
  if (/`(view|sources)`/.test(doc.description + (doc.defaultText ?? ""))) {
    throw new Error(`${name}: its TSDoc speaks of view or sources, which the plugin has not; give PLUGIN_WORDING`);
  }
  const value = literal(doc.defaultText);
  const words =
    doc.defaultText && value === undefined && doc.defaultText !== "none"
      ? doc.defaultText.replace(/^none: (.*)$/, "none ($1)")
      : undefined;
  const type = WHOLE_NUMBERS.has(name) ? { type: "integer" } : typeSpec(member.type);
  return {
    ...type,
    description: inPluginTerms(words ? `${doc.description} Default: ${words}.` : doc.description),
    ...(value !== undefined ? { default: value } : {}),
    ...(options.secret ? { secret: true } : {}),
  };
}

/** The named properties of `from`, in that order, each with its schema. */
function properties(
  names: readonly string[],
  from: readonly Map<string, Member>[],
  options: { plugin?: boolean; secret?: (name: string) => boolean } = {},
): Record<string, Spec> {
  return Object.fromEntries(
    names.map((name) => {
      const member = from.map((m) => m.get(name)).find((m) => m !== undefined);
      if (!member) throw new Error(`no TSDoc declaration of the property ${name}`);
      return [name, propertySpec(name, member, { plugin: options.plugin, secret: options.secret?.(name) })];
    }),
  );
}

/** An object type of the schema, from a TypeScript interface. */
function objectType(description: string, members: Map<string, Member>, secret: ReadonlySet<string> = new Set()) {
  const names = [...members.keys()];
  return {
    type: "object",
    description,
    properties: properties(names, [members], { secret: (n) => secret.has(n) }),
    required: names.filter((n) => !members.get(n)!.optional),
  };
}

/** The Go SDK's package in its module: the schema's Go `importBasePath` is the module path, then this. */
export const GO_PACKAGE_DIR = "go/gluemvrefresh";
export const GO_MOD_FILE = path.join(ROOT, "sdk", "go.mod");

/** The module path a go.mod declares. */
export function goModulePath(goMod: string): string {
  const module = /^module[ \t]+(\S+)[ \t\r]*$/m.exec(goMod)?.[1];
  if (!module) throw new Error("go.mod: no module line");
  return module;
}

/** The Go SDK's module path, sdk/go.mod's: its one source, which a release replaces (tools/release.ts). */
export const committedGoModule = (): string => goModulePath(readFileSync(GO_MOD_FILE, "utf8"));

/**
 * The schema at `version`; with `pluginDownloadURL`, where `pulumi` fetches the plugin's release
 * archives from (a release's schema, tools/release.ts: the SDKs generated from it carry it); with
 * `goModule`, the Go SDK's module path its Go code imports itself by (a release's).
 */
export function pluginSchema(version: string, pluginDownloadURL?: string, goModule = committedGoModule()): Spec {
  const all = declarations();
  const args = membersOf("MaterializedViewRefreshArgs", all);
  const refreshInputs = membersOf("RefreshInputs", all);
  const refreshOutputs = membersOf("MaterializedViewRefresh", all);
  const pluginOutputs = membersOf("PluginRefreshOutputs", all);
  const groupArgs = membersOf("MaterializedViewRefreshGroupArgs", all);
  const groupOutputs = membersOf("MaterializedViewRefreshGroup", all);
  const member = membersOf("MaterializedViewRefreshGroupMember", all);
  const config = membersOf("PluginConfig", all);
  const groupPluginOutputs = membersOf("PluginGroupOutputs", all);

  // Inputs: every property the rules judge, but those only the TypeScript classes set.
  const publicOf = (set: { rules: object; internal: readonly string[] }, alsoPublic: readonly string[] = []) =>
    Object.keys(set.rules).filter((p) => !set.internal.includes(p) || alsoPublic.includes(p));
  const refreshInputNames = publicOf(REFRESH_PROPERTIES, ["upstreams"]).filter((p) => p !== "resourceName");
  const refreshIn = properties(refreshInputNames, [args, refreshInputs], { plugin: true });
  const outputNames = [...refreshOutputs.keys(), ...pluginOutputs.keys()];
  const echoed = refreshInputNames.filter((p) => !outputNames.includes(p) && p !== "upstreams");
  const refreshOut = {
    ...properties(outputNames, [refreshOutputs, pluginOutputs]),
    ...properties(echoed, [args], { plugin: true }),
  };
  const requiredOutputs = [...refreshOutputs]
    .filter(([, m]) => !/\|\s*undefined/.test(m.type.getText()))
    .map(([n]) => n);

  const groupInputNames = publicOf(GROUP_SET).filter((p) => p !== "resourceName");
  const memberNames = publicOf(MEMBER_SET, ["upstreams"]);
  const secretConfig = new Set([...SECRET_KEYS].map((k) => k.slice("aws:".length)));
  const configSpec = properties(PLUGIN_CONFIG_KEYS, [config], { secret: (n) => secretConfig.has(n) });

  return {
    name: PLUGIN_NAME,
    displayName: "Glue materialized view refresh",
    version,
    ...(pluginDownloadURL ? { pluginDownloadURL } : {}),
    description:
      "Refreshes AWS Glue Data Catalog materialized views in a Pulumi deployment, and records the run that did it.",
    keywords: ["pulumi", "aws", "glue", "materialized-view", "iceberg", "category/cloud", "kind/native"],
    license: "Apache-2.0",
    publisher: "pulumi-glue-mv-refresh",
    config: { variables: configSpec },
    provider: {
      description: "Where and as whom the provider calls AWS. Settings left out come from the AWS SDK's own chain.",
      inputProperties: configSpec,
    },
    types: {
      [NAMED_TYPES.IfRunningPolicy]: {
        type: "string",
        description: "What to do when the view already has a refresh run in progress.",
        enum: IF_RUNNING_POLICIES.map((value) => ({ value, name: value[0].toUpperCase() + value.slice(1) })),
      },
      [NAMED_TYPES.AssumeRoleArgs]: objectType(
        "A role a refresh assumes after the provider's `assumeRoles`.",
        membersOf("AssumeRoleArgs", all),
        new Set(["externalId"]),
      ),
      [NAMED_TYPES.UpstreamRun]: objectType(
        "An upstream view's last run: a MaterializedViewRefresh's `upstream` output.",
        membersOf("UpstreamRun", all),
      ),
      [NAMED_TYPES.MaterializedViewRefreshGroupMember]: {
        type: "object",
        description: "One view of a MaterializedViewRefreshGroup; what it leaves out comes from the group.",
        properties: properties(memberNames, [member, args, refreshInputs], { plugin: true }),
        required: [...MEMBER_SET.required],
      },
      [NAMED_TYPES.MaterializedViewRefreshGroupRun]: objectType(
        "The run a member of a group last started or adopted, and the view and settings it ran with.",
        membersOf("MaterializedViewRefreshGroupRun", all),
      ),
      [NAMED_TYPES.PluginRoleToAssume]: objectType(
        "A role the provider assumes with STS AssumeRole before any call.",
        membersOf("PluginRoleToAssume", all),
        new Set(["externalId"]),
      ),
      [NAMED_TYPES.Forecast]: objectType(
        "What a refresh that would start is expected to take and cost, from its view's recent runs.",
        membersOf("Forecast", all),
      ),
      [NAMED_TYPES.PluginEndpoints]: objectType(
        "Endpoints in place of the AWS SDK's for the region.",
        membersOf("PluginEndpoints", all),
      ),
    },
    resources: {
      [REFRESH_TYPE]: {
        description:
          "Refreshes an AWS Glue Data Catalog materialized view when it is created and whenever its `fullRefresh`, " +
          "`triggers` or `upstreams` change, recording the refresh run's id and outcome. A failed refresh fails the " +
          "deployment and keeps the run in the stack, so the next deployment tries again.",
        inputProperties: refreshIn,
        requiredInputs: [...REFRESH_PROPERTIES.required],
        properties: refreshOut,
        required: [...requiredOutputs, "upstream"],
        replaceOnChanges: [...IDENTITY_PROPERTIES],
      },
      [GROUP_TYPE]: {
        description:
          "Refreshes many AWS Glue materialized views as one resource: each member refreshes exactly when a " +
          "MaterializedViewRefresh would, the members' runs go on at once (up to `maxConcurrent`), and the group " +
          "holds one of the deployment's `--parallel` slots.",
        inputProperties: properties(groupInputNames, [groupArgs, args], { plugin: true }),
        requiredInputs: [...GROUP_SET.required],
        properties: properties(["runs", "maxConcurrent", "forecast"], [groupOutputs, groupArgs, groupPluginOutputs]),
        required: ["runs"],
      },
    },
    language: {
      // respectSchemaVersion: each SDK carries the schema's version. The SDKs' floors on the Pulumi
      // SDK are the generators' own, the oldest that has what the generated code calls.
      nodejs: {
        packageName: "@pulumi-glue-mv-refresh/sdk",
        packageDescription: "The glue-mv-refresh provider plugin's Node.js SDK, generated from its schema.",
        respectSchemaVersion: true,
      },
      python: { packageName: "pulumi_glue_mv_refresh", respectSchemaVersion: true },
      go: {
        importBasePath: `${goModule}/${GO_PACKAGE_DIR}`,
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
      csharp: { rootNamespace: "PulumiGlueMvRefresh", respectSchemaVersion: true },
    },
  };
}

/** The schema as the file holds it. */
export function schemaText(): string {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
  return JSON.stringify(pluginSchema(version), null, 2) + "\n";
}

if (require.main === module) {
  const text = schemaText();
  if (process.argv.includes("--check")) {
    if (readFileSync(SCHEMA_FILE, "utf8") !== text) {
      console.error("provider/schema.json is out of date: run npm run schema");
      process.exit(1);
    }
  } else {
    writeFileSync(SCHEMA_FILE, text);
    console.error(`wrote provider/schema.json`);
  }
}

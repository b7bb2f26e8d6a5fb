/**
 * The provider plugin's API reference, `docs/plugin-api.md`, from its schema, `provider/schema.json`:
 * every resource, object type, enum and the provider configuration, each property with its name in
 * each language (by the naming rules of Pulumi's SDK generators), its type, whether it is required,
 * its default, whether it is secret, and its description.
 *
 *   node build/tools/plugin-docs.js           writes docs/plugin-api.md
 *   node build/tools/plugin-docs.js --check   fails when docs/plugin-api.md differs from it
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";

/** The repository: above `tools/` when run from source (tests), above `build/tools/` when built. */
const ROOT = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].find((dir) =>
  existsSync(path.join(dir, "provider", "schema.json")),
)!;
export const SCHEMA_FILE = path.join(ROOT, "provider", "schema.json");
export const API_DOC_FILE = path.join(ROOT, "docs", "plugin-api.md");

export interface PropertySpec {
  readonly type?: string;
  readonly $ref?: string;
  readonly items?: PropertySpec;
  readonly additionalProperties?: PropertySpec;
  readonly description?: string;
  readonly default?: unknown;
  readonly secret?: boolean;
}

interface EnumValue {
  readonly value: string | number | boolean;
  readonly name?: string;
  readonly description?: string;
}

interface TypeSpec {
  readonly type: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, PropertySpec>>;
  readonly required?: readonly string[];
  readonly enum?: readonly EnumValue[];
}

interface ResourceSpec {
  readonly description?: string;
  readonly inputProperties?: Readonly<Record<string, PropertySpec>>;
  readonly requiredInputs?: readonly string[];
  readonly properties?: Readonly<Record<string, PropertySpec>>;
  readonly required?: readonly string[];
  readonly replaceOnChanges?: readonly string[];
}

export interface PackageSchema {
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly config?: { readonly variables?: Readonly<Record<string, PropertySpec>>; readonly required?: string[] };
  readonly provider?: ResourceSpec;
  readonly types?: Readonly<Record<string, TypeSpec>>;
  readonly resources?: Readonly<Record<string, ResourceSpec>>;
  readonly language?: {
    readonly nodejs?: { readonly packageName?: string };
    readonly python?: { readonly packageName?: string };
    readonly go?: { readonly importBasePath?: string };
    readonly csharp?: { readonly rootNamespace?: string };
  };
}

// Names, as Pulumi's generators write them (pkg/codegen of pulumi/pulumi for Node.js, Python and Go;
// pulumi-dotnet for C#; pulumi-java for Java).

/** `abc-def` → `abcDef` (cgstrings.Unhyphenate). */
const unhyphenate = (name: string) => name.replace(/-+(.?)/g, (_, next: string) => next.toUpperCase());
const upperFirst = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

const PYTHON_KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except exec finally for " +
    "from global if import in is lambda nonlocal not or pass print raise return try while with yield"
  )
    .split(" ")
    .filter(Boolean),
);

/**
 * A Python name: camelCase to snake_case, an acronym kept whole (`roleARN` → `role_arn`), digits and
 * an `s` after an acronym kept with it (`SHA256Hash` → `sha256_hash`), a keyword given a trailing `_`
 * (python.PyName).
 */
export function pythonName(name: string): string {
  const isUpper = (c: string) => c !== c.toLowerCase() && c === c.toUpperCase();
  const isDigit = (c: string) => c >= "0" && c <= "9";
  const components: string[] = [];
  let current = "";
  let state: "first" | "upper" | "acronym" | "lower" = "first";
  for (let char of name) {
    if (!/[\p{L}\p{Nd}_]/u.test(char)) char = "_";
    if (state === "first") {
      if (!/[\p{L}_]/u.test(char)) current += "_";
      current += isUpper(char) ? char.toLowerCase() : char;
      state = isUpper(char) ? "upper" : "lower";
    } else if (state === "upper") {
      current += isUpper(char) ? char.toLowerCase() : char;
      state = isUpper(char) ? "acronym" : "lower";
    } else if (state === "acronym") {
      if (isUpper(char)) {
        current += char.toLowerCase();
      } else if (isDigit(char) || char === "s") {
        current += char;
        state = "lower";
      } else {
        components.push(current.slice(0, -1));
        current = current.slice(-1) + char;
        state = "lower";
      }
    } else if (isUpper(char)) {
      components.push(current);
      current = char.toLowerCase();
      state = "upper";
    } else {
      current += char;
    }
  }
  if (current) components.push(current);
  const result = components.join("_");
  return PYTHON_KEYWORDS.has(result) ? `${result}_` : result;
}

/** Go's names for fields that generated methods own. */
const GO_RESERVED = new Set(["ID", "URN", "GetProvider", "ElementType"]);

/** A Go field: the first letter upper-cased, a name generated methods own given a trailing `_` (go.Title). */
export function goName(name: string): string {
  const title = upperFirst(unhyphenate(name.replace(/^\$/, "")));
  return GO_RESERVED.has(title) ? `${title}_` : title;
}

/** A C# property: the first letter upper-cased (pulumi-dotnet's propertyName). */
export function csharpName(name: string): string {
  return upperFirst(unhyphenate(name));
}

const JAVA_RESERVED = new Set(
  (
    "abstract assert boolean break byte case catch char class const continue default do double else enum extends " +
    "final finally float for if goto implements import instanceof int interface long native new package private " +
    "protected public return short static strictfp super switch synchronized this throw throws transient try void " +
    "volatile while _ false null true var"
  ).split(" "),
);

/**
 * A Java builder method, as a program calls it (`.databaseName("sales")`): the schema's name, `-`
 * dropped, a reserved word given a trailing `_` (pulumi-java's names.Ident).
 */
export function javaName(name: string): string {
  const ident = name.replace(/-/g, "");
  return JAVA_RESERVED.has(ident) ? `${ident}_` : ident;
}

// The document.

/** `pkg:index:Name` → `Name`. The schema's tokens are all in its `index` module. */
function tokenName(schema: PackageSchema, token: string): string {
  const [pkg, module, name] = token.split(":");
  if (pkg !== schema.name || module !== "index" || !name) {
    throw new Error(`${token}: only tokens of the form ${schema.name}:index:Name are documented`);
  }
  return name;
}

const anchor = (name: string) => `#${name.toLowerCase()}`;
const code = (text: string) => (text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``);
/** A table cell: `|` escaped, line breaks as spaces. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
const row = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [row(head), `|${head.map(() => "---").join("|")}|`, ...rows.map(row)].join("\n");

function typeText(schema: PackageSchema, spec: PropertySpec): string {
  if (spec.$ref === "pulumi.json#/Any") return "any";
  if (spec.$ref) {
    const name = tokenName(schema, spec.$ref.replace(/^#\/types\//, ""));
    return `[${name}](${anchor(name)})`;
  }
  if (spec.type === "array" && spec.items) return `list of ${typeText(schema, spec.items)}`;
  if (spec.type === "object" && spec.additionalProperties)
    return `map of ${typeText(schema, spec.additionalProperties)}`;
  if (spec.type) return spec.type;
  throw new Error(`no type in ${JSON.stringify(spec)}`);
}

/** The description and the default the schema gives, the default's words taken out of the description. */
function described(spec: PropertySpec): { description: string; defaultText: string } {
  const text = (spec.description ?? "").trim();
  const words = /^(.*?)\s*Default: (.+?)\.?$/s.exec(text);
  if (spec.default !== undefined) return { description: text, defaultText: code(JSON.stringify(spec.default)) };
  if (words) return { description: words[1], defaultText: words[2] === "{}" ? code("{}") : words[2] };
  return { description: text, defaultText: "" };
}

/** One name per language group; where a language's name differs from its group's, it is named beside. */
function nameCells(name: string): string[] {
  const schemaName = javaName(name) === name ? code(name) : `${code(name)} (Java: ${code(javaName(name))})`;
  const go = goName(name);
  const goCs = csharpName(name) === go ? code(go) : `${code(go)} (C#: ${code(csharpName(name))})`;
  return [schemaName, code(pythonName(name)), goCs];
}

const NAME_HEAD = ["Name (TypeScript, YAML, Java)", "Python", "Go, C#"];

function propertyTable(
  schema: PackageSchema,
  properties: Readonly<Record<string, PropertySpec>>,
  required: readonly string[],
  kind: "inputs" | "outputs",
): string {
  const names = Object.keys(properties).sort((a, b) => Number(required.includes(b)) - Number(required.includes(a)));
  const rows = names.map((name) => {
    const spec = properties[name];
    const { description, defaultText } = described(spec);
    const marks = [required.includes(name) ? "yes" : "", spec.secret ? "yes" : ""];
    const rest =
      kind === "inputs"
        ? [marks[0], defaultText, marks[1], description]
        : [marks[0], marks[1], (spec.description ?? "").trim()];
    return [...nameCells(name), typeText(schema, spec), ...rest];
  });
  const head =
    kind === "inputs"
      ? [...NAME_HEAD, "Type", "Required", "Default", "Secret", "Description"]
      : [...NAME_HEAD, "Type", "Always set", "Secret", "Description"];
  return table(head, rows);
}

/** The types each property set refers to, directly or through other types. */
function referencedTypes(schema: PackageSchema, sets: readonly (Readonly<Record<string, PropertySpec>> | undefined)[]) {
  const found = new Set<string>();
  const visit = (spec: PropertySpec | undefined) => {
    if (!spec) return;
    if (spec.$ref?.startsWith("#/types/")) {
      const token = spec.$ref.slice("#/types/".length);
      if (found.has(token)) return;
      found.add(token);
      Object.values(schema.types?.[token]?.properties ?? {}).forEach(visit);
    }
    visit(spec.items);
    visit(spec.additionalProperties);
  };
  sets.forEach((set) => Object.values(set ?? {}).forEach(visit));
  return found;
}

/** Go's collection types of an object type that inputs take as a list or a map (`UpstreamRunArray`). */
function goCollections(schema: PackageSchema, token: string): string[] {
  const sets = [
    ...Object.values(schema.resources ?? {}).map((r) => r.inputProperties),
    schema.provider?.inputProperties,
    ...Object.values(schema.types ?? {}).map((t) => t.properties),
  ];
  const name = tokenName(schema, token);
  const found = new Set<string>();
  for (const spec of sets.flatMap((set) => Object.values(set ?? {}))) {
    if (spec.items?.$ref === `#/types/${token}`) found.add(`${name}Array`);
    if (spec.additionalProperties?.$ref === `#/types/${token}`) found.add(`${name}Map`);
  }
  return [...found].sort();
}

const list = (names: readonly string[]) => names.map(code).join(", ");

export function pluginApiDoc(schema: PackageSchema): string {
  const pkg = schema.name;
  const lang = schema.language ?? {};
  const nodePackage = lang.nodejs?.packageName ?? `@pulumi/${pkg}`;
  const pythonPackage = lang.python?.packageName ?? `pulumi_${pythonName(unhyphenate(pkg))}`;
  const goPackage = lang.go?.importBasePath ?? pkg;
  const csNamespace = `${lang.csharp?.rootNamespace ?? "Pulumi"}.${upperFirst(unhyphenate(pkg))}`;
  const resources = Object.entries(schema.resources ?? {});
  const types = Object.entries(schema.types ?? {});
  const objects = types.filter(([, t]) => t.type === "object");
  const enums = types.filter(([, t]) => t.enum);
  const inputTypes = referencedTypes(schema, [
    ...resources.map(([, r]) => r.inputProperties),
    schema.provider?.inputProperties,
  ]);
  const outputTypes = referencedTypes(
    schema,
    resources.map(([, r]) => r.properties),
  );
  const yamlType = (token: string) => `${pkg}:${tokenName(schema, token)}`;
  const links = (entries: readonly [string, unknown][]) =>
    entries.map(([token]) => `[${tokenName(schema, token)}](${anchor(tokenName(schema, token))})`).join(", ");

  const out: string[] = [];
  const add = (...blocks: string[]) => out.push(...blocks);

  add(
    `# API reference: the ${pkg} provider plugin`,
    `Generated by \`npm run plugin-docs\` (\`tools/plugin-docs.ts\`) from \`provider/schema.json\`` +
      (schema.version ? ` (version ${schema.version})` : "") +
      `: do not edit it by hand. [plugin.md](plugin.md) is the guide: installing, a first refresh, chains, ` +
      `groups and the AWS identity, in each language.`,
    [
      `- Resources: ${links(resources)}`,
      `- [Provider configuration](#provider-configuration)`,
      `- Types: ${links(objects)}`,
      `- Enums: ${links(enums)}`,
    ].join("\n"),
  );

  add(
    `## Names in each language`,
    `The SDKs in \`sdk/\` are generated from the schema by Pulumi's own generators, which name each property ` +
      `by their rules: TypeScript (\`sdk/nodejs\`) and YAML keep the schema's camelCase (\`databaseName\`); ` +
      `Python writes snake_case (\`database_name\`, \`run_id\`); Go and C# upper-case the first letter ` +
      `(\`DatabaseName\`, \`RunId\`); Java keeps the schema's name for its builder methods (\`.databaseName("sales")\`).`,
    table(
      ["Language", "Package", "Import"],
      [
        ["TypeScript", code(`sdk/nodejs`), code(`import * as mv from "${nodePackage}";`)],
        ["Python", code(`sdk/python`), code(`import ${pythonPackage} as mv`)],
        ["Go", code(`sdk/go`), code(`import mv "${goPackage}"`)],
        ["C#", code(`sdk/dotnet`), code(`using ${csNamespace};`)],
        // pulumi-java-gen's package: its default base package, com.pulumi, and the schema's name.
        ["Java", code(`sdk/java`), code(`import com.pulumi.${schema.name.replace(/-/g, "")}.*;`)],
        ["YAML", "none: the types below, by their YAML names", ""],
      ],
    ),
    table(
      ["Schema", "YAML", "TypeScript", "Python", "Go", "C#"],
      [
        ...resources.map(([token]) => {
          const name = tokenName(schema, token);
          return [
            `resource ${code(name)}`,
            code(yamlType(token)),
            list([name, `${name}Args`]),
            list([name, `${name}Args`]),
            list([`New${name}`, `${name}Args`, name]),
            list([name, `${name}Args`]),
          ];
        }),
        [
          "provider",
          code(`pulumi:providers:${pkg}`),
          list(["Provider", "ProviderArgs"]),
          list(["Provider", "ProviderArgs"]),
          list(["NewProvider", "ProviderArgs"]),
          list(["Provider", "ProviderArgs"]),
        ],
        ...objects.map(([token]) => {
          const name = tokenName(schema, token);
          const isIn = inputTypes.has(token);
          const isOut = outputTypes.has(token);
          const forms = isIn && isOut ? "input and output" : isIn ? "input" : "output";
          return [
            `type ${code(name)} (${forms})`,
            "an object",
            list([...(isIn ? [`types.input.${name}Args`] : []), ...(isOut ? [`types.output.${name}`] : [])]),
            list([...(isIn ? [`${name}Args`, `${name}ArgsDict`] : []), ...(isOut ? [`outputs.${name}`] : [])]),
            list([
              ...(isIn ? [`${name}Args`, ...goCollections(schema, token)] : []),
              name,
              ...(isOut ? [`${name}Output`] : []),
            ]),
            list([...(isIn ? [`Inputs.${name}Args`] : []), ...(isOut ? [`Outputs.${name}`] : [])]),
          ];
        }),
        ...enums.map(([token]) => {
          const name = tokenName(schema, token);
          return [`enum ${code(name)}`, "a string", code(name), code(name), code(name), code(name)];
        }),
      ],
    ),
    `Values by type: a schema \`string\` is a string in every language; \`number\` is TypeScript \`number\`, ` +
      `Python \`float\`, Go \`float64\` (\`pulumi.Float64(60)\`), C# \`double\`; \`integer\` is \`number\`, \`int\`, ` +
      `\`int\` (\`pulumi.Int(2)\`), \`int\`; \`boolean\` is \`boolean\`, \`bool\`, \`bool\`, \`bool\`; \`any\` is any ` +
      `JSON value (Go \`pulumi.Map{...}\` for a map of any, C# \`InputMap<object>\`). A list is an array, a Python ` +
      `list, a Go \`...Array\` (\`pulumi.StringArray\`, \`UpstreamRunArray\`), a C# \`InputList\`; a map is an ` +
      `object, a Python dict, a Go \`...Map\`, a C# \`InputMap\`. Every input also takes another resource's output ` +
      `of the same type.`,
  );

  for (const [token, resource] of resources) {
    const name = tokenName(schema, token);
    add(`## ${name}`, resource.description ?? "", `YAML: \`type: ${yamlType(token)}\`; token \`${token}\`.`);
    add(`### Inputs`, propertyTable(schema, resource.inputProperties ?? {}, resource.requiredInputs ?? [], "inputs"));
    if (resource.replaceOnChanges?.length) {
      const names = resource.replaceOnChanges.map(code);
      add(
        `A change of ${names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0]} ` +
          `replaces the resource: the new one refreshes its view; deleting the old one calls nothing.`,
      );
    }
    add(`### Outputs`, propertyTable(schema, resource.properties ?? {}, resource.required ?? [], "outputs"));
  }

  const config = schema.config?.variables ?? {};
  const providerInputs = schema.provider?.inputProperties ?? {};
  const configNames = [...new Set([...Object.keys(config), ...Object.keys(providerInputs)])];
  add(
    `## Provider configuration`,
    schema.provider?.description ?? "",
    `Set each as stack config of the default provider (\`pulumi config set ${pkg}:region us-east-1\`; lists ` +
      `and objects with \`pulumi config set --path '${pkg}:assumeRoles[0].roleArn' ARN\`, secrets with ` +
      `\`--secret\`), or give the same as inputs of an explicit provider resource (\`Provider\`, YAML ` +
      `\`type: pulumi:providers:${pkg}\`) passed as the \`provider\` resource option. A resource's own \`region\` ` +
      `and \`endpoint\` take the place of these for its calls, and its \`assumeRole\` is assumed after ` +
      `\`assumeRoles\`.`,
    table(
      ["Stack config key", ...NAME_HEAD, "Type", "Default", "Secret", "Description"],
      configNames.map((name) => {
        const spec = config[name] ?? providerInputs[name];
        const { description, defaultText } = described(spec);
        const names = name in providerInputs ? nameCells(name) : ["(stack config only)", "", ""];
        return [
          name in config ? code(`${pkg}:${name}`) : "(provider input only)",
          ...names,
          typeText(schema, spec),
          defaultText,
          spec.secret ? "yes" : "",
          description,
        ];
      }),
    ),
  );

  add(`## Types`);
  for (const [token, type] of objects) {
    const name = tokenName(schema, token);
    const isIn = inputTypes.has(token);
    add(
      `### ${name}`,
      type.description ?? "",
      propertyTable(schema, type.properties ?? {}, type.required ?? [], isIn ? "inputs" : "outputs"),
    );
  }

  add(`## Enums`);
  for (const [token, type] of enums) {
    const name = tokenName(schema, token);
    add(
      `### ${name}`,
      `${type.description ?? ""} In YAML and TypeScript, and in Python (a \`str\` enum), the value itself ` +
        `is accepted too; Go takes the constant or \`${name}("value")\`.`.trim(),
      table(
        ["Value", "TypeScript", "Python", "Go", "C#"],
        (type.enum ?? []).map((e) => {
          const member = e.name ?? String(e.value);
          return [
            code(JSON.stringify(e.value)),
            code(`${name}.${upperFirst(member)}`),
            code(`${name}.${pythonName(member).toUpperCase()}`),
            code(`${name}${upperFirst(member)}`),
            code(`${name}.${upperFirst(member)}`),
          ];
        }),
      ),
    );
  }

  return out.filter((block) => block !== "").join("\n\n") + "\n";
}

/** The reference as the file holds it, from the committed schema. */
export function apiDocText(): string {
  return pluginApiDoc(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as PackageSchema);
}

if (require.main === module) {
  const text = apiDocText();
  const relative = path.relative(ROOT, API_DOC_FILE);
  if (process.argv.includes("--check")) {
    if (!existsSync(API_DOC_FILE) || readFileSync(API_DOC_FILE, "utf8") !== text) {
      console.error(`${relative} is out of date: run npm run plugin-docs`);
      process.exit(1);
    }
  } else {
    mkdirSync(path.dirname(API_DOC_FILE), { recursive: true });
    writeFileSync(API_DOC_FILE, text);
    console.error(`wrote ${relative}`);
  }
}

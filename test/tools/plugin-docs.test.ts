/**
 * docs/plugin-api.md is what tools/plugin-docs.ts writes from provider/schema.json, and the names it
 * gives in Python, Go and C# are those the generated SDKs (sdk/python, sdk/go, sdk/dotnet) declare:
 * each property with the schema name it stands for, each class and type, each enum constant.
 */
import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import { API_DOC_FILE, apiDocText, csharpName, goName, javaName, pythonName } from "../../tools/plugin-docs";

const ROOT = path.join(__dirname, "..", "..");

/** Every file under `dir` whose name ends with `ext`, concatenated. */
function sources(dir: string, ext: string): string {
  const texts: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at)) {
      const file = path.join(at, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (entry.endsWith(ext)) texts.push(readFileSync(file, "utf8"));
    }
  };
  walk(path.join(ROOT, dir));
  return texts.join("\n");
}

const python = sources("sdk/python/pulumi_glue_mv_refresh", ".py");
const go = sources("sdk/go/gluemvrefresh", ".go");
const csharp = sources("sdk/dotnet", ".cs");
const doc = readFileSync(API_DOC_FILE, "utf8");

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The names a table cell gives in backquotes. */
const quoted = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

interface Table {
  readonly head: string[];
  readonly rows: string[][];
}

/** The Markdown tables of the document, cells split at unescaped bars. */
function tables(markdown: string): Table[] {
  const found: Table[] = [];
  let lines: string[] = [];
  for (const line of [...markdown.split("\n"), ""]) {
    if (line.startsWith("|")) {
      lines.push(line);
      continue;
    }
    if (lines.length > 2) {
      const [head, , ...rows] = lines.map((l) =>
        l
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim()),
      );
      found.push({ head, rows });
    }
    lines = [];
  }
  return found;
}

const all = tables(doc);
const column = (table: Table, name: string) => table.head.indexOf(name);

/** Each property row: its schema name and its Python, Go and C# names. */
const properties = all
  .filter((t) => t.head.includes("Name (TypeScript, YAML, Java)"))
  .flatMap((t) =>
    t.rows.map((cells) => {
      const [schema] = quoted(cells[column(t, "Name (TypeScript, YAML, Java)")]);
      const [goField, csField] = quoted(cells[column(t, "Go, C#")]);
      return { schema, python: quoted(cells[column(t, "Python")])[0], go: goField, csharp: csField ?? goField };
    }),
  );
const names = all.find((t) => t.head[0] === "Schema")!;
const enums = all.filter((t) => t.head[0] === "Value");

it("is what npm run plugin-docs writes from provider/schema.json", () => {
  expect(doc).toBe(apiDocText());
});

it("documents every property of the schema", () => {
  const schema = JSON.parse(readFileSync(path.join(ROOT, "provider", "schema.json"), "utf8")) as {
    config: { variables: Record<string, unknown> };
    resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
    types: Record<string, { properties?: Record<string, unknown> }>;
  };
  const expected = [
    ...Object.keys(schema.config.variables),
    ...Object.values(schema.resources).flatMap((r) => [
      ...Object.keys(r.inputProperties),
      ...Object.keys(r.properties),
    ]),
    ...Object.values(schema.types).flatMap((t) => Object.keys(t.properties ?? {})),
  ];
  expect(properties.map((p) => p.schema).sort()).toEqual(expected.sort());
  expect(properties.length).toBeGreaterThan(50);
});

it("gives each property the Python name the Python SDK declares for it", () => {
  for (const { schema, python: name } of properties) {
    const getter = name === schema ? "@pulumi.getter" : `@pulumi.getter(name="${schema}")`;
    expect(`${schema}: ${String(new RegExp(`${escape(getter)}\\n\\s+def ${name}\\(self\\)`).test(python))}`).toBe(
      `${schema}: true`,
    );
  }
});

it("gives each property the Go field the Go SDK declares for it", () => {
  for (const { schema, go: name } of properties) {
    const field = new RegExp(`\\b${name}\\s+\\S+\\s+\`pulumi:"${schema}"\``);
    expect(`${schema}: ${String(field.test(go))}`).toBe(`${schema}: true`);
  }
});

it("gives each property the C# name the .NET SDK declares", () => {
  for (const { schema, csharp: name } of properties) {
    expect(`${schema}: ${String(new RegExp(`public [^\\n(]*\\b${name}\\b`).test(csharp))}`).toBe(`${schema}: true`);
  }
});

it("names classes and types that the Python, Go and C# SDKs declare", () => {
  const declared = (language: string, text: string, pattern: (name: string) => RegExp, strip: RegExp) =>
    quoted(text)
      .map((name) => name.replace(strip, ""))
      .filter((name) => !pattern(name).test(language === "python" ? python : language === "go" ? go : csharp))
      .map((name) => `${language} ${name}`);
  const missing = names.rows.flatMap((cells) => [
    ...declared("python", cells[column(names, "Python")], (n) => new RegExp(`^class ${n}\\b`, "m"), /^outputs\./),
    ...declared("go", cells[column(names, "Go")], (n) => new RegExp(`^(type|func) ${n}\\b`, "m"), /^$/),
    ...declared("csharp", cells[column(names, "C#")], (n) => new RegExp(`(class|struct) ${n}\\b`), /^(In|Out)puts\./),
  ]);
  expect(missing).toEqual([]);
  expect(names.rows.length).toBeGreaterThan(5);
});

it("names each enum value's constant as the Python, Go and C# SDKs declare it", () => {
  expect(enums.length).toBeGreaterThan(0);
  for (const table of enums) {
    for (const cells of table.rows) {
      const [value] = quoted(cells[0]);
      const [, pythonMember] = quoted(cells[column(table, "Python")])[0].split(".");
      const [goConstant] = quoted(cells[column(table, "Go")]);
      const [csType, csMember] = quoted(cells[column(table, "C#")])[0].split(".");
      expect(python).toMatch(new RegExp(`\\b${pythonMember} = ${escape(value)}`));
      expect(go).toMatch(new RegExp(`\\b${goConstant}\\s*= \\w+\\(${escape(value)}\\)`));
      expect(csharp).toMatch(new RegExp(`${csType} ${csMember} \\{ get; \\} = new ${csType}\\(${escape(value)}\\)`));
    }
  }
});

it("follows the generators' own naming rules", () => {
  // Cases from Pulumi's tests of python.PyName.
  const py: [string, string][] = [
    ["kubeletConfigKey", "kubelet_config_key"],
    ["podCIDR", "pod_cidr"],
    ["podCidr", "pod_cidr"],
    ["podCIDRs", "pod_cidrs"],
    ["podIPs", "pod_ips"],
    ["nonResourceURLs", "non_resource_urls"],
    ["someTHINGsAREWeird", "some_things_are_weird"],
    ["podCIDRSet", "pod_cidr_set"],
    ["Sha256Hash", "sha256_hash"],
    ["SHA256Hash", "sha256_hash"],
    ["proj:config", "proj_config"],
    ["from", "from_"],
  ];
  expect(py.map(([name]) => [name, pythonName(name)])).toEqual(py);
  expect([goName("runId"), goName("id"), goName("iD"), goName("max-concurrent")]).toEqual([
    "RunId",
    "Id",
    "ID_",
    "MaxConcurrent",
  ]);
  expect([csharpName("dpuSeconds"), javaName("databaseName"), javaName("default")]).toEqual([
    "DpuSeconds",
    "databaseName",
    "default_",
  ]);
});

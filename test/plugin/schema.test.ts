/**
 * The plugin's schema against the rules it is derived from: the committed file is what the
 * generator writes, every default the TSDoc states is the default the rules apply, each property's
 * type is one its rule accepts, and every property has a description.
 */
import { readFileSync } from "fs";
import { SECRET_KEYS } from "../../src/aws/aws-config";
import { IDENTITY_PROPERTIES } from "../../src/model/diff";
import { GROUP_SET, MEMBER_SET } from "../../src/model/group-inputs";
import { DEFAULTS, IF_RUNNING_POLICIES, REFRESH_PROPERTIES } from "../../src/model/inputs";
import { PLUGIN_CONFIG_KEYS } from "../../src/plugin/config";
import type { Rule } from "../../src/model/rules";
import { SCHEMA_FILE, schemaText } from "../../tools/schema";

interface Spec {
  type?: string;
  $ref?: string;
  default?: unknown;
  description?: string;
  secret?: boolean;
  enum?: { value: string }[];
}
interface ObjectSpec {
  inputProperties?: Record<string, Spec>;
  properties: Record<string, Spec>;
  requiredInputs?: string[];
  required?: string[];
  replaceOnChanges?: string[];
}
const schema = JSON.parse(schemaText()) as {
  resources: Record<string, ObjectSpec>;
  types: Record<string, ObjectSpec & { enum?: { value: string }[] }>;
  config: { variables: Record<string, Spec> };
};
const refresh = schema.resources["glue-mv-refresh:index:MaterializedViewRefresh"];
const group = schema.resources["glue-mv-refresh:index:MaterializedViewRefreshGroup"];
const member = schema.types["glue-mv-refresh:index:GroupMember"];

/** A value of a schema type, and one of another type, to put to the property's rule. */
const SAMPLES: Record<string, [unknown, unknown]> = {
  string: ["sales", 7],
  number: [30, "30"],
  integer: [3, "3"],
  boolean: [true, "true"],
};

it("is committed as the generator writes it (npm run schema)", () => {
  expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(schemaText());
});

it.each([
  ["MaterializedViewRefresh", refresh.inputProperties!, REFRESH_PROPERTIES.rules as Record<string, Rule>],
  ["MaterializedViewRefreshGroup", group.inputProperties!, GROUP_SET.rules as Record<string, Rule>],
  ["a group's member", member.properties, MEMBER_SET.rules as Record<string, Rule>],
])("gives each input of %s a type its rule accepts, and a description", (_, properties, rules) => {
  for (const [name, spec] of Object.entries(properties)) {
    expect(spec.description).toMatch(/\w/);
    expect(rules[name]).toBeDefined();
    const sample = name === "endpoint" ? ["https://glue.us-east-1.amazonaws.com", 7] : spec.type && SAMPLES[spec.type];
    if (!sample) continue;
    expect([name, rules[name](sample[0])]).toEqual([name, undefined]);
    expect([name, rules[name](sample[1])]).not.toEqual([name, undefined]);
  }
});

it("states the defaults the rules apply", () => {
  for (const [name, value] of Object.entries(DEFAULTS)) {
    expect([name, refresh.inputProperties![name].default]).toEqual([name, value]);
  }
  expect(group.inputProperties!.timeoutMinutes.default).toBe(DEFAULTS.timeoutMinutes);
  expect(group.inputProperties!.ifRunning.default).toBe(DEFAULTS.ifRunning);
});

it("requires what the rules require, and replaces on a change of the view's identity", () => {
  expect(refresh.requiredInputs).toEqual(REFRESH_PROPERTIES.required);
  expect(member.required).toEqual(MEMBER_SET.required);
  expect(group.requiredInputs).toEqual(GROUP_SET.required);
  expect(refresh.replaceOnChanges).toEqual(IDENTITY_PROPERTIES);
});

it("offers exactly the ifRunning policies", () => {
  expect(schema.types["glue-mv-refresh:index:IfRunning"].enum!.map((e) => e.value)).toEqual(IF_RUNNING_POLICIES);
});

it("keeps external ids and keys secret", () => {
  expect(schema.types["glue-mv-refresh:index:AssumeRole"].properties.externalId.secret).toBe(true);
  expect(schema.types["glue-mv-refresh:index:RoleToAssume"].properties.externalId.secret).toBe(true);
  const secret = Object.entries(schema.config.variables)
    .filter(([, spec]) => spec.secret)
    .map(([key]) => `aws:${key}`);
  expect(secret.sort()).toEqual([...SECRET_KEYS].sort());
  expect(Object.keys(schema.config.variables)).toEqual(PLUGIN_CONFIG_KEYS);
});

it("speaks of the plugin's configuration, never of the aws: stack config", () => {
  expect(schemaText()).not.toMatch(/(?<!arn:)\baws:[a-z]|stack config/);
});

/**
 * Values the engine does not know yet (a preview's, while another resource is still to deploy) at
 * every position of every input shape the plugin takes: a whole input, an element of a list, a
 * value in a map, a field of an object, of a refresh, a group and the provider configuration. The
 * service is called as the engine calls it (check, then diff against the recorded state), without a
 * network: the inputs name their catalog and region, so nothing needs AWS.
 *
 * Check passes what is unknown and judges the rest; diff plans a change, names the input it comes
 * from, and never fails.
 */
import type * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import fc from "fast-check";
import { memberSettings, type GroupInputs } from "../../src/model/group-inputs";
import { createGroupLifecycle } from "../../src/deploy/group-lifecycle";
import { UNKNOWN } from "../../src/model/inputs";
import { createLifecycle } from "../../src/deploy/lifecycle";
import { GROUP_TYPE, groupResource, REFRESH_TYPE, refreshResource } from "../../src/plugin/resources";
import { providerService } from "../../src/plugin/server";
import { ACCOUNT } from "../support/fixtures";

type Values = Record<string, unknown>;
type Path = readonly (string | number)[];

const { DIFF_NONE, DIFF_SOME } = provproto.DiffResponse.DiffChanges;
const urn = (type: string, name: string) => `urn:pulumi:dev::unknowns::${type}::${name}`;
const struct = (values: Values) =>
  structproto.Struct.fromJavaScript(values as Record<string, structproto.JavaScriptValue>);

/** The service's handlers, called directly: the engine's requests without a gRPC server. */
const service = providerService({
  resources: {
    [REFRESH_TYPE]: refreshResource(createLifecycle({ print: () => undefined })),
    [GROUP_TYPE]: groupResource(createGroupLifecycle({ print: () => undefined })),
  },
  schema: "{}",
  version: "0.0.0",
});
function call<Res>(method: string, request: unknown): Promise<Res> {
  const handler = service[method] as grpc.handleUnaryCall<unknown, Res>;
  return new Promise((resolve, reject) =>
    handler({ request } as grpc.ServerUnaryCall<unknown, Res>, (error, response) =>
      error ? reject(new Error(String(error.details))) : resolve(response as Res),
    ),
  );
}

async function check(type: string, news: Values) {
  const request = new provproto.CheckRequest().setUrn(urn(type, "v")).setNews(struct(news));
  const response = await call<provproto.CheckResponse>(type === "config" ? "checkConfig" : "check", request);
  return {
    inputs: response.getInputs()?.toJavaScript() as Values,
    failures: response.getFailuresList().map((f) => f.getReason()),
  };
}

async function diff(type: string, olds: Values, news: Values) {
  const request = new provproto.DiffRequest()
    .setUrn(urn(type, "v"))
    .setId("id")
    .setOlds(struct(olds))
    .setNews(struct(news));
  const response = await call<provproto.DiffResponse>("diff", request);
  return { changes: response.getChanges(), diffs: response.getDiffsList() };
}

/** Every position in a value: each field, element and map value, at any depth. */
function positions(value: unknown, path: Path = []): Path[] {
  if (typeof value !== "object" || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, v]) => [[...path, key], ...positions(v, [...path, key])]);
}

/** The value with the engine's unknown at `path`. */
function unknownAt(value: unknown, path: Path): unknown {
  if (path.length === 0) return UNKNOWN;
  const [key, ...rest] = path;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Values) }) as Record<
    string | number,
    unknown
  >;
  copy[key] = unknownAt(copy[key], rest);
  return copy;
}

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/);
const upstream = fc.record({
  runId: fc.uuid(),
  status: fc.constantFrom("SUCCEEDED", "FAILED"),
  catalogId: fc.constant(ACCOUNT),
  databaseName: name,
  tableName: name.map((t) => `${t}_up`),
  region: fc.constant("us-east-1"),
});
const triggers = fc.dictionary(
  name,
  fc.oneof(fc.string(), fc.integer(), fc.array(fc.oneof(fc.string(), fc.boolean()), { maxLength: 2 })),
  { maxKeys: 3 },
);
const role = fc.record(
  {
    roleArn: fc.constant("arn:aws:iam::222222222222:role/deploy"),
    externalId: fc.constant("shared-external-id"),
    sessionName: fc.constant("release"),
    durationSeconds: fc.integer({ min: 900, max: 3600 }),
  },
  { requiredKeys: ["roleArn"] },
);
/** A view's own inputs, each optional one present or not. */
const view = fc.record(
  {
    catalogId: fc.constant(ACCOUNT),
    databaseName: name,
    tableName: name,
    region: fc.constant("us-east-1"),
    fullRefresh: fc.boolean(),
    triggers,
    upstreams: fc.uniqueArray(upstream, { maxLength: 2, selector: (u) => `${u.databaseName}.${u.tableName}` }),
    timeoutMinutes: fc.integer({ min: 1, max: 600 }),
    ifRunning: fc.constantFrom("wait", "stop", "adopt", "fail"),
  },
  { requiredKeys: ["catalogId", "databaseName", "tableName", "region"] },
);
const refresh = fc
  .tuple(
    view,
    fc.record(
      {
        waitForCompletion: fc.boolean(),
        quiet: fc.boolean(),
        endpoint: fc.constant("http://127.0.0.1:4566"),
        assumeRole: role,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([own, settings]) => ({ ...own, ...settings }));
const group = fc.record(
  {
    views: fc.dictionary(name, view, { minKeys: 1, maxKeys: 3 }),
    maxConcurrent: fc.integer({ min: 1, max: 8 }),
    region: fc.constant("us-east-1"),
    assumeRole: role,
    ifRunning: fc.constantFrom("wait", "stop"),
  },
  { requiredKeys: ["views"] },
);
const keys = fc.option(fc.constant({ accessKey: "AKIAEXAMPLE", secretKey: "secret" }), { nil: undefined });
const settings = fc.record(
  {
    region: fc.constant("us-east-1"),
    assumeRoles: fc.array(role, { minLength: 1, maxLength: 2 }),
    allowedAccountIds: fc.array(fc.constantFrom("222222222222", 333333333333), { minLength: 1, maxLength: 2 }),
    endpoints: fc.constant([{ glue: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4566" }]),
    sharedConfigFiles: fc.constant(["config"]),
  },
  { requiredKeys: [] },
);
const config = fc.tuple(keys, settings).map(([credentials, rest]) => ({ ...credentials, ...rest }));

/** Inputs and one of their positions (the whole input included) to make unknown. */
const withPosition = <T extends Values>(inputs: fc.Arbitrary<T>) =>
  inputs.chain((known) => {
    const all = positions(known);
    return fc.tuple(fc.constant(known), all.length > 0 ? fc.constantFrom(...all) : fc.constant([] as Path));
  });

/** The state a deployment of these checked inputs records: the inputs and a successful run. */
const recorded = (inputs: Values): Values => ({
  ...inputs,
  runId: "3f2b8c1e-7a4d-4e5f-9b10-2c3d4e5f6a7b",
  status: "SUCCEEDED",
  startedAt: "2026-01-01T00:00:00.000Z",
});

const NUM_RUNS = 150;

it("checks a refresh with an unknown anywhere, and plans its change", async () => {
  await fc.assert(
    fc.asyncProperty(withPosition(refresh), async ([known, path]) => {
      const olds = recorded((await check(REFRESH_TYPE, known)).inputs);
      const news = unknownAt(known, path) as Values;
      const checked = await check(REFRESH_TYPE, news);
      expect(checked.failures).toEqual([]);
      // Preview names the input the change depends on.
      expect(await diff(REFRESH_TYPE, olds, checked.inputs)).toEqual({
        changes: DIFF_SOME,
        diffs: expect.arrayContaining([String(path[0])]),
      });
    }),
    { numRuns: NUM_RUNS },
  );
});

it("checks a group with an unknown anywhere, and plans its change", async () => {
  await fc.assert(
    fc.asyncProperty(withPosition(group), async ([known, path]) => {
      const inputs = (await check(GROUP_TYPE, known)).inputs;
      const views = inputs.views as Record<string, Values>;
      const memberState = (key: string) =>
        recorded(JSON.parse(JSON.stringify(memberSettings(inputs as unknown as GroupInputs, key))) as Values);
      const olds = { ...inputs, runs: Object.fromEntries(Object.keys(views).map((key) => [key, memberState(key)])) };
      const checked = await check(GROUP_TYPE, unknownAt(known, path) as Values);
      expect(checked.failures).toEqual([]);
      // A group's setting that every member sets for itself changes nothing, known or not.
      const [property] = path;
      const shadowed =
        path.length === 1 &&
        !["views", "maxConcurrent"].includes(String(property)) &&
        Object.values(views).every((member) => String(property) in member);
      expect((await diff(GROUP_TYPE, olds, checked.inputs)).changes).toBe(shadowed ? DIFF_NONE : DIFF_SOME);
    }),
    { numRuns: NUM_RUNS },
  );
});

it("checks a provider configuration with an unknown anywhere", async () => {
  await fc.assert(
    fc.asyncProperty(withPosition(config), async ([known, path]) => {
      expect((await check("config", unknownAt(known, path) as Values)).failures).toEqual([]);
    }),
    { numRuns: NUM_RUNS },
  );
});

it("still judges what is known beside what is not", async () => {
  const news = { databaseName: "sales", tableName: "weekly", upstreams: [UNKNOWN], timeoutMinutes: -1 };
  expect((await check(REFRESH_TYPE, news)).failures).toEqual([
    "timeoutMinutes must be a positive number of minutes, at most 10080 (7 days); got -1",
  ]);
  const role = { roleArn: UNKNOWN, sessionName: "x" };
  expect((await check(REFRESH_TYPE, { databaseName: "a", tableName: "b", assumeRole: role })).failures).toEqual([
    'assumeRole.sessionName must be 2-64 characters of letters, digits and _+=,.@-; got "x"',
  ]);
  const views = { a: UNKNOWN, b: { databaseName: "sales", tableName: "b", upstreams: [UNKNOWN, { runId: "r" }] } };
  expect((await check(GROUP_TYPE, { views })).failures).toEqual([
    expect.stringMatching(/^views\.b\.upstreams must be a list of upstream runs/),
  ]);
});

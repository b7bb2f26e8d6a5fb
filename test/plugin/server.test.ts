/**
 * The provider plugin's gRPC service, called as the engine calls it, against the Glue emulator:
 * configuration, check, diff, create and update of a refresh, a chain and a group, and the partial
 * state of a failed refresh.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type { GlueEmulator } from "../../src/emulator";
import { GROUP_TYPE, REFRESH_TYPE } from "../../src/plugin/resources";
import { CREDENTIALS, emulatorFor } from "../support/e2e";
import { callService, servedPlugin, struct } from "../support/plugin-client";

jest.setTimeout(60_000);

type Values = Record<string, unknown>;
const VIEWS = ["a_mv", "b_mv", "c_mv", "d_mv"].map((tableName) => ({ databaseName: "sales", tableName }));
const urn = (type: string, name: string) => `urn:pulumi:dev::plugin-test::${type}::${name}`;
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

let emulator: GlueEmulator;
let server: grpc.Server;
let client: provrpc.ResourceProviderClient;
const lines: string[] = [];

const call = <Req, Res>(method: string, request: Req) => callService<Req, Res>(client, method, request);

async function check(type: string, name: string, news: Values, olds: Values = {}) {
  const request = new provproto.CheckRequest().setUrn(urn(type, name)).setNews(struct(news)).setOlds(struct(olds));
  const response = await call<provproto.CheckRequest, provproto.CheckResponse>("check", request);
  return {
    inputs: response.getInputs()?.toJavaScript() as Values,
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

async function create(type: string, name: string, news: Values) {
  const { inputs, failures } = await check(type, name, news);
  expect(failures).toEqual([]);
  const request = new provproto.CreateRequest().setUrn(urn(type, name)).setProperties(struct(inputs));
  const response = await call<provproto.CreateRequest, provproto.CreateResponse>("create", request);
  return { id: response.getId(), outs: response.getProperties()?.toJavaScript() as Values, inputs };
}

async function diff(type: string, name: string, id: string, olds: Values, news: Values) {
  const { inputs } = await check(type, name, news, olds);
  const request = new provproto.DiffRequest()
    .setUrn(urn(type, name))
    .setId(id)
    .setOlds(struct(olds))
    .setNews(struct(inputs));
  const response = await call<provproto.DiffRequest, provproto.DiffResponse>("diff", request);
  return { changes: response.getChanges(), replaces: response.getReplacesList(), inputs };
}

const configure = (args: Values) =>
  call<provproto.ConfigureRequest, provproto.ConfigureResponse>(
    "configure",
    new provproto.ConfigureRequest().setArgs(struct(args)),
  );

beforeAll(async () => {
  emulator = await emulatorFor(VIEWS, { runDurationMs: 5 * 60_000 });
  ({ server, client } = await servedPlugin(emulator, lines));
  await configure({
    region: "us-east-1",
    accessKey: { ...SECRET, value: CREDENTIALS.accessKeyId },
    secretKey: { ...SECRET, value: CREDENTIALS.secretAccessKey },
    endpoints: [{ glue: emulator.endpoint, sts: emulator.endpoint }],
  });
});
afterAll(async () => {
  client?.close();
  server?.forceShutdown();
  await emulator?.close();
});

it("serves its schema and version", async () => {
  const schema = await call<provproto.GetSchemaRequest, provproto.GetSchemaResponse>(
    "getSchema",
    new provproto.GetSchemaRequest(),
  );
  expect(JSON.parse(schema.getSchema())).toMatchObject({ name: "glue-mv-refresh" });
  const info = await call<emptyproto.Empty, { getVersion(): string }>("getPluginInfo", new emptyproto.Empty());
  expect(info.getVersion()).toBe("1.2.3");
});

it("refuses configuration by the plugin's names, with the value and the rule", async () => {
  const request = new provproto.CheckRequest()
    .setUrn("urn:pulumi:dev::plugin-test::pulumi:providers:glue-mv-refresh::default")
    .setNews(struct({ region: "US East", proflie: "dev", version: "0.1.0" }));
  const response = await call<provproto.CheckRequest, provproto.CheckResponse>("checkConfig", request);
  const reasons = response.getFailuresList().map((f) => f.getReason());
  expect(reasons).toEqual([
    expect.stringMatching(
      /^glue-mv-refresh:proflie is not a setting of the glue-mv-refresh provider \(known: region, profile,/,
    ),
    expect.stringMatching(/stack config cannot be used: glue-mv-refresh:region .*got "US East"/),
  ]);
});

it("names a bad input's property, value and rule in check", async () => {
  const { failures } = await check(REFRESH_TYPE, "bad", { ...VIEWS[0], timeoutMinutes: -1, ifRunning: "skip" });
  expect(failures.sort((x, y) => x.property.localeCompare(y.property))).toEqual([
    { property: "ifRunning", reason: 'ifRunning must be one of "wait", "stop", "adopt", "fail"; got "skip"' },
    { property: "timeoutMinutes", reason: expect.stringMatching(/^timeoutMinutes must be a positive number.*got -1$/) },
  ]);
});

it("creates a refresh that records its run, and a downstream view that takes it as its upstream", async () => {
  const a = await create(REFRESH_TYPE, "a", { ...VIEWS[0], triggers: { v: 1 } });
  const [runA] = emulator.runs(VIEWS[0]);
  expect(a.id).toBe(`${emulator.accountId}:sales.a_mv`);
  expect(a.outs).toMatchObject({ runId: runA.runId, status: "SUCCEEDED", resourceName: "a", region: "us-east-1" });
  expect(a.outs.upstream).toEqual({
    runId: runA.runId,
    status: "SUCCEEDED",
    catalogId: emulator.accountId,
    databaseName: "sales",
    tableName: "a_mv",
    region: "us-east-1",
  });
  expect(lines).toContain(`a (sales.a_mv): started refresh run ${runA.runId}`);

  const b = await create(REFRESH_TYPE, "b", { ...VIEWS[1], upstreams: [a.outs.upstream] });
  expect(b.inputs.triggers).toEqual({ "source:sales.a_mv": runA.runId });
  expect(b.outs.triggers).toEqual({ "source:sales.a_mv": runA.runId });
  const [runB] = emulator.runs(VIEWS[1]);
  expect(runB.startTime).toBeGreaterThanOrEqual(runA.endTime!);

  // The same inputs: no change. A new upstream run: B refreshes. Another view: B is replaced.
  const same = await diff(REFRESH_TYPE, "b", b.id, b.outs, { ...VIEWS[1], upstreams: [a.outs.upstream] });
  expect(same.changes).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
  const rerun = { ...(a.outs.upstream as Values), runId: "another-run" };
  const changed = await diff(REFRESH_TYPE, "b", b.id, b.outs, { ...VIEWS[1], upstreams: [rerun] });
  expect(changed.changes).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
  expect(changed.replaces).toEqual([]);
  const moved = await diff(REFRESH_TYPE, "b", b.id, b.outs, { ...VIEWS[2], upstreams: [a.outs.upstream] });
  expect(moved.replaces).toEqual(["tableName"]);
});

it("refuses upstreams that name a view twice", async () => {
  const upstream = { ...VIEWS[0], runId: "r", status: "SUCCEEDED", catalogId: "123456789012", region: "us-east-1" };
  const { failures } = await check(REFRESH_TYPE, "twice", { ...VIEWS[1], upstreams: [upstream, upstream] });
  expect(failures).toEqual([{ property: "upstreams", reason: "upstreams: sources name sales.a_mv twice" }]);
});

it("keeps a failed refresh's run in the resource's state", async () => {
  emulator.failNextRuns(VIEWS[2], 1, "Spark ran out of memory");
  const { inputs } = await check(REFRESH_TYPE, "c", { ...VIEWS[2] });
  const request = new provproto.CreateRequest().setUrn(urn(REFRESH_TYPE, "c")).setProperties(struct(inputs));
  const error = await call("create", request).then(
    () => undefined,
    (e: grpc.ServiceError) => e,
  );
  expect(error?.details).toMatch(
    /MaterializedViewRefresh "c" \(sales\.c_mv\): refresh run \S+ ended FAILED: Spark ran out of memory/,
  );
  const status = statusproto.Status.deserializeBinary(error!.metadata.get("grpc-status-details-bin")[0] as Buffer);
  const detail = provproto.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue_asU8());
  expect(detail.getId()).toBe(`${emulator.accountId}:sales.c_mv`);
  expect(detail.getProperties()?.toJavaScript()).toMatchObject({
    runId: emulator.runs(VIEWS[2])[0].runId,
    status: "FAILED",
  });
});

it("refreshes a group's members together and records each member's run", async () => {
  const group = await create(GROUP_TYPE, "sales-views", {
    views: { c: { ...VIEWS[2] }, d: { ...VIEWS[3], triggers: { v: 1 } } },
  });
  const runs = group.outs.runs as Record<string, Values>;
  expect(Object.keys(runs).sort()).toEqual(["c", "d"]);
  expect(runs.d).toMatchObject({ runId: emulator.runs(VIEWS[3])[0].runId, status: "SUCCEEDED" });
  const same = await diff(GROUP_TYPE, "sales-views", group.id, group.outs, group.inputs);
  expect(same.changes).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
});

/**
 * The provider plugin's preview: Create and Update called with `preview` answer with the forecast
 * in the previewed outputs and a line under the resource, list runs only (one List per view, one
 * per database for a group's members), start and stop nothing; the forecast of a stable history is
 * within 15% of the run that follows; a view with no history says so; a budget below the forecast
 * fails the preview and the create before any Start, one above it lets them through.
 */
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import type { GlueEmulator } from "../../src/emulator";
import { UNKNOWN } from "../../src/model/inputs";
import { GROUP_TYPE, REFRESH_TYPE } from "../../src/plugin/resources";
import { CREDENTIALS, emulatorFor } from "../support/e2e";
import { callService, servedPlugin, struct } from "../support/plugin-client";

jest.setTimeout(60_000);

type Values = Record<string, unknown>;
const view = (databaseName: string, tableName: string) => ({ databaseName, tableName });
const STABLE = view("sales", "stable_mv");
const NEW_IN_SALES = view("sales", "new_mv");
const MEMBER = view("sales", "member_mv");
const LONELY = view("empty", "lonely_mv");
const urn = (type: string, name: string) => `urn:pulumi:dev::plugin-test::${type}::${name}`;
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
/** Ten minutes, the stable view's INCREMENTAL runs' duration, give or take the noise. */
const TEN_MINUTES = 10 * 60_000;
const NOISE = [0.97, 1.04, 0.99, 1.02, 0.96, 1.05];

let emulator: GlueEmulator;
let server: grpc.Server;
let client: provrpc.ResourceProviderClient;
const lines: string[] = [];

const call = <Req, Res>(method: string, request: Req) => callService<Req, Res>(client, method, request);

async function checked(type: string, name: string, news: Values): Promise<Values> {
  const request = new provproto.CheckRequest().setUrn(urn(type, name)).setNews(struct(news)).setOlds(struct({}));
  const response = await call<provproto.CheckRequest, provproto.CheckResponse>("check", request);
  expect(response.getFailuresList()).toEqual([]);
  return response.getInputs()!.toJavaScript();
}

async function create(type: string, name: string, news: Values, preview: boolean) {
  const inputs = await checked(type, name, news);
  const request = new provproto.CreateRequest()
    .setUrn(urn(type, name))
    .setProperties(struct(inputs))
    .setPreview(preview);
  const response = await call<provproto.CreateRequest, provproto.CreateResponse>("create", request);
  return { id: response.getId(), outs: response.getProperties()!.toJavaScript() as Values };
}

const configure = (extra: Values = {}) =>
  call<provproto.ConfigureRequest, provproto.ConfigureResponse>(
    "configure",
    new provproto.ConfigureRequest().setArgs(
      struct({
        region: "us-east-1",
        accessKey: { ...SECRET, value: CREDENTIALS.accessKeyId },
        secretKey: { ...SECRET, value: CREDENTIALS.secretAccessKey },
        endpoints: [{ glue: emulator.endpoint, sts: emulator.endpoint }],
        ...extra,
      }),
    ),
  );

const operations = () => emulator.requests.map((r) => r.operation).filter((o) => o !== "GetCallerIdentity");

/** Runs a view out of band for `ms` emulated, to its end. */
function history(v: { databaseName: string; tableName: string }, ms: number) {
  emulator.startRunOutOfBand(v, { durationMs: ms });
  emulator.advanceTime(ms + 1000);
}

beforeAll(async () => {
  emulator = await emulatorFor([STABLE, NEW_IN_SALES, MEMBER, LONELY], { runDurationMs: TEN_MINUTES });
  // The stable view: a first (FULL) run of 30 minutes, then INCREMENTAL runs of ten, with noise.
  history(STABLE, 30 * 60_000);
  for (const n of NOISE.slice(0, 5)) history(STABLE, TEN_MINUTES * n);
  ({ server, client } = await servedPlugin(emulator, lines));
  const configured = await configure();
  expect(configured.getSupportspreview()).toBe(true);
});
afterAll(async () => {
  client?.close();
  server?.forceShutdown();
  await emulator?.close();
});
beforeEach(() => {
  emulator.resetRequests();
  lines.length = 0;
});

it("previews a create with the forecast from the view's own runs, one List and no Start", async () => {
  const { outs } = await create(REFRESH_TYPE, "stable", STABLE, true);
  expect(operations()).toEqual(["ListMaterializedViewRefreshTaskRuns"]);
  expect(outs).toMatchObject({ runId: UNKNOWN, status: UNKNOWN, upstream: UNKNOWN, tableName: "stable_mv" });
  expect(outs.forecast).toMatchObject({
    refreshType: "INCREMENTAL",
    basis: "own",
    basedOnRuns: 5,
    dpuHourPriceUsd: 0.44,
  });
  const f = outs.forecast as { durationSeconds: number; dpuSeconds: number; costUsd: number };
  expect(f.durationSeconds).toBe(594); // the median of the noise, 0.99
  expect(f.costUsd).toBeCloseTo((f.dpuSeconds / 3600) * 0.44, 3);
  expect(lines).toEqual([
    expect.stringMatching(
      /^stable \(sales\.stable_mv\): would refresh \(a new view\): INCREMENTAL refresh expected to take 9m 54s \(p90 10m 24s\), 1\.6\d DPU-hours, \$0\.7\d \(p90 \$0\.7\d\) at \$0\.44\/DPU-hour; based on its last 5 INCREMENTAL runs$/,
    ),
  ]);
});

it("forecasts a stable history within 15% of the run that follows", async () => {
  const { outs: previewed } = await create(REFRESH_TYPE, "stable", STABLE, true);
  const forecast = previewed.forecast as { durationSeconds: number; dpuSeconds: number };
  emulator.setRunDuration(STABLE, TEN_MINUTES * NOISE[5]);
  const { outs } = await create(REFRESH_TYPE, "stable", STABLE, false);
  expect(outs.status).toBe("SUCCEEDED");
  const seconds = (Date.parse(outs.endTime as string) - Date.parse(outs.startedAt as string)) / 1000;
  expect(Math.abs(forecast.durationSeconds - seconds) / seconds).toBeLessThan(0.15);
  expect(Math.abs(forecast.dpuSeconds - (outs.dpuSeconds as number)) / (outs.dpuSeconds as number)).toBeLessThan(0.15);
});

it("guesses a view with no history from its database's other views, and says when there is none", async () => {
  const { outs } = await create(REFRESH_TYPE, "new", NEW_IN_SALES, true);
  expect(outs.forecast).toMatchObject({
    refreshType: "FULL",
    basis: "database",
    basedOnRuns: 1,
    durationSeconds: 1800,
  });
  const { outs: lonely } = await create(REFRESH_TYPE, "lonely", LONELY, true);
  expect(lonely.forecast).toEqual({ refreshType: "FULL", basis: "none", basedOnRuns: 0, dpuHourPriceUsd: 0.44 });
  expect(lines).toEqual([
    expect.stringContaining("no history of its own: a guess from 1 FULL run of its database's other views"),
    "lonely (empty.lonely_mv): would refresh (a new view): FULL refresh: no history (no successful FULL run of this view or of its database's other views), no forecast",
  ]);
  expect(operations().every((o) => o === "ListMaterializedViewRefreshTaskRuns")).toBe(true);
});

it("previews a group's members with one List of their database, and a line for each", async () => {
  const { outs } = await create(
    GROUP_TYPE,
    "nightly",
    { maxConcurrent: 2, views: { stable: STABLE, member: MEMBER } },
    true,
  );
  // At most one List of the database, none when a view of it listed it within the last (emulated) minute.
  expect(["[]", '["ListMaterializedViewRefreshTaskRuns"]']).toContain(JSON.stringify(operations()));
  expect(outs.runs).toBe(UNKNOWN);
  expect(outs.forecast).toMatchObject({
    stable: { refreshType: "INCREMENTAL", basis: "own" },
    member: { refreshType: "FULL", basis: "database" },
  });
  expect(lines).toHaveLength(2);
});

it("fails preview and create before any Start when the forecast is over budget, names the views; lets them through above it", async () => {
  await configure({ maxCostUsd: 0.05 });
  const error = await create(REFRESH_TYPE, "stable2", STABLE, true).then(
    () => "no error",
    (e: Error) => e.message,
  );
  expect(error).toMatch(
    /MaterializedViewRefresh "stable2".*over budget: expected cost \$0\.\d\d exceeds glue-mv-refresh:maxCostUsd \$0\.05: .*stable2 \(sales\.stable_mv\) \d\.\d+ DPU-hours, \$0\.\d\d.*No refresh was started/,
  );
  const failed = await create(REFRESH_TYPE, "stable2", STABLE, false).then(
    () => "no error",
    (e: Error) => e.message,
  );
  expect(failed).toMatch(/over budget/);
  expect(operations()).not.toContain("StartMaterializedViewRefreshTaskRun");

  await configure({ maxCostUsd: 100, maxDpuHours: 50 });
  const { outs } = await create(REFRESH_TYPE, "stable2", STABLE, false);
  expect(outs.status).toBe("SUCCEEDED");
  await configure();
});

it("refuses a budget that is not a positive number, naming the key and value", async () => {
  const request = new provproto.CheckRequest()
    .setUrn("urn:pulumi:dev::plugin-test::pulumi:providers:glue-mv-refresh::default")
    .setNews(struct({ maxCostUsd: -1 }));
  const response = await call<provproto.CheckRequest, provproto.CheckResponse>("checkConfig", request);
  expect(response.getFailuresList().map((f) => f.getReason())).toEqual([
    "glue-mv-refresh:maxCostUsd must be a positive number; got -1",
  ]);
});

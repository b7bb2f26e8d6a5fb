/**
 * The package installed from its `npm pack` tarball, and from a git URL, into a fresh program,
 * deployed through the provider host; and a stack moving between two copies of the package whose
 * provider texts differ.
 */
import { readFileSync, rmSync } from "fs";
import * as path from "path";
import { Engine } from "../../harness";
import type { GlueEmulator } from "../../src/emulator";
import { E2E_PROGRAM, E2eStack, emulatorFor, hostEnv, startsAnswered } from "../support/e2e";
import { installFromGit, installPacked, type InstalledProgram } from "../../harness/packaging";

jest.setTimeout(120_000);

const DAILY = { databaseName: "sales", tableName: "daily_mv" };
let installed: InstalledProgram;
let emulator: GlueEmulator;

/** The e2e program's refreshes and groups alone: a fresh program has no @pulumi/aws for its tables. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import {
  MaterializedViewRefresh,
  MaterializedViewRefreshGroup,
  type MaterializedViewRefreshArgs,
  type MaterializedViewRefreshGroupArgs,
} from "pulumi-glue-mv-refresh";

const config = new pulumi.Config();
for (const { name, args } of config.getObject<{ name: string; args: MaterializedViewRefreshArgs }[]>("refreshes") ?? []) {
  new MaterializedViewRefresh(name, args);
}
for (const { name, args } of config.getObject<{ name: string; args: MaterializedViewRefreshGroupArgs }[]>("groups") ?? []) {
  new MaterializedViewRefreshGroup(name, args);
}
`;

const PROGRAM_FILES = {
  "Pulumi.yaml": readFileSync(path.join(E2E_PROGRAM, "Pulumi.yaml"), "utf8"),
  "index.ts": PROGRAM,
};

beforeAll(() => {
  // The same project as the e2e program, so that one stack's state can move between the two.
  installed = installPacked(PROGRAM_FILES);
}, 180_000);
afterAll(() => rmSync(installed.work, { recursive: true, force: true }));

beforeEach(async () => {
  emulator = await emulatorFor([DAILY]);
});
afterEach(() => emulator.close());

const declared = (endpoint: string) =>
  JSON.stringify([{ name: "daily", args: { ...DAILY, endpoint, triggers: { schema: 1 } } }]);

it("deploys from a program that installed the package from its tarball", async () => {
  const engine = new Engine({ projectDir: installed.dir, hostEnv: hostEnv(emulator), typeCheck: true });
  const report = await engine.up({ config: { "aws:region": "us-east-1", refreshes: declared(emulator.endpoint) } });
  expect(report.ok).toBe(true);
  expect(report.steps[0].outputs).toMatchObject({ runId: emulator.runs(DAILY)[0].runId, status: "SUCCEEDED" });
  expect(engine.resource("daily")?.inputs.__provider).toContain('require("pulumi-glue-mv-refresh/provider")');
});

it("deploys a group from the tarball, its provider a reference to the package's own", async () => {
  const engine = new Engine({ projectDir: installed.dir, hostEnv: hostEnv(emulator) });
  const groups = JSON.stringify([{ name: "views", args: { views: { daily: DAILY }, endpoint: emulator.endpoint } }]);
  const report = await engine.up({ config: { "aws:region": "us-east-1", groups } });
  expect(report.ok).toBe(true);
  expect(report.steps[0].outputs?.runs).toMatchObject({ daily: { runId: emulator.runs(DAILY)[0].runId } });
  expect(engine.resource("views")?.inputs.__provider).toContain('require("pulumi-glue-mv-refresh/group-provider")');
});

it("refreshes nothing when the stack moves to a copy of the package with a different provider text", async () => {
  const config = { "aws:region": "us-east-1", refreshes: declared(emulator.endpoint) };
  const fromRepository = new E2eStack(emulator).engine;
  expect((await fromRepository.up({ config })).steps.map((s) => s.op)).toEqual(["create"]);

  const fromTarball = new Engine({ projectDir: installed.dir, hostEnv: hostEnv(emulator) });
  fromTarball.state = fromRepository.state;
  const report = await fromTarball.up({ config });
  expect(report.steps.map((s) => s.op)).toEqual(["same"]);
  expect(startsAnswered(emulator)).toBe(1);
  const before = fromRepository.state[0].inputs.__provider;
  const after = fromTarball.resource("daily")?.inputs.__provider;
  expect(after).not.toEqual(before);
});

describe("installed from a git URL, as README's install section says", () => {
  let fromGit: InstalledProgram;
  beforeAll(() => {
    fromGit = installFromGit(PROGRAM_FILES);
  }, 300_000);
  afterAll(() => rmSync(fromGit.work, { recursive: true, force: true }));

  it("is built by prepare in the clone, ships what the tarball ships, and deploys", async () => {
    expect(fromGit.packed.sort()).toEqual([...installed.packed].sort());
    const engine = new Engine({ projectDir: fromGit.dir, hostEnv: hostEnv(emulator), typeCheck: true });
    const report = await engine.up({ config: { "aws:region": "us-east-1", refreshes: declared(emulator.endpoint) } });
    expect(report.ok).toBe(true);
    expect(report.steps[0].outputs).toMatchObject({ runId: emulator.runs(DAILY)[0].runId, status: "SUCCEEDED" });
  });
});

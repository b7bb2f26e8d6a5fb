/** Following a run, alone: the wait paced by the expected duration, and the wait for a run to be listed. */
import { ListMaterializedViewRefreshTaskRunsCommand } from "@aws-sdk/client-glue";
import { awaitListed, expectedDuration, settle } from "../../src/deploy/following";
import { settings } from "../support/fixtures";
import { accessDenied, glueMock, sdkErrors, StubGlue } from "../support/glue-stub";

const target = { region: "us-east-1" };
const view = { catalogId: "123456789012", databaseName: "sales", tableName: "daily_mv" };
const MINUTE = 60_000;

describe("expectedDuration", () => {
  it("is the view's newest successful run, else nothing when List fails or shows none", async () => {
    const glue = new StubGlue();
    const ctx = glue.context();
    expect(await expectedDuration(ctx, target, view, "now", false)).toBeUndefined();
    glue.addRun(7 * MINUTE);
    glue.clock.time += 60 * MINUTE;
    expect(await expectedDuration(ctx, target, view, "now", false)).toBe(7 * MINUTE);
    glue.failNext("List", () => accessDenied("not allowed to list"));
    expect(await expectedDuration(ctx, target, view, "now", false)).toBeUndefined();
  });

  it("on a view's first refresh, guesses from the database's other views with a second List", async () => {
    const glue = new StubGlue();
    const ctx = glue.context();
    const other = glue.record(glue.addRun(6 * MINUTE), glue.clock.now() + 6 * MINUTE);
    glue.clock.time += 60 * MINUTE;
    const scopes: (string | undefined)[] = [];
    glueMock.on(ListMaterializedViewRefreshTaskRunsCommand).callsFake((input: { TableName?: string }) => {
      scopes.push(input.TableName);
      return { MaterializedViewRefreshTaskRuns: input.TableName ? [] : [{ ...other, TableName: "weekly_mv" }] };
    });
    expect(await expectedDuration(ctx, target, view, "now", false)).toBe(6 * MINUTE);
    expect(scopes).toEqual(["daily_mv", undefined]);
  });
});

describe("settle", () => {
  it("polls until the run ends, printing progress at most once a minute", async () => {
    const glue = new StubGlue({ durationMs: 10 * MINUTE });
    const ctx = glue.context();
    const started = glue.addRun(10 * MINUTE);
    const run = { runId: started.id, status: "STARTING" as const, startTime: new Date(started.started) };
    const waited = await settle(ctx, settings(), target, run, glue.budget(ctx));
    expect(waited).toMatchObject({ state: "done", value: { status: "SUCCEEDED" } });
    const progress = glue.lines.filter((l) => l.includes("elapsed"));
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.length).toBeLessThanOrEqual(10);
  });

  it("keeps the run's last record while Get does not know it yet, through transient failures", async () => {
    const glue = new StubGlue({ readLagMs: 30_000 });
    const ctx = glue.context();
    const started = glue.addRun(2 * MINUTE);
    glue.failNext("Get", sdkErrors.throttling, { times: 2 });
    const run = { runId: started.id, status: "STARTING" as const, startTime: new Date(started.started) };
    const waited = await settle(ctx, settings(), target, run, glue.budget(ctx));
    expect(waited).toMatchObject({ state: "done", value: { runId: started.id, status: "SUCCEEDED" } });
  });

  it("times out at the budget's end with the run as last seen", async () => {
    const glue = new StubGlue();
    const ctx = glue.context();
    const started = glue.addRun(60 * MINUTE);
    const run = { runId: started.id, status: "STARTING" as const };
    const waited = await settle(ctx, settings(), target, run, glue.budget(ctx, 5));
    expect(waited).toMatchObject({ state: "timeout", value: { status: "RUNNING" } });
  });
});

describe("awaitListed", () => {
  it("ends as soon as Glue lists a run started since the unanswered Start", async () => {
    const glue = new StubGlue({ readLagMs: 3_000 });
    const ctx = glue.context();
    const since = glue.clock.now();
    const ours = glue.addRun(MINUTE);
    const listed = await awaitListed(ctx, settings(), target, since, glue.budget(ctx));
    expect(listed.value?.runId).toBe(ours.id);
    expect(glue.clock.now() - since).toBeLessThan(10_000);
  });

  it("gives up once the visibility window has passed without such a run", async () => {
    const glue = new StubGlue();
    const ctx = glue.context();
    glue.addRun(60 * MINUTE);
    glue.clock.time += 10 * MINUTE;
    const since = glue.clock.now();
    const listed = await awaitListed(ctx, settings(), target, since, glue.budget(ctx));
    expect(listed).toMatchObject({ state: "timeout", value: undefined });
    expect(glue.clock.now() - since).toBe(5 * MINUTE);
  });
});

/** A group's deployment, alone: each member's part by its plan, and one member's failure kept its own. */
import { GroupDeployment, planOf, resolveMembers } from "../../src/deploy/group-deployment";
import type { GroupInputs } from "../../src/model/group-inputs";
import { ACCOUNT, state } from "../support/fixtures";
import { StubGlue } from "../support/glue-stub";

const KIND = "MaterializedViewRefreshGroup member";

function group(views: GroupInputs["views"], extra: Partial<GroupInputs> = {}): GroupInputs {
  return { resourceName: "g", catalogId: undefined, ...extra, views } as GroupInputs;
}

describe("resolveMembers and planOf", () => {
  it("resolves each member's settings with the group's, and plans from what it recorded", async () => {
    const glue = new StubGlue();
    const ctx = glue.context(undefined, KIND);
    const inputs = group(
      {
        daily: { databaseName: "sales", tableName: "daily_mv" },
        weekly: { databaseName: "sales", tableName: "weekly_mv" },
      },
      { timeoutMinutes: 30 },
    );
    const olds = { resourceName: "g", runs: { daily: state({ resourceName: "g.daily", timeoutMinutes: 30 }) } };
    const members = await resolveMembers(ctx, inputs, olds);
    expect(members.map((m) => [m.key, m.settings.catalogId, m.settings.timeoutMinutes])).toEqual([
      ["daily", ACCOUNT, 30],
      ["weekly", ACCOUNT, 30],
    ]);
    expect(members.map((m) => planOf(m).kind)).toEqual(["none", "create"]);
  });
});

describe("GroupDeployment", () => {
  it("starts and follows a new member's run, keeps an unchanged member's state, calling nothing for it", async () => {
    const glue = new StubGlue({ durationMs: 3 * 60_000 });
    const ctx = glue.context(undefined, KIND);
    const inputs = group({
      daily: { databaseName: "sales", tableName: "daily_mv" },
      weekly: { databaseName: "sales", tableName: "weekly_mv" },
    });
    const kept = state({ resourceName: "g.weekly", tableName: "weekly_mv", runId: "kept" });
    const members = await resolveMembers(ctx, inputs, { resourceName: "g", runs: { weekly: kept } });
    const results = await new GroupDeployment(ctx, "g", members, undefined, glue.interrupt.signal).run();
    expect(results[0]).toEqual({ state: expect.objectContaining({ runId: glue.runs[0].id, status: "SUCCEEDED" }) });
    expect(results[1]).toEqual({ state: kept });
    expect(glue.runs).toHaveLength(1);
  });

  it("makes a member's failure its own result, without the member's name repeated", async () => {
    const glue = new StubGlue();
    const scheduled = glue.addRun(60 * 60_000);
    const ctx = glue.context(undefined, KIND);
    const inputs = group({ daily: { databaseName: "sales", tableName: "daily_mv", ifRunning: "fail" } });
    const members = await resolveMembers(ctx, inputs, undefined);
    const [result] = await new GroupDeployment(ctx, "g", members, undefined, glue.interrupt.signal).run();
    expect(result.state).toBeUndefined();
    expect(result.failed).toMatch(new RegExp(`^refresh run ${scheduled.id} is already STARTING`));
  });

  it("prints one progress line a minute for the whole group", async () => {
    const glue = new StubGlue({ durationMs: 5 * 60_000 });
    const ctx = glue.context(undefined, KIND);
    const members = await resolveMembers(
      ctx,
      group({ daily: { databaseName: "sales", tableName: "daily_mv" } }),
      undefined,
    );
    await new GroupDeployment(ctx, "g", members, undefined, glue.interrupt.signal).run();
    const progress = glue.lines.filter((l) => l.startsWith("g: 1 members"));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.length).toBeLessThanOrEqual(5);
    expect(progress[0]).toMatch(
      /^g: 1 members: 0 starting, 1 running, 0 done, 0 failed; slowest: daily \(sales\.daily_mv\) RUNNING, 1m/,
    );
  });
});

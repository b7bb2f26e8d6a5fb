/**
 * What the real engine decides, under the real Pulumi CLI beside the engine harness: the four
 * `ifRunning` policies, a chain A → B → C, a group at the default `--parallel` and at
 * `--parallel 1`, and `--target`. The program is the e2e program, whose resources come from stack
 * config (the examples' `@pulumi/aws` tables need the AWS provider plugin, which cannot be had here).
 */
import type { EmulatedRun, GlueEmulator } from "../../src/emulator";
import { resource } from "../support/e2e";
import { cliSteps, harnessSteps, sorted, Twins } from "../support/twins";

jest.setTimeout(300_000);

const view = (tableName: string) => ({ databaseName: "sales", tableName });
const TYPE = "pulumi-nodejs:dynamic/glue:MaterializedViewRefresh";

let twins: Twins | undefined;
afterEach(async () => {
  await twins?.close();
  twins = undefined;
});

/** Whether run `b` started only after run `a` had ended. */
const after = (b: EmulatedRun, a: EmulatedRun) => a.endTime !== undefined && b.startTime >= a.endTime;
/** The largest number of the given runs going at the same moment. */
function mostAtOnce(runs: readonly EmulatedRun[]): number {
  return Math.max(
    ...runs.map((r) => runs.filter((o) => o.startTime <= r.startTime && r.startTime < (o.endTime ?? Infinity)).length),
  );
}

describe("the real engine beside the harness", () => {
  it("applies each ifRunning policy to a refresh already running", async () => {
    const policies = ["wait", "stop", "adopt", "fail"] as const;
    const views = policies.map((p) => view(`${p}_mv`));
    twins = await Twins.create(views);
    // Scheduled refreshes already going when the deployment starts, long enough to outlast the
    // CLI's start-up on a busy machine (at the emulator's 1000x, four hours take 14 s), within the
    // resources' timeout.
    const scheduled = (emulator: GlueEmulator) =>
      views.map((v) => emulator.startRunOutOfBand(v, { durationMs: 4 * 3_600_000 }));
    const [cliScheduled, harnessScheduled] = [scheduled(twins.cliEmulator), scheduled(twins.harnessEmulator)];
    const { cli, harness } = await twins.up((stack) =>
      policies.map((ifRunning, i) => ({
        name: ifRunning,
        args: stack.args({ ...views[i], ifRunning, timeoutMinutes: 600 }),
      })),
    );
    expect(sorted(cliSteps(cli.steps))).toEqual(sorted(harnessSteps(harness)));
    expect(sorted(cliSteps(cli.steps))).toEqual([
      ["adopt", "create", true],
      ["fail", "create", false],
      ["stop", "create", true],
      ["wait", "create", true],
    ]);
    const { cli: cliRuns, harness: harnessRuns } = twins.runs();
    expect(cliRuns).toEqual(harnessRuns);
    // wait: the scheduled run ended, then ours; stop: stopped, then ours; adopt: the scheduled run is
    // the resource's; fail: the scheduled run alone, none of ours started.
    expect(cliRuns).toEqual([["SUCCEEDED", "SUCCEEDED"], ["STOPPED", "SUCCEEDED"], ["SUCCEEDED"], ["SUCCEEDED"]]);
    expect(twins.cliEmulator.runs(views[3]).map((r) => r.startedBy)).toEqual(["outOfBand"]);
    const outputs = await twins.cli.resource("adopt");
    expect(outputs?.outputs?.runId).toBe(cliScheduled[2]);
    expect(harness.steps.find((s) => s.name === "adopt")?.outputs?.runId).toBe(harnessScheduled[2]);
    const failed = cli.steps.find((s) => s.name === "fail");
    expect(failed?.error).toContain(`ifRunning is "fail"; no refresh was started`);
    expect(failed?.error).toContain(cliScheduled[3]);
  });

  it("refreshes a chain A → B → C in order in one `up`, and again after a change to A", async () => {
    const views = [view("a_mv"), view("b_mv"), view("c_mv")];
    twins = await Twins.create(views);
    const chain = (schema: number) => (stack: Parameters<Parameters<Twins["up"]>[0]>[0]) => [
      { name: "a", args: stack.args({ ...views[0], triggers: { schema } }) },
      { name: "b", args: { ...stack.args(views[1]), sources: [resource("a")] } },
      { name: "c", args: { ...stack.args(views[2]), sources: [resource("b")] } },
    ];
    for (const [schema, op] of [
      [1, "create"],
      [2, "update"],
    ] as const) {
      const { cli, harness } = await twins.up(chain(schema));
      expect(cliSteps(cli.steps)).toEqual(harnessSteps(harness));
      expect(cliSteps(cli.steps)).toEqual([
        ["a", op, true],
        ["b", op, true],
        ["c", op, true],
      ]);
      for (const emulator of [twins.cliEmulator, twins.harnessEmulator]) {
        const [a, b, c] = views.map((v) => emulator.runs(v).at(-1)!);
        expect(views.map((v) => emulator.runs(v).length)).toEqual([schema, schema, schema]);
        expect(after(b, a) && after(c, b)).toBe(true);
      }
    }
  });

  it("runs a group's members at once in one deployment slot, at the default --parallel and at --parallel 1", async () => {
    const views = ["daily", "weekly", "monthly", "yearly"].map((v) => view(`${v}_mv`));
    const alone = view("alone_mv");
    twins = await Twins.create([...views, alone], { runDurationMs: 20 * 60_000 });
    const declare = (schema: number) => (stack: Parameters<Parameters<Twins["up"]>[0]>[0]) => ({
      refreshes: [{ name: "alone", args: stack.args({ ...alone, triggers: { schema } }) }],
      groups: [
        {
          name: "sales",
          args: {
            endpoint: stack.emulator.endpoint,
            views: Object.fromEntries(views.map((v) => [v.tableName, { ...v, triggers: { schema } }])),
          },
        },
      ],
    });
    for (const [schema, parallel] of [
      [1, undefined],
      [2, 1],
    ] as const) {
      const { cli, harness } = await twins.up(declare(schema), parallel);
      expect(sorted(cliSteps(cli.steps))).toEqual(sorted(harnessSteps(harness)));
      expect(cli.code).toBe(0);
      for (const emulator of [twins.cliEmulator, twins.harnessEmulator]) {
        const latest = views.map((v) => emulator.runs(v).at(-1)!);
        expect(latest.map((r) => r.status)).toEqual(views.map(() => "SUCCEEDED"));
        // All four members in flight at once, whatever --parallel is: the group holds one slot.
        expect(mostAtOnce(latest)).toBe(4);
        const lone = emulator.runs(alone).at(-1)!;
        // With one slot, the lone resource's run and the group's never overlap.
        if (parallel === 1) expect(latest.every((r) => after(r, lone) || after(lone, r))).toBe(true);
      }
    }
  });

  it("`--target` refreshes only the targeted view; the next `up` refreshes the other", async () => {
    const views = [view("a_mv"), view("b_mv")];
    twins = await Twins.create(views);
    const both = (schema: number) => (stack: Parameters<Parameters<Twins["up"]>[0]>[0]) =>
      views.map((v, i) => ({ name: "ab"[i], args: stack.args({ ...v, triggers: { schema } }) }));
    await twins.up(both(1));
    // The harness has no --target (docs/real-cli.md, "The harness and the real CLI"): the CLI alone from here.
    await twins.declare(both(2));
    const targeted = await twins.cli.up("--target", twins.cli.urn(TYPE, "a", "mv-refresh-e2e"));
    expect(targeted.code).toBe(0);
    // The engine reports the untargeted resource as unchanged, its state kept as it was.
    expect(sorted(cliSteps(targeted.steps))).toEqual([
      ["a", "update", true],
      ["b", "same", true],
    ]);
    expect(views.map((v) => twins!.cliEmulator.runs(v).length)).toEqual([2, 1]);
    expect((await twins.cli.resource("b"))?.outputs?.triggers).toEqual({ schema: 1 });

    const rest = await twins.cli.up();
    expect(sorted(cliSteps(rest.steps))).toEqual([
      ["a", "same", true],
      ["b", "update", true],
    ]);
    expect(views.map((v) => twins!.cliEmulator.runs(v).length)).toEqual([2, 2]);
  });
});

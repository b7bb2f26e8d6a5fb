/**
 * `sources` end to end, through the engine harness with live outputs: a source table's schema
 * change refreshes the views built on it after the table's update, in the same deployment; chains
 * of views refresh in order, each only after the run of the one before it ended.
 */
import fc from "fast-check";
import type { DeploymentReport, Step } from "../../harness";
import type { EmulatedRun, GlueEmulator } from "../../src/emulator";
import { E2eStack, emulatorFor, resource, type Declaration, type Declared, type DeclaredTable } from "../support/e2e";

jest.setTimeout(300_000);

const DAILY = { databaseName: "sales", tableName: "daily_mv" };
const A = { databaseName: "sales", tableName: "bronze_mv" };
const B = { databaseName: "sales", tableName: "silver_mv" };
const C = { databaseName: "sales", tableName: "gold_mv" };
const COLUMNS = [
  { name: "order_id", type: "bigint" },
  { name: "price", type: "decimal(12,2)" },
];

let emulator: GlueEmulator;
let stack: E2eStack;

beforeEach(async () => {
  emulator = await emulatorFor([DAILY, A, B, C]);
  stack = new E2eStack(emulator);
});
afterEach(() => emulator.close());

const step = (report: DeploymentReport, name: string): Step => report.steps.find((s) => s.name === name)!;
const ops = (report: DeploymentReport) => report.steps.map((s) => [s.name, s.op]);
/** Each run started after the previous one ended. */
const inOrder = (runs: EmulatedRun[]) => runs.every((run, i) => i === 0 || run.startTime >= runs[i - 1].endTime!);

describe("a source table", () => {
  const orders = (columns: object[], extra: Record<string, unknown> = {}): DeclaredTable => ({
    name: "orders",
    args: {
      catalogId: emulator.accountId,
      databaseName: "sales",
      name: "orders",
      description: "Orders, one row per order",
      storageDescriptor: { columns },
      parameters: { table_type: "ICEBERG", metadata_location: "s3://lake/orders/metadata/00001.json" },
      ...extra,
    },
  });
  const declare = (table: DeclaredTable): Declaration => ({
    tables: [table],
    refreshes: [{ name: "daily", args: stack.args({ ...DAILY, sources: [resource("orders")] }) }],
  });

  it("refreshes the view once after a schema change of the table, and not for other changes", async () => {
    const first = await stack.up(declare(orders(COLUMNS)));
    expect(first.ok).toBe(true);
    expect(ops(first)).toEqual([
      ["orders", "create"],
      ["daily", "create"],
    ]);
    expect(emulator.runs(DAILY)).toHaveLength(1);
    expect(Object.keys(step(first, "daily").outputs?.triggers as object)).toEqual(["source:sales.orders"]);

    const wider = [...COLUMNS, { name: "region", type: "string" }];
    const schemaChange = await stack.up(declare(orders(wider)));
    expect(ops(schemaChange)).toEqual([
      ["orders", "update"],
      ["daily", "update"],
    ]);
    expect(emulator.runs(DAILY)).toHaveLength(2);
    expect(step(schemaChange, "daily").startedAt).toBeGreaterThanOrEqual(step(schemaChange, "orders").finishedAt);

    const partitioned = await stack.up(declare(orders(wider, { partitionKeys: [{ name: "day", type: "date" }] })));
    expect(ops(partitioned)).toEqual([
      ["orders", "update"],
      ["daily", "update"],
    ]);
    expect(emulator.runs(DAILY)).toHaveLength(3);

    const notSchema = await stack.up(
      declare(
        orders(wider, {
          partitionKeys: [{ name: "day", type: "date" }],
          description: "Orders, deduplicated",
          parameters: { table_type: "ICEBERG", metadata_location: "s3://lake/orders/metadata/00002.json" },
        }),
      ),
    );
    expect(ops(notSchema)).toEqual([
      ["orders", "update"],
      ["daily", "same"],
    ]);
    expect(emulator.runs(DAILY)).toHaveLength(3);
  });

  it("previews which source changed and that the view will refresh", async () => {
    await stack.up(declare(orders(COLUMNS)));
    const before = stack.engine.resource("daily")!.outputs.triggers as Record<string, string>;
    const preview = await stack.preview(declare(orders([...COLUMNS, { name: "region", type: "string" }])));
    expect(ops(preview)).toEqual([
      ["orders", "update"],
      ["daily", "update"],
    ]);
    const planned = step(preview, "daily").outputs?.triggers as Record<string, string>;
    expect(planned["source:sales.orders"]).toMatch(/^[0-9a-f]{64}$/);
    expect(planned["source:sales.orders"]).not.toBe(before["source:sales.orders"]);
    expect(emulator.runs(DAILY)).toHaveLength(1);
  });

  it("refuses, when the program runs, a source that is neither a table nor a refresh", async () => {
    const bad = await stack.up([{ name: "daily", args: stack.args({ ...DAILY, sources: ["sales.orders" as never] }) }]);
    expect(bad.ok).toBe(false);
    expect(bad.programError).toContain(
      'MaterializedViewRefresh "daily": sources[0] must be a Glue table (an object with catalogId, databaseName and ' +
        'name, such as aws.glue.CatalogTable) or a MaterializedViewRefresh; got the string "sales.orders"',
    );
    const nameless = await stack.up([
      { name: "daily", args: stack.args({ ...DAILY, sources: [{ databaseName: "sales" } as never] }) },
    ]);
    expect(nameless.programError).toContain("sources[0] must be a Glue table");
    expect(nameless.programError).toContain("got an object with databaseName");
    const twice = await stack.up({
      tables: [orders(COLUMNS)],
      refreshes: [{ name: "daily", args: stack.args({ ...DAILY, sources: [resource("orders"), resource("orders")] }) }],
    });
    expect(twice.programError).toContain('MaterializedViewRefresh "daily": sources name sales.orders twice');
    expect(step(twice, "daily")).toMatchObject({ op: "skip" });
    expect(emulator.requests).toHaveLength(0);
  });
});

describe("a chain of views A -> B -> C", () => {
  const chain = (aTrigger: number, b: object = {}): Declared[] => [
    { name: "a", args: stack.args({ ...A, triggers: { v: aTrigger } }) },
    { name: "b", args: stack.args({ ...B, sources: [resource("a")], ...b }) },
    { name: "c", args: stack.args({ ...C, sources: [resource("b")] }) },
  ];
  const newest = (view: typeof A) => emulator.runs(view).at(-1)!;

  it("refreshes in order on the first deployment and after a change of A, and not when nothing changed", async () => {
    const first = await stack.up(chain(1));
    expect(first.ok).toBe(true);
    expect(ops(first)).toEqual([
      ["a", "create"],
      ["b", "create"],
      ["c", "create"],
    ]);
    expect(inOrder([newest(A), newest(B), newest(C)])).toBe(true);

    const changed = await stack.up(chain(2));
    expect(ops(changed)).toEqual([
      ["a", "update"],
      ["b", "update"],
      ["c", "update"],
    ]);
    expect([A, B, C].map((v) => emulator.runs(v).length)).toEqual([2, 2, 2]);
    expect(inOrder([newest(A), newest(B), newest(C)])).toBe(true);
    expect(step(changed, "c").outputs?.triggers).toEqual({ "source:sales.silver_mv": newest(B).runId });

    const same = await stack.up(chain(2));
    expect(same.steps.map((s) => s.op)).toEqual(["same", "same", "same"]);
  });

  it("starts nothing downstream when A's refresh fails, and runs A, B, C in order on the next deployment", async () => {
    await stack.up(chain(1));
    emulator.failNextRuns(A, 1, "Spark job failed");
    const failed = await stack.up(chain(2));
    expect(failed.steps.map((s) => [s.name, s.outcome])).toEqual([
      ["a", "failed"],
      ["b", "skipped"],
      ["c", "skipped"],
    ]);
    expect([A, B, C].map((v) => emulator.runs(v).length)).toEqual([2, 1, 1]);

    const retried = await stack.up(chain(2));
    expect(retried.ok).toBe(true);
    expect(ops(retried)).toEqual([
      ["a", "update"],
      ["b", "update"],
      ["c", "update"],
    ]);
    expect(inOrder([newest(A), newest(B), newest(C)])).toBe(true);
    expect(newest(A).status).toBe("SUCCEEDED");
  });

  it("with B not waiting, C still starts only after B's run ended", async () => {
    const report = await stack.up(chain(1, { waitForCompletion: false }));
    expect(report.ok).toBe(true);
    const b = newest(B);
    // B's step ended as soon as its run started; C waited for the run itself.
    expect(step(report, "b").outputs?.status).toBe("STARTING");
    expect(newest(C).startTime).toBeGreaterThanOrEqual(b.endTime!);
    expect(report.hostOutput.map((l) => l.text)).toContainEqual(
      expect.stringContaining(`c (sales.gold_mv): waiting for upstream view sales.silver_mv's refresh run ${b.runId}`),
    );
  });

  it("with B not waiting and its run failing, C fails saying so and starts nothing", async () => {
    emulator.failNextRuns(B, 1, "Spark job failed: silver");
    const report = await stack.up(chain(1, { waitForCompletion: false }));
    expect(step(report, "b").ok).toBe(true);
    expect(step(report, "c").error).toBe(
      `MaterializedViewRefresh "c" (sales.gold_mv): upstream view sales.silver_mv's refresh run ${newest(B).runId} ` +
        "ended FAILED: Spark job failed: silver; no refresh was started. " +
        "Refresh the upstream view again (change its triggers), then deploy",
    );
    expect(emulator.runs(C)).toHaveLength(0);
  });
});

describe("random graphs of views (property-based)", () => {
  const RUNS = Number(process.env.SOURCES_PROPERTY_RUNS ?? 4);
  const VIEWS = Array.from({ length: 8 }, (_, i) => ({ databaseName: "dag", tableName: `view_${i}` }));

  /** A DAG over up to eight views (each view's sources come before it), and the triggers changed per deployment. */
  const scenario = fc.integer({ min: 2, max: 8 }).chain((n) =>
    fc.record({
      sources: fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (__, j) => j)))),
      waits: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      changes: fc.array(fc.subarray(Array.from({ length: n }, (_, i) => i)), { minLength: 2, maxLength: 2 }),
    }),
  );

  it("refreshes each view exactly when it or something upstream changed, never before an upstream run ended", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ sources, waits, changes }) => {
        const dagEmulator = await emulatorFor(VIEWS, { runDurationMs: 2 * 60_000 });
        try {
          const dag = new E2eStack(dagEmulator);
          const n = sources.length;
          const triggers = Array.from({ length: n }, () => 0);
          const declare = () =>
            Array.from({ length: n }, (_, i) => ({
              name: `v${i}`,
              args: dag.args({
                ...VIEWS[i],
                triggers: { v: triggers[i] },
                waitForCompletion: waits[i],
                ...(sources[i].length > 0 ? { sources: sources[i].map((j) => resource(`v${j}`)) } : {}),
              }),
            }));
          const runsOf = (i: number) => dagEmulator.runs(VIEWS[i]);
          let expected = Array.from({ length: n }, () => true); // the first deployment creates every view
          for (let d = 0; d <= changes.length; d++) {
            const before = Array.from({ length: n }, (_, i) => runsOf(i).length);
            const report = await dag.up(declare());
            expect(report.ok).toBe(true);
            for (let i = 0; i < n; i++) {
              const started = runsOf(i).length - before[i];
              expect({ view: i, deployment: d, started }).toEqual({
                view: i,
                deployment: d,
                started: expected[i] ? 1 : 0,
              });
              if (started === 0) continue;
              const run = runsOf(i).at(-1)!;
              for (const j of sources[i]) {
                expect({
                  view: i,
                  upstream: j,
                  startedAfterUpstreamEnded: run.startTime >= runsOf(j).at(-1)!.endTime!,
                }).toEqual({
                  view: i,
                  upstream: j,
                  startedAfterUpstreamEnded: true,
                });
              }
            }
            if (d === changes.length) break;
            for (const i of changes[d]) triggers[i]++;
            // A view refreshes when its own trigger changed or one of its sources refreshed.
            expected = Array.from({ length: n }, () => false);
            for (let i = 0; i < n; i++) expected[i] = changes[d].includes(i) || sources[i].some((j) => expected[j]);
          }
        } finally {
          await dagEmulator.close();
        }
      }),
      { seed: 20261125, numRuns: RUNS },
    );
  });
});

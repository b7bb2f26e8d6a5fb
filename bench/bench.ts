/**
 * `npm run bench`: what MaterializedViewRefresh costs beside the baseline (bench/baseline), both
 * installed into one fresh program and measured in the same run, as ratios. Prints a table, writes
 * bench/results.json and BENCHMARKS.md.
 */
import { execFileSync } from "child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { defaultParallel, Engine, ProviderHost, runProgram, type DeploymentReport } from "../harness";
import { installPacked } from "../harness/packaging";
import { startEmulator, type EmulatedView, type GlueEmulator } from "pulumi-glue-mv-refresh/emulator";
import { archiveName, buildRelease, EXECUTABLE, hostPlatform, platformName } from "../tools/release";
import { realCli } from "./cli";
import { lostStart } from "./lost-start";
import { forecastPreview } from "./forecast";
import { pluginFirstCreateMs } from "./plugin-start";
import type { Row } from "./row";

const ROOT = [path.join(__dirname, ".."), path.join(__dirname, "..", "..")].find((dir) => {
  try {
    return (
      (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }).name ===
      "pulumi-glue-mv-refresh"
    );
  } catch {
    return false;
  }
})!;
const BENCH = path.join(ROOT, "bench");
const CREDENTIALS = { accessKeyId: "AKIABENCHMARK0000001", secretAccessKey: "bench-secret-access-key" };
type Kind = "ours" | "baseline";
const KINDS: Kind[] = ["ours", "baseline"];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const ms = (value: number) => `${Math.round(value)} ms`;
const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
const views = (count: number): EmulatedView[] =>
  Array.from({ length: count }, (_, i) => ({ databaseName: "bench", tableName: `view_${i}` }));

function hostEnv(emulator?: GlueEmulator, scale = 1): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: path.join(os.tmpdir(), "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...(emulator && scale !== 1
      ? { GLUE_MV_REFRESH_CLOCK_SCALE: String(scale), GLUE_MV_REFRESH_CLOCK_ORIGIN: String(emulator.clockOrigin) }
      : {}),
  };
}

/**
 * One deployment of `count` resources of one kind against an emulator, with a step for each at
 * once unless `parallel` is given (as `pulumi up --parallel`).
 */
async function deploy(
  program: string,
  kind: Kind | "group",
  count: number,
  emulator: GlueEmulator,
  extra: Record<string, string> = {},
  scale = 1,
  parallel = count,
) {
  const engine = new Engine({ projectDir: program, hostEnv: hostEnv(emulator, scale), parallel });
  return engine.up({ config: { kind, count: String(count), endpoint: emulator.endpoint, ...extra } });
}

/**
 * When the provider noticed that `run` had ended: the emulated time of its first Get answered at or
 * after the run's end (the emulator's own clock, not the request's arrival converted, which at a
 * high clock scale can fall a few emulated seconds before the answer).
 */
function noticedEnd(emulator: GlueEmulator, run: { runId: string; endTime?: number }): number {
  const polls = emulator.requests.filter((r) => r.operation === "GetMaterializedViewRefreshTaskRun");
  const noticed = polls.map((r) => r.emulatedTime).find((t) => t !== undefined && t >= run.endTime!);
  if (noticed === undefined)
    throw new Error(
      `no Get of run ${run.runId} was answered after it ended at ${run.endTime}: the bench misread the log`,
    );
  return noticed;
}

/** 1. The serialized provider's size, and the program's time to declare 500 resources. */
async function serialization(program: string): Promise<Row[]> {
  const count = 500;
  const times: Record<Kind, number[]> = { ours: [], baseline: [] };
  const bytes: Record<Kind, number> = { ours: 0, baseline: 0 };
  for (let round = 0; round < 5; round++) {
    for (const kind of round % 2 ? [...KINDS].reverse() : KINDS) {
      const start = Date.now();
      const registrations = await runProgram({
        program: ".",
        projectDir: program,
        project: "mv-refresh-bench",
        stack: "bench",
        config: { "mv-refresh-bench:kind": kind, "mv-refresh-bench:count": String(count) },
        typescript: false,
      });
      times[kind].push(Date.now() - start);
      if (registrations.length !== count)
        throw new Error(`${kind}: ${registrations.length} of ${count} resources declared`);
      bytes[kind] = String(registrations[0].inputs.__provider).length;
    }
  }
  const [ours, baseline] = [median(times.ours), median(times.baseline)];
  return [
    {
      figure: "serialized provider per resource",
      ours: `${bytes.ours} B`,
      baseline: `${bytes.baseline} B`,
      ratio: ratio(bytes.ours, bytes.baseline),
      goal: "no bigger than the baseline",
      met: bytes.ours <= bytes.baseline,
    },
    {
      figure: `program declaring ${count} resources (median of 5)`,
      ours: ms(ours),
      baseline: ms(baseline),
      ratio: ratio(ours, baseline),
      goal: "no slower than the baseline (within 5% noise)",
      met: ours <= baseline * 1.05,
    },
  ];
}

/** 2. Provider host cold start, and the provider plugin's: spawn to the first Create answered. */
async function coldStart(program: string, providers: Record<Kind, string>): Promise<Row[]> {
  const emulator = await startEmulator({ views: views(1), credentials: [CREDENTIALS] });
  const times: Record<Kind, number[]> = { ours: [], baseline: [] };
  const pluginTimes: number[] = [];
  const pluginInputs = {
    databaseName: "bench",
    tableName: "view_0",
    catalogId: emulator.accountId,
    endpoint: emulator.endpoint,
    waitForCompletion: false,
  };
  try {
    for (let round = 0; round < 9; round++) {
      for (const kind of round % 2 ? [...KINDS].reverse() : KINDS) {
        const spawned = Date.now();
        const host = await ProviderHost.start({ projectDir: program, env: hostEnv() });
        try {
          await host.configure({ "aws:region": "us-east-1" });
          const urn = `urn:pulumi:bench::mv-refresh-bench::pulumi-nodejs:dynamic:Resource::mv-0`;
          const inputs = {
            __provider: providers[kind],
            databaseName: "bench",
            tableName: "view_0",
            catalogId: emulator.accountId,
            region: "us-east-1",
            endpoint: emulator.endpoint,
            ...(kind === "ours" ? { waitForCompletion: false } : {}),
          };
          const checked = await host.check(urn, {}, inputs);
          await host.create(urn, checked.inputs);
          times[kind].push(Date.now() - spawned);
        } finally {
          await host.close();
        }
        // Let the run end so that the next Start is not refused as already running.
        emulator.advanceTime(10 * 60_000);
      }
      pluginTimes.push(await pluginFirstCreateMs(program, hostEnv(), pluginInputs));
      emulator.advanceTime(10 * 60_000);
    }
  } finally {
    await emulator.close();
  }
  const [ours, baseline, plugin] = [median(times.ours), median(times.baseline), median(pluginTimes)];
  return [
    {
      figure: "provider host: spawn to first Create answered (median of 9)",
      ours: ms(ours),
      baseline: ms(baseline),
      ratio: ratio(ours, baseline),
      goal: "within 10% of the baseline",
      met: ours <= baseline * 1.1,
    },
    {
      figure: "  the provider plugin: spawn to first Create answered (median of 9); ratio against the provider host's",
      ours: ms(plugin),
      baseline: `${ms(ours)} (the provider host's)`,
      ratio: ratio(plugin, ours),
      goal: "no slower than the provider host",
      met: plugin <= ours,
    },
  ];
}

/**
 * 10. The release's plugin (tools/release.ts, every platform's archive built): this platform's single
 * executable beside the npm package's `node` launcher, spawn to first Create answered; and each
 * archive's size.
 */
async function releasePlugin(program: string): Promise<Row[]> {
  const out = mkdtempSync(path.join(os.tmpdir(), "mv-refresh-bench-release-"));
  const emulator = await startEmulator({ views: views(1), credentials: [CREDENTIALS] });
  try {
    const release = await buildRelease({ version: "0.0.0-bench", out, only: ["plugins"], progress: () => undefined });
    const host = hostPlatform();
    const unpacked = path.join(out, "unpacked");
    mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", path.join(out, "plugins", archiveName(release.version, host)), "-C", unpacked]);
    const binary = path.join(unpacked, EXECUTABLE);
    const inputs = {
      databaseName: "bench",
      tableName: "view_0",
      catalogId: emulator.accountId,
      endpoint: emulator.endpoint,
      waitForCompletion: false,
    };
    const times = { binary: [] as number[], launcher: [] as number[] };
    for (let round = 0; round < 9; round++) {
      for (const kind of round % 2 ? (["launcher", "binary"] as const) : (["binary", "launcher"] as const)) {
        const env = kind === "binary" ? { ...hostEnv(), PATH: "" } : hostEnv();
        times[kind].push(await pluginFirstCreateMs(program, env, inputs, kind === "binary" ? binary : undefined));
        emulator.advanceTime(10 * 60_000);
      }
    }
    const [single, launcher] = [median(times.binary), median(times.launcher)];
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    return [
      {
        figure: `the release's plugin, ${platformName(host)} single executable (no node on PATH): spawn to first Create answered (median of 9); ratio against the npm package's node launcher`,
        ours: ms(single),
        baseline: `${ms(launcher)} (node launcher)`,
        ratio: ratio(single, launcher),
        goal: "no slower than the node launcher",
        met: single <= launcher,
      },
      ...release.artifacts
        .filter((a) => a.file.startsWith("plugins/"))
        .map((a) => ({
          figure: `  archive size: ${a.file.slice("plugins/".length).replace(release.version, "<version>")}`,
          ours: mb(a.bytes),
          baseline: "",
          ratio: "",
          goal: "under 50 MB",
          met: a.bytes < 50e6,
        })),
    ];
  } finally {
    await emulator.close();
    rmSync(out, { recursive: true, force: true });
  }
}

/** 3. 200 creates at once against an emulator limited to R requests per second. */
async function throttledScale(program: string): Promise<{ rows: Row[]; reports: Record<Kind, DeploymentReport> }> {
  const count = 200;
  const rate = 20;
  const ideal = (count / rate) * 1000;
  const results = {} as Record<Kind, { ok: number; failed: number; requests: number; wall: number; throttled: number }>;
  const reports = {} as Record<Kind, DeploymentReport>;
  for (const kind of KINDS) {
    const emulator = await startEmulator({
      views: views(count),
      credentials: [CREDENTIALS],
      faults: { requestsPerSecond: rate },
    });
    try {
      const report = await deploy(program, kind, count, emulator, { waitForCompletion: "false" });
      const created = report.steps.filter((s) => s.op === "create");
      // From the first AWS request to the last create answered: the program's own run is not counted.
      const wall = Math.max(...created.map((s) => s.finishedAt)) - emulator.requests[0].time;
      results[kind] = {
        ok: created.filter((s) => s.ok).length,
        failed: created.filter((s) => !s.ok).length,
        requests: emulator.requests.length,
        throttled: emulator.requests.filter((r) => r.errorType === "ThrottlingException").length,
        wall,
      };
      reports[kind] = report;
    } finally {
      await emulator.close();
    }
  }
  const { ours, baseline } = results;
  return {
    reports,
    rows: [
      {
        figure: `${count} creates at once, Glue limited to ${rate} req/s: started`,
        ours: `${ours.ok} of ${count}`,
        baseline: `${baseline.ok} of ${count}`,
        ratio: ratio(ours.ok, Math.max(1, baseline.ok)),
        goal: `${count} of ${count}`,
        met: ours.ok === count,
      },
      {
        figure: "  AWS requests sent (throttled)",
        ours: `${ours.requests} (${ours.throttled})`,
        baseline: `${baseline.requests} (${baseline.throttled})`,
        ratio: ratio(ours.requests, baseline.requests),
        goal: "",
        met: undefined,
      },
      {
        figure: `  wall time, against the ideal N/R = ${seconds(ideal)}`,
        ours: `${seconds(ours.wall)} (${ratio(ours.wall, ideal)} ideal)`,
        baseline: `${seconds(baseline.wall)} (${ratio(baseline.wall, ideal)} ideal; ${baseline.failed} failed)`,
        ratio: ratio(ours.wall, baseline.wall),
        goal: "within 1.25x of N/R",
        met: ours.wall <= ideal * 1.25,
      },
    ],
  };
}

/** 4. Waiting: how long after a run ended the provider noticed, and how many Get calls it made. */
async function waiting(program: string): Promise<Row[]> {
  const durations = [30_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 8 * 3_600_000];
  const rows: Row[] = [];
  const gets: number[] = [];
  for (const duration of durations) {
    // Each run takes about 2.5 real seconds, whatever its emulated duration.
    const scale = Math.max(1, duration / 2_500);
    const emulator = await startEmulator({
      views: views(1),
      credentials: [CREDENTIALS],
      clockScale: scale,
      runDurationMs: duration,
    });
    try {
      const report = await deploy(
        program,
        "ours",
        1,
        emulator,
        { waitForCompletion: "true", timeoutMinutes: "1440" },
        scale,
      );
      if (!report.ok) throw new Error(`waiting for a ${duration} ms run failed: ${report.steps[0]?.error}`);
      const [run] = emulator.runs();
      const polls = emulator.requests.filter((r) => r.operation === "GetMaterializedViewRefreshTaskRun");
      const lag = noticedEnd(emulator, run) - run.endTime!;
      const allowed = Math.max(0.05 * duration, 3_000);
      gets.push(polls.length);
      rows.push({
        figure: `run of ${formatDuration(duration)}: noticed after, Get calls`,
        ours: `${seconds(lag)} (${((100 * lag) / duration).toFixed(1)}%), ${polls.length} Gets`,
        baseline: "does not wait",
        ratio: "",
        goal: `within ${seconds(allowed)}`,
        met: lag <= allowed,
      });
    } finally {
      await emulator.close();
    }
  }
  // Past the cap, Get calls grow by one per capped interval (60 s, less up to a quarter of jitter).
  const [twoHours, eightHours] = [gets[3], gets[4]];
  const perHour = (eightHours - twoHours) / 6;
  rows.push({
    figure: "Get calls per hour of run, beyond the cap",
    ours: perHour.toFixed(1),
    baseline: "",
    ratio: "",
    goal: "at most 80 (one per 45-60 s)",
    met: perHour <= 80,
  });
  return rows;
}

/**
 * 6. The polling budget: Get calls per run when the view's previous run predicts its duration,
 * against its first run with only another view of its database to guess from, and with no history
 * at all; and how late the end is noticed.
 */
async function pollingBudget(program: string): Promise<Row[]> {
  const goals = [
    { duration: 5 * 60_000, gets: 15 },
    { duration: 8 * 3_600_000, gets: 50 },
  ];
  const cases = ["history", "database", "none"] as const;
  const rows: Row[] = [];
  for (const { duration, gets: budget } of goals) {
    const measured = {} as Record<(typeof cases)[number], { gets: number; lag: number }>;
    for (const history of cases) {
      // Each run takes about 2.5 real seconds, whatever its emulated duration.
      const scale = duration / 2_500;
      // The deployment refreshes view_0; view_1 is another view of the same database.
      const view = views(2);
      const emulator = await startEmulator({
        views: view,
        credentials: [CREDENTIALS],
        clockScale: scale,
        runDurationMs: duration,
      });
      try {
        if (history !== "none") {
          // A previous refresh of the same length, of this view or of the other, ended before the deployment.
          emulator.startRunOutOfBand(view[history === "history" ? 0 : 1], { durationMs: duration });
          await new Promise((resolve) => setTimeout(resolve, duration / scale + 200));
        }
        const report = await deploy(program, "ours", 1, emulator, { timeoutMinutes: "1440" }, scale);
        if (!report.ok) throw new Error(`a ${formatDuration(duration)} run failed: ${report.steps[0]?.error}`);
        const run = emulator.runs().find((r) => r.startedBy === "api")!;
        const polls = emulator.requests.filter((r) => r.operation === "GetMaterializedViewRefreshTaskRun");
        measured[history] = { gets: polls.length, lag: noticedEnd(emulator, run) - run.endTime! };
      } finally {
        await emulator.close();
      }
    }
    const { history, database, none } = measured;
    const lagText = (lag: number) => `${seconds(lag)}, ${((100 * lag) / duration).toFixed(1)}%`;
    rows.push({
      figure: `run of ${formatDuration(duration)} after one as long: Gets per run (end noticed after)`,
      ours: `${history.gets} (${lagText(history.lag)}); no history: ${none.gets} (${lagText(none.lag)})`,
      baseline: "does not wait",
      ratio: `${ratio(history.gets, none.gets)} no history`,
      goal: `at most ${budget} Gets, noticed within 5%`,
      met: history.gets <= budget && history.lag <= 0.05 * duration,
    });
    rows.push({
      figure: `  a view's first run of ${formatDuration(duration)}, another view of its database as long before`,
      ours: `${database.gets} (${lagText(database.lag)})`,
      baseline: "does not wait",
      ratio: `${ratio(database.gets, none.gets)} no history`,
      goal: `at most ${budget} Gets, noticed within 5%`,
      met: database.gets <= budget && database.lag <= 0.05 * duration,
    });
  }
  return rows;
}

/** 5. The provider host's peak memory with 200 resources in flight. */
async function memory(program: string): Promise<Row[]> {
  const count = 200;
  const peak = {} as Record<Kind, number>;
  for (const kind of KINDS) {
    // Runs of two emulated minutes at 100x: every resource is waiting at once for about a second.
    const emulator = await startEmulator({
      views: views(count),
      credentials: [CREDENTIALS],
      clockScale: 100,
      runDurationMs: 120_000,
    });
    try {
      const report = await deploy(program, kind, count, emulator, { waitForCompletion: "true" }, 100);
      if (!report.ok) throw new Error(`${kind}: ${report.steps.find((s) => !s.ok)?.error}`);
      peak[kind] = report.hostPeakRssBytes ?? Number.NaN;
    } finally {
      await emulator.close();
    }
  }
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  return [
    {
      figure: `provider host peak RSS, ${count} resources in flight`,
      ours: `${mb(peak.ours)} (waiting for each run)`,
      baseline: `${mb(peak.baseline)} (not waiting)`,
      ratio: ratio(peak.ours, peak.baseline),
      goal: "",
      met: undefined,
    },
  ];
}

/**
 * 7. Many views in one deployment, through the engine harness at this machine's default
 * parallelism: as separate resources, as one MaterializedViewRefreshGroup, and the physical limit
 * (one refresh); and how long a resource declared after the refreshes waits to start.
 */
async function manyViews(program: string): Promise<Row[]> {
  const count = 48;
  const duration = 10 * 60_000;
  // A 10-minute refresh takes 3 real seconds.
  const scale = 200;
  const minutes = (emulated: number) => `${(emulated / 60_000).toFixed(1)} min`;
  const measure = async (kind: "ours" | "group", views: number) => {
    const emulator = await startEmulator({
      views: Array.from({ length: views }, (_, i) => ({ databaseName: "bench", tableName: `view_${i}` })),
      credentials: [CREDENTIALS],
      clockScale: scale,
      runDurationMs: duration,
    });
    try {
      const report = await deploy(
        program,
        kind,
        views,
        emulator,
        { waitForCompletion: "true", timeoutMinutes: "600", plainAfterMs: "1000" },
        scale,
        defaultParallel(),
      );
      if (!report.ok) throw new Error(`${kind} x ${views}: ${report.steps.find((s) => !s.ok)?.error}`);
      // Emulated time, from the first AWS request of the deployment.
      const first = emulator.requests[0].time;
      const refreshes = report.steps.filter((s) => s.name !== "after-refreshes");
      const wall = (Math.max(...refreshes.map((s) => s.finishedAt)) - first) * scale;
      const plain = report.steps.find((s) => s.name === "after-refreshes")!;
      const plainWaited = (plain.startedAt - plain.registeredAt!) * scale;
      const reads = emulator.requests.filter((r) => /^(Get|List)MaterializedViewRefreshTaskRuns?$/.test(r.operation));
      return { wall, plainWaited, readsPerMinute: reads.length / (wall / 60_000) };
    } finally {
      await emulator.close();
    }
  };
  const resources = await measure("ours", count);
  const group = await measure("group", count);
  const limit = await measure("ours", 1);
  return [
    {
      figure: `${count} views of 10 min at --parallel ${defaultParallel()}: as ${count} resources`,
      ours: minutes(resources.wall),
      baseline: `limit ${minutes(limit.wall)}`,
      ratio: ratio(resources.wall, limit.wall),
      goal: "",
      met: undefined,
    },
    {
      figure: `  as one MaterializedViewRefreshGroup`,
      ours: minutes(group.wall),
      baseline: `limit ${minutes(limit.wall)}`,
      ratio: ratio(group.wall, limit.wall),
      goal: "within 1.1x the limit (one refresh)",
      met: group.wall <= 1.1 * limit.wall,
    },
    {
      figure: "  a resource registered after them waits for a worker: resources, group",
      ours: `${minutes(resources.plainWaited)}, ${minutes(group.plainWaited)}`,
      baseline: "",
      ratio: "",
      goal: "",
      met: undefined,
    },
    {
      figure: `  Glue reads per minute while ${count} wait: resources, group`,
      ours: `${resources.readsPerMinute.toFixed(1)}, ${group.readsPerMinute.toFixed(1)}`,
      baseline: "",
      ratio: ratio(group.readsPerMinute, resources.readsPerMinute),
      goal: "",
      met: undefined,
    },
  ];
}

function formatDuration(ms: number): string {
  return ms >= 3_600_000 ? `${ms / 3_600_000} h` : ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

function table(rows: Row[]): string {
  const header = "| Figure | pulumi-glue-mv-refresh | baseline | ratio | goal | met |\n|---|---|---|---|---|---|";
  const mark = (met: boolean | undefined) => (met === undefined ? "" : met ? "yes" : "**no**");
  return [
    header,
    ...rows.map((r) => `| ${r.figure} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.goal} | ${mark(r.met)} |`),
  ].join("\n");
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node.js ${process.version}`;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log("Installing the package from its npm pack tarball into a fresh program, beside the baseline...");
  const installed = installPacked({
    "Pulumi.yaml": readFileSync(path.join(BENCH, "program", "Pulumi.yaml"), "utf8"),
    "index.js": readFileSync(path.join(BENCH, "program", "index.js"), "utf8"),
  });
  copyFileSync(path.join(BENCH, "baseline", "naive-refresh.js"), path.join(installed.dir, "naive-refresh.js"));
  const program = installed.dir;
  const rows: Row[] = [];
  try {
    const providers = {} as Record<Kind, string>;
    for (const kind of KINDS) {
      const [first] = await runProgram({
        program: ".",
        projectDir: program,
        project: "mv-refresh-bench",
        stack: "bench",
        config: { "mv-refresh-bench:kind": kind, "mv-refresh-bench:count": "1" },
        typescript: false,
      });
      providers[kind] = String(first.inputs.__provider);
    }
    const sections: [string, () => Promise<Row[]>][] = [
      ["1. serialization", () => serialization(program)],
      ["2. cold start", () => coldStart(program, providers)],
      ["3. throttled scale", async () => (await throttledScale(program)).rows],
      ["4. waiting", () => waiting(program)],
      ["5. memory", () => memory(program)],
      ["6. polling budget", () => pollingBudget(program)],
      ["7. many views", () => manyViews(program)],
      ["8. real CLI", () => realCli({ program, credentials: CREDENTIALS, hostEnv })],
      [
        "9. lost Start answer",
        () =>
          lostStart({
            credentials: CREDENTIALS,
            deployOne: (emulator, scale) =>
              deploy(program, "ours", 1, emulator, { waitForCompletion: "true", timeoutMinutes: "60" }, scale),
          }),
      ],
      ["10. release plugin", () => releasePlugin(program)],
      ["11. forecast in preview", () => forecastPreview(CREDENTIALS)],
    ];
    // BENCH_ONLY=3,4 runs only those sections, while working on them.
    const only = process.env.BENCH_ONLY?.split(",");
    for (const [name, run] of sections.filter(([name]) => !only || only.includes(name.split(".")[0]))) {
      const at = Date.now();
      const section = await run();
      rows.push(...section);
      console.log(`${name}: done in ${seconds(Date.now() - at)}\n${table(section)}`);
    }
  } finally {
    rmSync(installed.work, { recursive: true, force: true });
  }
  const result = { date: new Date().toISOString(), machine: machine(), durationMs: Date.now() - started, rows };
  const markdown = table(rows);
  console.log(`\n${markdown}\n\nmachine: ${result.machine}; bench took ${seconds(result.durationMs)}`);
  writeFileSync(path.join(BENCH, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(
    path.join(ROOT, "BENCHMARKS.md"),
    [
      "# Benchmarks",
      "",
      "Written by `npm run bench` (bench/bench.ts) from its last run; the same figures are in",
      "`bench/results.json`. Each figure is measured in the same run for this package and for the",
      "baseline in `bench/baseline/naive-refresh.js`: the refresh provider most people would first",
      "write (start a run, record its id; no waiting, no input checks, the SDK's default retries).",
      "Both are installed into one fresh program, this package from its `npm pack` tarball, and",
      "driven through Pulumi's provider host against the local Glue emulator.",
      "",
      `Machine: ${result.machine}. Run on ${result.date.slice(0, 10)}, in ${seconds(result.durationMs)}.`,
      "",
      markdown,
      "",
    ].join("\n"),
  );
  if (rows.some((r) => r.met === false)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * Section 11 of `npm run bench`: what forecasts add to a preview (issue 27). The provider plugin
 * answers a preview's Create with the forecast, which a preview did not call before: every request
 * and millisecond of it is extra. 1, 10 and 50 views with a history (three runs each), previewed as
 * that many resources (their Creates at once, as the engine sends independent ones) and as one
 * MaterializedViewRefreshGroup, against the emulator; time is the real time of the previews.
 */
import { startEmulator } from "pulumi-glue-mv-refresh/emulator";
import { createGroupLifecycle } from "../src/deploy/group-lifecycle";
import { createLifecycle } from "../src/deploy/lifecycle";
import { scaledClock, systemClock } from "../src/model/wait";
import type { Row } from "./row";

const SCALE = 1000;
const COUNTS = [1, 10, 50];
const ROUNDS = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
  count: number,
  asGroup: boolean,
): Promise<{ requests: number; ms: number }> {
  const views = Array.from({ length: count }, (_, i) => ({ databaseName: "sales", tableName: `mv_${i}` }));
  const emulator = await startEmulator({ views, clockScale: SCALE, credentials: [credentials] });
  try {
    for (const view of views)
      for (let run = 0; run < 3; run++) {
        emulator.startRunOutOfBand(view, { durationMs: 600_000 });
        emulator.advanceTime(601_000);
      }
    const config: Record<string, string> = {
      "aws:region": "us-east-1",
      "aws:accessKey": credentials.accessKeyId,
      "aws:secretKey": credentials.secretAccessKey,
      "aws:endpoints": JSON.stringify([{ glue: emulator.endpoint, sts: emulator.endpoint }]),
    };
    const times: number[] = [];
    let requests = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // A provider process of its own each round: nothing cached from the round before.
      const options = { clock: scaledClock(SCALE, systemClock, emulator.clockOrigin), print: (): void => undefined };
      const request = { config: { get: (key: string) => config[key] } } as never;
      const refresh = createLifecycle(options);
      const group = createGroupLifecycle(options);
      await refresh.configure(request);
      await group.configure(request);
      emulator.resetRequests();
      const at = performance.now();
      if (asGroup)
        await group.preview({
          resourceName: "all",
          views: Object.fromEntries(views.map((v) => [v.tableName, { ...v, catalogId: "123456789012" }])),
        });
      else
        await Promise.all(
          views.map((v) => refresh.preview({ resourceName: v.tableName, catalogId: "123456789012", ...v })),
        );
      times.push(performance.now() - at);
      requests = emulator.requests.length;
    }
    return { requests, ms: median(times) };
  } finally {
    await emulator.close();
  }
}

export async function forecastPreview(credentials: {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}): Promise<Row[]> {
  const rows: Row[] = [];
  for (const count of COUNTS) {
    const resources = await measure(credentials, count, false);
    const group = await measure(credentials, count, true);
    rows.push({
      figure: `preview of ${count} view${count === 1 ? "" : "s"} with forecasts: extra requests, time (median of ${ROUNDS})`,
      ours: `as resources: ${resources.requests} List, ${resources.ms.toFixed(0)} ms; as one group: ${group.requests} List, ${group.ms.toFixed(0)} ms`,
      baseline: "no forecast",
      ratio: "",
      goal: "one List per view, one per database for a group",
      met: resources.requests === count && group.requests === 1,
    });
  }
  return rows;
}

if (require.main === module) {
  // On its own: node build/bench/forecast.js
  forecastPreview({ accessKeyId: "AKIABENCHMARK0000001", secretAccessKey: "bench-secret-access-key" }).then(
    (rows) =>
      rows.forEach((r) =>
        console.log(`| ${r.figure} | ${r.ours} | ${r.baseline} | | ${r.goal} | ${r.met ? "yes" : "**no**"} |`),
      ),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

/**
 * A Glue and STS stub at the SDK client (aws-sdk-client-mock) with runs that progress on a fake
 * clock, for lifecycle unit tests. End-to-end behaviour is proven against the emulator instead.
 */
import {
  AccessDeniedException,
  GetMaterializedViewRefreshTaskRunCommand,
  GlueClient,
  ListMaterializedViewRefreshTaskRunsCommand,
  MaterializedViewRefreshTaskNotRunningException,
  MaterializedViewRefreshTaskRunningException,
  StartMaterializedViewRefreshTaskRunCommand,
  StopMaterializedViewRefreshTaskRunCommand,
  type MaterializedViewRefreshTaskRun,
} from "@aws-sdk/client-glue";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { createLifecycle } from "../../src/lifecycle";
import type { RunStatus } from "../../src/glue";
import { FakeClock } from "./fake-clock";
import { ACCOUNT } from "./fixtures";

export const glueMock = mockClient(GlueClient);
export const stsMock = mockClient(STSClient);

interface StubRun {
  id: string;
  started: number;
  durationMs: number;
  outcome: "SUCCEEDED" | "FAILED";
  stoppedAt?: number;
  errorMessage?: string;
}

export interface StubGlueOptions {
  /** How long each run started through Start takes. */
  durationMs?: number;
  /** How the next runs end. */
  outcome?: "SUCCEEDED" | "FAILED";
  /** How long it takes a stopped run to reach STOPPED. */
  stopDelayMs?: number;
}

/** An in-memory view with runs on a fake clock, answering the four operations and STS. */
export class StubGlue {
  readonly clock = new FakeClock();
  readonly runs: StubRun[] = [];
  readonly lines: string[] = [];
  durationMs: number;
  outcome: "SUCCEEDED" | "FAILED";
  private readonly stopDelayMs: number;
  private nextId = 1;

  constructor(options: StubGlueOptions = {}) {
    this.durationMs = options.durationMs ?? 5 * 60_000;
    this.outcome = options.outcome ?? "SUCCEEDED";
    this.stopDelayMs = options.stopDelayMs ?? 20_000;
    glueMock.reset();
    stsMock.reset();
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, $metadata: {} });
    glueMock.on(StartMaterializedViewRefreshTaskRunCommand).callsFake(() => {
      const active = this.active();
      if (active) {
        throw new MaterializedViewRefreshTaskRunningException({ message: `run ${active.id} is running`, $metadata: {} });
      }
      return { MaterializedViewRefreshTaskRunId: this.addRun(this.durationMs, this.outcome).id };
    });
    glueMock.on(GetMaterializedViewRefreshTaskRunCommand).callsFake((input: { MaterializedViewRefreshTaskRunId: string }) => {
      const run = this.runs.find((r) => r.id === input.MaterializedViewRefreshTaskRunId);
      if (!run) throw Object.assign(new Error("no such run"), { name: "EntityNotFoundException", $metadata: {} });
      return { MaterializedViewRefreshTaskRun: this.record(run) };
    });
    glueMock.on(ListMaterializedViewRefreshTaskRunsCommand).callsFake(() => ({
      MaterializedViewRefreshTaskRuns: this.runs.map((r) => this.record(r)),
    }));
    glueMock.on(StopMaterializedViewRefreshTaskRunCommand).callsFake(() => {
      const active = this.active();
      if (!active) throw new MaterializedViewRefreshTaskNotRunningException({ message: "not running", $metadata: {} });
      active.stoppedAt = this.clock.now() + this.stopDelayMs;
      return {};
    });
  }

  /** A run started outside the deployment (a schedule, another pipeline). */
  addRun(durationMs: number, outcome: "SUCCEEDED" | "FAILED" = "SUCCEEDED"): StubRun {
    const id = `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, "0")}`;
    const run: StubRun = { id, started: this.clock.now(), durationMs, outcome };
    if (outcome === "FAILED") run.errorMessage = "Spark job failed: column price not found";
    this.runs.push(run);
    return run;
  }

  status(run: StubRun): RunStatus {
    const now = this.clock.now();
    if (run.stoppedAt !== undefined && now >= run.stoppedAt) return "STOPPED";
    if (now >= run.started + run.durationMs) return run.outcome;
    return now - run.started < 10_000 ? "STARTING" : "RUNNING";
  }

  active(): StubRun | undefined {
    return this.runs.find((r) => ["STARTING", "RUNNING"].includes(this.status(r)));
  }

  record(run: StubRun): MaterializedViewRefreshTaskRun {
    const status = this.status(run);
    const ended = status === "SUCCEEDED" || status === "FAILED" || status === "STOPPED";
    return {
      MaterializedViewRefreshTaskRunId: run.id,
      Status: status,
      StartTime: new Date(run.started),
      EndTime: ended ? new Date(Math.min(run.stoppedAt ?? Infinity, run.started + run.durationMs)) : undefined,
      RefreshType: "INCREMENTAL",
      DPUSeconds: ended ? 120.5 : undefined,
      ProcessedBytes: 1024,
      ErrorMessage: status === "FAILED" ? run.errorMessage : undefined,
    };
  }

  /** The Glue operations called, in order. */
  calls(): string[] {
    return glueMock.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ""));
  }

  /** A lifecycle on this stub's clock, configured with the given stack config. */
  async lifecycle(config: Record<string, string> = { "aws:region": "us-east-1" }) {
    const lifecycle = createLifecycle({ clock: this.clock, print: (l) => this.lines.push(l), random: () => 1 });
    await lifecycle.configure({
      config: {
        get: (key) => config[key],
        require: (key) => {
          if (config[key] === undefined) throw new Error(`missing ${key}`);
          return config[key];
        },
      },
    });
    return lifecycle;
  }
}

export function accessDenied(message: string): AccessDeniedException {
  return new AccessDeniedException({ message, $metadata: { requestId: "req-1234", httpStatusCode: 400 } });
}

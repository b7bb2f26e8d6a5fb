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
import { createLifecycle } from "../../src/deploy/lifecycle";
import { glueClient } from "../../src/aws/glue";
import { createRefreshContext, within, type RefreshContext } from "../../src/deploy/refresh-context";
import type { RetryContext } from "../../src/aws/retry";
import type { RunStatus } from "../../src/model/run";
import { TargetResolver } from "../../src/aws/targets";
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

type Operation = "Start" | "Get" | "List" | "Stop";

/** A failure waiting for the next call of an operation, before or after the call takes effect. */
interface QueuedFailure {
  readonly error: Error;
  readonly afterProcessing: boolean;
}

/** SDK-shaped errors, as the client would throw them. */
export const sdkErrors = {
  throttling: () =>
    Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400, requestId: "req-throttle" },
    }),
  serverError: () =>
    Object.assign(new Error("Internal failure"), {
      name: "InternalServiceException",
      $metadata: { httpStatusCode: 500, requestId: "req-500" },
    }),
  operationTimeout: () =>
    Object.assign(new Error("The operation timed out"), {
      name: "OperationTimeoutException",
      $metadata: { httpStatusCode: 400 },
    }),
  limitExceeded: () =>
    Object.assign(new Error("Too many concurrent runs"), {
      name: "ResourceNumberLimitExceededException",
      $metadata: { httpStatusCode: 400 },
    }),
  connectionReset: () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
  connectionRefused: () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
  invalidInput: () =>
    Object.assign(new Error("Table name is invalid"), {
      name: "InvalidInputException",
      $metadata: { httpStatusCode: 400, requestId: "req-bad" },
    }),
  entityNotFound: () =>
    Object.assign(new Error("Table daily_mv not found"), {
      name: "EntityNotFoundException",
      $metadata: { httpStatusCode: 400, requestId: "req-404" },
    }),
};

export interface StubGlueOptions {
  /** How long each run started through Start takes. */
  durationMs?: number;
  /** How the next runs end. */
  outcome?: "SUCCEEDED" | "FAILED";
  /** How long it takes a stopped run to reach STOPPED. */
  stopDelayMs?: number;
  /** How far Get and List lag behind writes: they see the runs as they stood this long ago. */
  readLagMs?: number;
  /** How far Glue's clock stands from the provider's: the start and end times it reports are shifted by it. */
  serviceSkewMs?: number;
  /** The provider's random numbers (its backoff's jitter). @default always 1, the longest pause */
  random?: () => number;
}

/** An in-memory view with runs on a fake clock, answering the four operations and STS. */
export class StubGlue {
  readonly clock = new FakeClock();
  readonly runs: StubRun[] = [];
  readonly lines: string[] = [];
  durationMs: number;
  outcome: "SUCCEEDED" | "FAILED";
  private readonly stopDelayMs: number;
  readLagMs: number;
  readonly serviceSkewMs: number;
  private readonly random: () => number;
  private nextId = 1;
  private readonly queued: Record<Operation, QueuedFailure[]> = { Start: [], Get: [], List: [], Stop: [] };

  /** The next `times` calls of `operation` fail with `error`, after taking effect when asked. */
  failNext(
    operation: Operation,
    error: () => Error,
    options: { times?: number; afterProcessing?: boolean } = {},
  ): void {
    for (let i = 0; i < (options.times ?? 1); i++) {
      this.queued[operation].push({ error: error(), afterProcessing: options.afterProcessing ?? false });
    }
  }

  /** Runs one call of `operation`, meeting any failure queued for it. */
  private call<T>(operation: Operation, process: () => T): T {
    const failure = this.queued[operation].shift();
    if (failure && !failure.afterProcessing) throw failure.error;
    const result = process();
    if (failure) throw failure.error;
    return result;
  }

  constructor(options: StubGlueOptions = {}) {
    this.durationMs = options.durationMs ?? 5 * 60_000;
    this.outcome = options.outcome ?? "SUCCEEDED";
    this.stopDelayMs = options.stopDelayMs ?? 20_000;
    this.readLagMs = options.readLagMs ?? 0;
    this.serviceSkewMs = options.serviceSkewMs ?? 0;
    this.random = options.random ?? (() => 1);
    glueMock.reset();
    stsMock.reset();
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, $metadata: {} });
    glueMock.on(StartMaterializedViewRefreshTaskRunCommand).callsFake(() =>
      this.call("Start", () => {
        const active = this.active();
        if (active) {
          throw new MaterializedViewRefreshTaskRunningException({
            message: `run ${active.id} is running`,
            $metadata: {},
          });
        }
        return { MaterializedViewRefreshTaskRunId: this.addRun(this.durationMs, this.outcome).id };
      }),
    );
    glueMock
      .on(GetMaterializedViewRefreshTaskRunCommand)
      .callsFake((input: { MaterializedViewRefreshTaskRunId: string }) =>
        this.call("Get", () => {
          const run = this.visibleRuns().find((r) => r.id === input.MaterializedViewRefreshTaskRunId);
          if (!run) throw Object.assign(new Error("no such run"), { name: "EntityNotFoundException", $metadata: {} });
          return { MaterializedViewRefreshTaskRun: this.record(run, this.readAt()) };
        }),
      );
    glueMock.on(ListMaterializedViewRefreshTaskRunsCommand).callsFake(() =>
      this.call("List", () => ({
        MaterializedViewRefreshTaskRuns: this.visibleRuns().map((r) => this.record(r, this.readAt())),
      })),
    );
    glueMock.on(StopMaterializedViewRefreshTaskRunCommand).callsFake(() =>
      this.call("Stop", () => {
        const active = this.active();
        if (!active)
          throw new MaterializedViewRefreshTaskNotRunningException({ message: "not running", $metadata: {} });
        active.stoppedAt = this.clock.now() + this.stopDelayMs;
        return {};
      }),
    );
  }

  /** A run started outside the deployment (a schedule, another pipeline). */
  addRun(durationMs: number, outcome: "SUCCEEDED" | "FAILED" = "SUCCEEDED"): StubRun {
    const id = `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, "0")}`;
    const run: StubRun = { id, started: this.clock.now(), durationMs, outcome };
    if (outcome === "FAILED") run.errorMessage = "Spark job failed: column price not found";
    this.runs.push(run);
    return run;
  }

  /** When the state that Get and List see stood. */
  private readAt(): number {
    return this.clock.now() - this.readLagMs;
  }

  private visibleRuns(): StubRun[] {
    return this.runs.filter((r) => r.started <= this.readAt());
  }

  status(run: StubRun, now = this.clock.now()): RunStatus {
    if (run.stoppedAt !== undefined && now >= run.stoppedAt) return "STOPPED";
    if (now >= run.started + run.durationMs) return run.outcome;
    return now - run.started < 10_000 ? "STARTING" : "RUNNING";
  }

  active(): StubRun | undefined {
    return this.runs.find((r) => ["STARTING", "RUNNING"].includes(this.status(r)));
  }

  record(run: StubRun, at = this.clock.now()): MaterializedViewRefreshTaskRun {
    const status = this.status(run, at);
    const ended = status === "SUCCEEDED" || status === "FAILED" || status === "STOPPED";
    return {
      MaterializedViewRefreshTaskRunId: run.id,
      Status: status,
      StartTime: new Date(run.started + this.serviceSkewMs),
      EndTime: ended
        ? new Date(Math.min(run.stoppedAt ?? Infinity, run.started + run.durationMs) + this.serviceSkewMs)
        : undefined,
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

  /** Aborting it is the provider host being told to stop. */
  readonly interrupt = new AbortController();

  /** The shared state of the refresh units on this stub's clock, configured with the given stack config. */
  context(config: Record<string, string> = { "aws:region": "us-east-1" }, kind?: string): RefreshContext {
    const ctx = createRefreshContext({
      clock: this.clock,
      print: (l) => this.lines.push(l),
      random: this.random,
      interrupts: () => this.interrupt.signal,
      ...(kind !== undefined ? { kind } : {}),
    });
    ctx.targets.configure((key) => config[key]);
    return ctx;
  }

  /** A retry budget of `minutes` from now on this stub's clock, ended by its interrupt. */
  budget(ctx: RefreshContext, minutes = 60): RetryContext {
    return within(ctx, minutes, this.interrupt.signal);
  }

  /**
   * Has the SDK's Glue client for the usual target (us-east-1, no endpoint or role) know Glue's
   * clock, as it learns it from every answer's Date header, which the mocked client never sees.
   */
  measureSkew(): void {
    const targets = new TargetResolver("MaterializedViewRefresh");
    targets.configure(() => undefined);
    glueClient(targets.targetFor("us-east-1", undefined, undefined), this.clock).config.systemClockOffset =
      this.serviceSkewMs;
  }

  /** A lifecycle on this stub's clock, configured with the given stack config. */
  async lifecycle(config: Record<string, string> = { "aws:region": "us-east-1" }) {
    const lifecycle = createLifecycle({
      clock: this.clock,
      print: (l) => this.lines.push(l),
      random: this.random,
      interrupts: () => this.interrupt.signal,
    });
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

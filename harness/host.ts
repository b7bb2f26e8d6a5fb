/**
 * Pulumi's own dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`), spawned as the engine
 * spawns it and spoken to over gRPC with the proto clients that ship in @pulumi/pulumi.
 */
import { spawn, type ChildProcess } from "child_process";
import { readFileSync } from "fs";
import { createRequire } from "module";
import * as path from "path";
import * as readline from "readline";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as providerGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as statusTypes from "@pulumi/pulumi/proto/status_pb";

type Props = Record<string, unknown>;

/** The gRPC and protobuf modules exactly as the project's @pulumi/pulumi loads them. */
function protocol(projectDir: string) {
  const fromPulumi = createRequire(createRequire(path.join(projectDir, "index.js")).resolve("@pulumi/pulumi"));
  return {
    grpc: fromPulumi("@grpc/grpc-js") as typeof grpcTypes,
    struct: fromPulumi("google-protobuf/google/protobuf/struct_pb") as typeof structTypes,
    provider: fromPulumi("./proto/provider_pb") as typeof providerTypes,
    providerGrpc: fromPulumi("./proto/provider_grpc_pb") as typeof providerGrpcTypes,
    status: fromPulumi("./proto/status_pb") as typeof statusTypes,
    hostPath: path.join(path.dirname(fromPulumi.resolve("./package.json")), "cmd", "dynamic-provider"),
  };
}

/** A resource operation the provider refused; `partial` holds what a failed create or update left. */
export class ProviderCallError extends Error {
  override readonly name = "ProviderCallError";
  constructor(
    message: string,
    readonly partial?: { readonly id: string; readonly properties: Props; readonly reasons: string[] },
  ) {
    super(message);
  }
}

export interface CheckResult {
  readonly inputs: Props;
  readonly failures: readonly { property: string; reason: string }[];
}

export interface DiffResult {
  readonly changes: "none" | "some" | "unknown";
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
}

/** A line the host wrote, with when (epoch ms). */
export interface HostLine {
  readonly time: number;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

export interface HostOptions {
  /** The Pulumi project's directory: the host's working directory, as the engine runs it. */
  readonly projectDir: string;
  /** Extra environment for the host process. */
  readonly env?: NodeJS.ProcessEnv;
}

export class ProviderHost {
  private constructor(
    private readonly proto: ReturnType<typeof protocol>,
    private readonly child: ChildProcess,
    private readonly client: providerGrpcTypes.ResourceProviderClient,
    /** Resolves with the exit code (or signal name) when the host process ends. */
    readonly exited: Promise<number | string | null>,
    /** Everything the host printed after its port, in order. */
    readonly lines: HostLine[],
    /** When the process was spawned, and when it answered with its port (epoch ms). */
    readonly startedAt: number,
    readonly readyAt: number,
  ) {}

  static async start(options: HostOptions): Promise<ProviderHost> {
    const proto = protocol(options.projectDir);
    const startedAt = Date.now();
    // The engine passes its own address; the dynamic provider host only requires that one is given.
    const child = spawn(process.execPath, [proto.hostPath, "127.0.0.1:0"], {
      cwd: options.projectDir,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: HostLine[] = [];
    const exited = new Promise<number | string | null>((resolve) =>
      child.on("exit", (code, signal) => resolve(signal ?? code)),
    );
    readline
      .createInterface({ input: child.stderr })
      .on("line", (text) => lines.push({ time: Date.now(), stream: "stderr", text }));
    const port = await new Promise<number>((resolve, reject) => {
      const stdout = readline.createInterface({ input: child.stdout });
      let seenPort = false;
      stdout.on("line", (text) => {
        if (!seenPort && /^\d+$/.test(text.trim())) {
          seenPort = true;
          resolve(Number(text.trim()));
        } else {
          lines.push({ time: Date.now(), stream: "stdout", text });
        }
      });
      void exited.then((code) =>
        reject(
          new Error(`the provider host exited (${code}) before it listened: ${lines.map((l) => l.text).join("\n")}`),
        ),
      );
    });
    const client = new proto.providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      proto.grpc.credentials.createInsecure(),
    );
    return new ProviderHost(proto, child, client, exited, lines, startedAt, Date.now());
  }

  /** The process id of the host. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private struct(value: Props) {
    return this.proto.struct.Struct.fromJavaScript(value as Record<string, structTypes.JavaScriptValue>);
  }

  private call<Req, Res>(method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = (
        this.client as unknown as Record<
          string,
          (r: Req, cb: (e: grpcTypes.ServiceError | null, r: Res) => void) => void
        >
      )[method];
      fn.call(this.client, request, (error, response) =>
        error ? reject(this.providerError(error)) : resolve(response),
      );
    });
  }

  /** Turns a gRPC error into the message the engine shows, with any partial state it carries. */
  private providerError(error: grpcTypes.ServiceError): ProviderCallError {
    const details = error.metadata?.get("grpc-status-details-bin")[0];
    if (details instanceof Buffer) {
      const status = this.proto.status.Status.deserializeBinary(new Uint8Array(details));
      for (const any of status.getDetailsList()) {
        if (!any.getTypeUrl().endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
        const failed = this.proto.provider.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        return new ProviderCallError(error.details, {
          id: failed.getId(),
          properties: failed.getProperties()?.toJavaScript() ?? {},
          reasons: failed.getReasonsList(),
        });
      }
    }
    return new ProviderCallError(error.details || error.message);
  }

  async configure(config: Record<string, string>): Promise<void> {
    const request = new this.proto.provider.ConfigureRequest();
    request.setArgs(this.struct(config));
    const variables = request.getVariablesMap();
    for (const [key, value] of Object.entries(config)) variables.set(key, value);
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    await this.call("configure", request);
  }

  async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
    const request = new this.proto.provider.CheckRequest();
    request.setUrn(urn);
    request.setOlds(this.struct(olds));
    request.setNews(this.struct(news));
    const response = await this.call<unknown, providerTypes.CheckResponse>("check", request);
    return {
      inputs: response.getInputs()?.toJavaScript() ?? {},
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props, oldInputs: Props): Promise<DiffResult> {
    const request = new this.proto.provider.DiffRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(this.struct(olds));
    request.setNews(this.struct(news));
    request.setOldInputs(this.struct(oldInputs));
    const response = await this.call<unknown, providerTypes.DiffResponse>("diff", request);
    const { DiffChanges } = this.proto.provider.DiffResponse;
    const changes = response.getChanges();
    return {
      changes: changes === DiffChanges.DIFF_SOME ? "some" : changes === DiffChanges.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const request = new this.proto.provider.CreateRequest();
    request.setUrn(urn);
    request.setProperties(this.struct(properties));
    const response = await this.call<unknown, providerTypes.CreateResponse>("create", request);
    return { id: response.getId(), properties: response.getProperties()?.toJavaScript() ?? {} };
  }

  async update(urn: string, id: string, olds: Props, news: Props, oldInputs: Props): Promise<Props> {
    const request = new this.proto.provider.UpdateRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setOlds(this.struct(olds));
    request.setNews(this.struct(news));
    request.setOldInputs(this.struct(oldInputs));
    const response = await this.call<unknown, providerTypes.UpdateResponse>("update", request);
    return response.getProperties()?.toJavaScript() ?? {};
  }

  async read(urn: string, id: string, properties: Props, inputs: Props): Promise<{ id: string; properties: Props }> {
    const request = new this.proto.provider.ReadRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(this.struct(properties));
    request.setInputs(this.struct(inputs));
    const response = await this.call<unknown, providerTypes.ReadResponse>("read", request);
    return { id: response.getId(), properties: response.getProperties()?.toJavaScript() ?? {} };
  }

  async delete(urn: string, id: string, properties: Props, oldInputs: Props): Promise<void> {
    const request = new this.proto.provider.DeleteRequest();
    request.setUrn(urn);
    request.setId(id);
    request.setProperties(this.struct(properties));
    request.setOldInputs(this.struct(oldInputs));
    await this.call("delete", request);
  }

  /** The host's peak resident memory so far, in bytes (Linux only: VmHWM in /proc). */
  peakRssBytes(): number | undefined {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${this.child.pid}/status`, "utf8"));
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** Sends the host a signal, as a terminal's Ctrl-C or a CI runner's cancellation would. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Ends the host as the engine does at the end of a deployment. */
  async close(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }
}

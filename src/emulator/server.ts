/**
 * The HTTP side: reads bodies (refusing oversize ones without buffering them), hands each request
 * to the dispatcher, adds the configured latency, then writes the answer or drops the connection.
 */
import { randomUUID } from "crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "http";
import type { AddressInfo } from "net";
import { tooLarge, type Outcome, type RequestIdentity } from "./dispatch";
import type { SignedRequest } from "./sigv4";
import type { RequestLogEntry } from "./types";

/** The largest body read; AWS JSON services refuse larger ones too. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerHooks {
  dispatch(request: SignedRequest, identity: RequestIdentity): Promise<Outcome>;
  record(entry: RequestLogEntry): void;
  latencyMs(): number;
  /** The service's wall clock for the Date header, epoch ms. */
  date(): number;
}

export interface RunningServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Reads the body, or resolves undefined as soon as it is known to exceed the limit (the rest is discarded). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    });
    request.on("end", () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    request.on("error", reject);
  });
}

export async function startServer(host: string, port: number, hooks: ServerHooks): Promise<RunningServer> {
  const pending = new Set<NodeJS.Timeout>();

  const deliver = (request: IncomingMessage, response: ServerResponse, outcome: Outcome) => {
    hooks.record(outcome.entry);
    if (!outcome.answer) {
      request.socket.destroy();
      return;
    }
    const body = Buffer.from(outcome.answer.body, "utf8");
    response.writeHead(outcome.answer.status, {
      ...outcome.answer.headers,
      "x-amzn-RequestId": outcome.entry.requestId,
      // The SDK reads the service's time here, to correct its signing clock and for its users.
      Date: new Date(hooks.date()).toUTCString(),
      "Content-Length": String(body.length),
    });
    response.end(body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const identity: RequestIdentity = { requestId: randomUUID(), time: Date.now() };
    const body = await readBody(request, MAX_BODY_BYTES);
    const outcome =
      body === undefined
        ? tooLarge(request.headers, identity, MAX_BODY_BYTES)
        : await hooks.dispatch(
            { method: request.method ?? "GET", url: request.url ?? "/", headers: request.headers, body },
            identity,
          );
    const latency = hooks.latencyMs();
    if (latency <= 0) return deliver(request, response, outcome);
    const timer = setTimeout(() => {
      pending.delete(timer);
      deliver(request, response, outcome);
    }, latency);
    pending.add(timer);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A bug in the emulator, not an emulated fault: answer 500 and keep serving.
      if (!response.headersSent) {
        response.writeHead(500, { "Content-Type": "text/plain" });
        response.end(`glue-mv-emulator internal error: ${(error as Error)?.stack ?? String(error)}`);
      }
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    endpoint: `http://${urlHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

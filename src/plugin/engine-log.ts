/**
 * Progress lines from the provider plugin to the user. The CLI shows a plugin's own stdout only in
 * its debug log, so lines go to the engine's Log service instead, each under the URN of the
 * resource whose operation printed it (carried through the operation by an AsyncLocalStorage).
 */
import { AsyncLocalStorage } from "async_hooks";
import * as grpc from "@grpc/grpc-js";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";

/** The URN of the resource whose operation is running. */
export const operationUrn = new AsyncLocalStorage<string>();

/**
 * Prints a line to the engine at `address` as an info message of the current operation's resource;
 * to stderr when there is no engine to print to, or the engine refused it.
 */
export function engineLog(address: string | undefined): (line: string) => void {
  if (!address) return (line) => console.error(line);
  const client = new engrpc.EngineClient(address, grpc.credentials.createInsecure()) as unknown as {
    log(request: engproto.LogRequest, done: (error: Error | null) => void): void;
  };
  return (line) => {
    const request = new engproto.LogRequest()
      .setSeverity(engproto.LogSeverity.INFO)
      .setMessage(line)
      .setUrn(operationUrn.getStore() ?? "");
    client.log(request, (error) => {
      if (error) console.error(line);
    });
  };
}

/** The provider plugin's gRPC service served against the emulator, and called as the engine does, from tests. */
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { readFileSync } from "fs";
import * as path from "path";
import type { GlueEmulator } from "../../src/emulator";
import { createGroupLifecycle } from "../../src/deploy/group-lifecycle";
import { createLifecycle } from "../../src/deploy/lifecycle";
import { scaledClock, systemClock } from "../../src/model/wait";
import { GROUP_TYPE, groupResource, REFRESH_TYPE, refreshResource } from "../../src/plugin/resources";
import { servePlugin } from "../../src/plugin/server";
import { CLOCK_SCALE } from "./e2e";

/** The plugin's committed schema, as the service serves it. */
const SCHEMA = readFileSync(path.join(__dirname, "..", "..", "provider", "schema.json"), "utf8");

/**
 * Both resource types served on a loopback port, on the emulator's scaled clock, their progress
 * lines pushed to `lines`; and a client of the service.
 */
export async function servedPlugin(
  emulator: GlueEmulator,
  lines: string[],
): Promise<{ server: grpc.Server; client: provrpc.ResourceProviderClient }> {
  const clock = scaledClock(CLOCK_SCALE, systemClock, emulator.clockOrigin);
  const options = { clock, print: (line: string) => lines.push(line), interrupts: () => new AbortController().signal };
  const served = await servePlugin({
    resources: {
      [REFRESH_TYPE]: refreshResource(createLifecycle(options)),
      [GROUP_TYPE]: groupResource(createGroupLifecycle(options)),
    },
    schema: SCHEMA,
    version: "1.2.3",
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${served.port}`, grpc.credentials.createInsecure());
  return { server: served.server, client };
}

/** A call of the service, as a promise. */
export function callService<Req, Res>(
  client: provrpc.ResourceProviderClient,
  method: string,
  request: Req,
): Promise<Res> {
  const fn = (client as unknown as Record<string, (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => void>)[
    method
  ].bind(client);
  return new Promise((resolve, reject) =>
    fn(request, (error, response) => (error ? reject(error) : resolve(response))),
  );
}

/** Values as a protobuf Struct. */
export const struct = (values: Record<string, unknown>): structproto.Struct =>
  structproto.Struct.fromJavaScript(values as Record<string, structproto.JavaScriptValue>);

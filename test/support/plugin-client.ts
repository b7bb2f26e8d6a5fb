/** Calling the provider plugin's gRPC service as the engine does, from tests. */
import type * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import type * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";

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

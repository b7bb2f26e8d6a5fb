/**
 * The provider plugin's cold start, as section 2 measures the provider host's: from spawning the
 * installed package's plugin launcher to its first Create answered, through the engine's calls
 * (Configure, Check, Create) over gRPC.
 */
import { spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";

const URN = "urn:pulumi:bench::mv-refresh-bench::glue-mv-refresh:index:MaterializedViewRefresh::mv-0";
type Values = Record<string, structproto.JavaScriptValue>;

/** One unary call of the plugin, as a promise. */
function call<Req, Res>(client: provrpc.ResourceProviderClient, method: string, request: Req): Promise<Res> {
  const fn = (client as unknown as Record<string, (r: Req, cb: (e: Error | null, r: Res) => void) => void>)[method];
  return new Promise((resolve, reject) =>
    fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response))),
  );
}

/**
 * Milliseconds from spawning the plugin to its first Create answered: the launcher of the package
 * installed in `program`, or `launcher` (a release's single executable).
 */
export async function pluginFirstCreateMs(
  program: string,
  env: NodeJS.ProcessEnv,
  inputs: Values,
  launcher = path.join(
    program,
    "node_modules",
    "pulumi-glue-mv-refresh",
    "provider",
    "pulumi-resource-glue-mv-refresh",
  ),
): Promise<number> {
  const spawned = Date.now();
  const plugin = spawn(launcher, [], { env, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      plugin.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0].trim()));
      plugin.once("exit", (code) => reject(new Error(`the plugin exited with ${code} before printing its port`)));
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const struct = (values: Values) => structproto.Struct.fromJavaScript(values);
      await call(client, "configure", new provproto.ConfigureRequest().setArgs(struct({ region: "us-east-1" })));
      const checked = await call<provproto.CheckRequest, provproto.CheckResponse>(
        client,
        "check",
        new provproto.CheckRequest().setUrn(URN).setOlds(struct({})).setNews(struct(inputs)),
      );
      if (checked.getFailuresList().length > 0)
        throw new Error(`the plugin refused the inputs: ${checked.getFailuresList()[0].getReason()}`);
      await call(client, "create", new provproto.CreateRequest().setUrn(URN).setProperties(checked.getInputs()));
      return Date.now() - spawned;
    } finally {
      client.close();
    }
  } finally {
    plugin.kill("SIGKILL");
  }
}

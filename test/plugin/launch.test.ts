/**
 * The plugin's two launchers, as the engine starts them: the executable the CLI runs for a
 * `plugins.providers` path, and the Node.js program PulumiPlugin.yaml names for Pulumi's Node.js
 * language host (`pulumi package add`), after the `npm install` the host runs in its folder. Each
 * must print the port of a server that answers as the plugin.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import { readFileSync } from "fs";
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as path from "path";

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, "..", "..");
const PROVIDER = path.join(ROOT, "provider");
const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };

let child: ChildProcess | undefined;
afterEach(() => child?.kill("SIGKILL"));

/** Starts a launcher and resolves with the version the server it started reports. */
async function versionServedBy(command: string, args: string[]): Promise<string> {
  const started = spawn(command, args, { cwd: PROVIDER, stdio: ["ignore", "pipe", "inherit"] });
  child = started;
  const port = await new Promise<string>((resolve, reject) => {
    started.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0].trim()));
    started.once("exit", (code) => reject(new Error(`${command} exited with ${code} before printing a port`)));
  });
  expect(port).toMatch(/^\d+$/);
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    return await new Promise((resolve, reject) =>
      client.getPluginInfo(new emptyproto.Empty(), (error, info) =>
        error ? reject(error) : resolve(info.getVersion()),
      ),
    );
  } finally {
    client.close();
  }
}

it("serves the plugin from provider/pulumi-resource-glue-mv-refresh", async () => {
  expect(await versionServedBy(path.join(PROVIDER, "pulumi-resource-glue-mv-refresh"), [])).toBe(version);
});

it("serves the plugin from provider/index.js once npm has installed the folder's dependency", async () => {
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--no-save"], {
    cwd: PROVIDER,
    encoding: "utf8",
  });
  expect(install.status).toBe(0);
  expect(await versionServedBy(process.execPath, ["index.js"])).toBe(version);
});

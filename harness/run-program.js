// Runs a Pulumi program the way the Node.js language host does (ts-node registered as `pulumi up`
// registers it, config from PULUMI_CONFIG), with Pulumi's mock resource monitor standing in for the
// engine's. Each registration goes to the parent process (the harness's engine) over the IPC
// channel, and the program goes on with the answer: the real outputs of the resource's step, or an
// error when the step failed or was skipped, so that the resources depending on it never register.
// A plain Node child process: Jest's module sandbox breaks Pulumi's closure serializer.
"use strict";
const Module = require("module");
const fs = require("fs");
const path = require("path");

const request = JSON.parse(process.env.HARNESS_PROGRAM_REQUEST);
const STACK_TYPE = "pulumi:pulumi:Stack";

/** Errors the engine answered with: their rejections are the engine's to report, not the program's. */
const ENGINE_ANSWER = "[engine]";
const isEngineAnswer = (error) => String(error && error.message).startsWith(ENGINE_ANSWER);

// The IPC channel keeps this process alive only while an answer is awaited, so that the program
// ends, as under the language host, when it has nothing left to do.
let awaiting = 0;
const answers = new Map();
let nextSeq = 0;
process.channel.unref();
process.on("message", (message) => {
  const pending = answers.get(message.seq);
  if (!pending) return;
  answers.delete(message.seq);
  if (--awaiting === 0) process.channel.unref();
  pending(message);
});

function ask(message) {
  const seq = nextSeq++;
  if (awaiting++ === 0) process.channel.ref();
  return new Promise((resolve) => {
    answers.set(seq, resolve);
    process.send({ ...message, seq });
  });
}

let programError;
function fail(error) {
  if (isEngineAnswer(error) || programError !== undefined) return;
  programError = String(error && error.stack ? error.stack : error);
  process.send({ kind: "programError", error: programError });
}

async function main() {
  process.chdir(request.projectDir);
  // Resolve everything as the program would: from the project directory.
  const fromProject = Module.createRequire(path.join(request.projectDir, "index.js"));
  if (request.typescript) {
    const tsutils = fromProject("@pulumi/pulumi/tsutils");
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
    fromProject(tsnodeRequire).register({
      compiler: typescriptRequire,
      transpileOnly: request.transpileOnly,
      project: "tsconfig.json",
      skipProject: !fs.existsSync("tsconfig.json"),
      compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", ...compilerOptions },
    });
  }
  const pulumi = fromProject("@pulumi/pulumi");
  // What the monitor learns from a registration request beyond the mock's arguments, by type::name.
  const requests = new Map();
  // The properties each resource declares (its inputs and outputs), by type::name.
  const declaredProperties = new Map();
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        const key = `${args.type}::${args.name}`;
        const seen = requests.get(key)?.shift() ?? {};
        if (args.type === STACK_TYPE) return { id: "", state: {} };
        const answer = await ask({
          kind: "register",
          urn: seen.urn,
          type: args.type,
          name: args.name,
          custom: args.custom,
          parent: seen.parent || undefined,
          dependencies: seen.dependencies ?? [],
          inputs: seen.inputs ?? args.inputs,
          properties: declaredProperties.get(key) ?? [],
          read: Boolean(args.id),
        });
        if (answer.error !== undefined) throw new Error(`${ENGINE_ANSWER} ${answer.error}`);
        return { id: answer.id, state: answer.outputs };
      },
      call: (args) => args.inputs,
    },
    request.project,
    request.stack,
    request.preview,
  );
  // The mock's arguments carry inputs with unknowns and secrets already turned into objects, and no
  // URN or dependencies: take them from the request, in the form the engine receives them.
  const monitor = pulumi.runtime.getMonitor();
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const key = `${req.getType()}::${req.getName()}`;
    if (!requests.has(key)) requests.set(key, []);
    requests.get(key).push({
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      inputs: req.getObject()?.toJavaScript() ?? {},
    });
    return registerResource(req, callback);
  };
  // Every resource the program declares, so that the engine can name those that never registered.
  // (The SDK's resource module calls these through its exports object; where a version does not,
  // the engine still knows every resource that registered.)
  const runtimeResource = fromProject("@pulumi/pulumi/runtime/resource");
  for (const method of ["registerResource", "readResource"]) {
    const original = runtimeResource[method];
    try {
      runtimeResource[method] = (res, parent, type, name, ...rest) => {
        if (type !== STACK_TYPE) process.send({ kind: "declare", type, name });
        // registerResource(res, parent, t, name, custom, remote, newDependency, props, ...); readResource(res, parent, t, name, props, ...)
        const props = method === "registerResource" ? rest[3] : rest[0];
        declaredProperties.set(`${type}::${name}`, Object.keys(props ?? {}));
        return original(res, parent, type, name, ...rest);
      };
    } catch {
      // A read-only export: declarations go untracked.
    }
  }

  const exported = fromProject(request.program);
  // The stack's outputs, once known: what `pulumi up` prints under "Outputs".
  pulumi.output(exported ?? {}).apply((outputs) => process.send({ kind: "outputs", outputs: plain(outputs) }));
}

/** Module exports as JSON: functions and the like dropped. */
function plain(value) {
  try {
    return JSON.parse(JSON.stringify(value ?? {}));
  } catch {
    return {};
  }
}

process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);
let ended = false;
process.on("beforeExit", () => {
  if (ended) return;
  ended = true;
  process.send({ kind: "done" }, () => process.disconnect());
});
main().catch(fail);

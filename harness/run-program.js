// Runs a Pulumi program the way the Node.js language host does (ts-node registered as `pulumi up`
// registers it, config from PULUMI_CONFIG), but under pulumi.runtime.setMocks, and writes every
// resource registration, inputs and serialized provider included, to a JSON file.
// A plain Node child process: Jest's module sandbox breaks Pulumi's closure serializer.
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");

const request = JSON.parse(fs.readFileSync(process.env.HARNESS_PROGRAM_REQUEST, "utf8"));
const registrations = [];
let failure;

function write() {
  fs.writeFileSync(request.resultFile, JSON.stringify({ registrations, error: failure }));
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
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.type !== "pulumi:pulumi:Stack") {
          registrations.push({ type: args.type, name: args.name, custom: args.custom, inputs: args.inputs });
        }
        const prior = request.outputs[`${args.type}::${args.name}`];
        // Outputs a real engine would hand back: what the resource recorded, updated by its new inputs.
        return { id: prior?.id ?? `${args.name}-id`, state: { ...prior?.outputs, ...args.inputs } };
      },
      call: (args) => args.inputs,
    },
    request.project,
    request.stack,
    request.preview,
  );
  process.on("beforeExit", write);
  fromProject(request.program);
}

main().catch((error) => {
  failure = String(error && error.stack ? error.stack : error);
  write();
  process.exitCode = 1;
});
process.on("unhandledRejection", (error) => {
  failure = String(error && error.stack ? error.stack : error);
});

/**
 * The provider plugin's gRPC service: Pulumi's ResourceProvider protocol over the lifecycles of
 * resources.ts. Served by hand rather than by `@pulumi/pulumi/provider`'s `main`, whose Configure
 * drops the provider's configuration.
 */
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type { InputFailure } from "../model/inputs";
import { awsConfigGetter, checkPluginConfig, inPluginTerms, PLUGIN_NAME } from "./config";
import { operationUrn } from "./engine-log";
import { nameOfUrn, type PluginResource } from "./resources";
import { changedKeys } from "./changed-keys";
import { forWire, unwrapSecrets } from "./wire";

type Values = Record<string, unknown>;

/** What the service serves: its resource types by token, its schema, its version. */
export interface PluginService {
  readonly resources: Readonly<Record<string, PluginResource>>;
  readonly schema: string;
  readonly version: string;
}

/** A Struct's values, secrets unwrapped; an absent Struct is an empty object. */
const valuesOf = (struct: structproto.Struct | undefined): Values =>
  unwrapSecrets(struct?.toJavaScript() ?? {}) as Values;

const structOf = (values: Values): structproto.Struct =>
  structproto.Struct.fromJavaScript(forWire(values) as Record<string, structproto.JavaScriptValue>);

/** The type token of a resource, from its request or else its URN (`…::parent$type::name`). */
function typeOf(request: { getType?: () => string }, urn: string): string {
  const given = request.getType?.();
  if (given) return given;
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** How messages name the configuration: the default provider's stack config, or an explicit provider's arguments. */
type Terms = (text: string) => string;

/** A failure as the engine shows it, with the plugin's names for config keys. */
function checkFailures(failures: readonly InputFailure[], terms: Terms): provproto.CheckFailure[] {
  return failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(terms(f.reason)));
}

/**
 * An error as the engine reads it. A refresh that failed after its run began carries the resource's
 * id and state: sent as ErrorResourceInitFailed, so the engine keeps the run in the stack.
 */
function grpcError(error: unknown, terms: Terms): Partial<grpc.StatusObject> {
  const e = error as { message?: string; id?: string; properties?: Values; reasons?: string[] };
  const message = terms(e.message ?? String(error));
  const metadata = new grpc.Metadata();
  if (typeof e.id === "string") {
    const detail = new provproto.ErrorResourceInitFailed()
      .setId(e.id)
      .setProperties(structOf(e.properties ?? {}))
      .setReasonsList((e.reasons ?? [message]).map(terms));
    const packed = new anyproto.Any();
    packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status().setCode(grpc.status.UNKNOWN).setMessage(message);
    status.addDetails(packed);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/**
 * A unary handler from an async function; a thrown error becomes the engine's error. Lines printed
 * during a resource's operation go to the engine under that resource's URN.
 */
function serve<Req, Res>(work: (request: Req) => Promise<Res>, terms: Terms): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const { getUrn } = call.request as { getUrn?: () => string };
    operationUrn
      .run(getUrn?.call(call.request) ?? "", () => work(call.request))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(grpcError(error, terms) as grpc.ServiceError, null),
      );
  };
}

/** The service's handlers. Configuration reaches every lifecycle before any resource operation. */
export function providerService(service: PluginService): grpc.UntypedServiceImplementation {
  // Each provider resource runs in a plugin process of its own: its name, once configured, says
  // whether messages name stack config (the default provider) or the provider's own arguments.
  let provider: string | undefined;
  const terms: Terms = (text) => inPluginTerms(text, provider);
  const unary = <Req, Res>(work: (request: Req) => Promise<Res>) => serve(work, terms);
  const resourceFor = (request: { getType?: () => string }, urn: string): PluginResource => {
    const type = typeOf(request, urn);
    const resource = service.resources[type];
    if (!resource) throw new Error(`${PLUGIN_NAME} has no resource type ${type}`);
    return resource;
  };
  const configure = async (values: Values) => {
    const get = awsConfigGetter(values);
    // The lifecycles read their configuration through `config.get`, as the dynamic provider host's.
    const request = { config: { get: (key: string) => get(key) } } as unknown as pulumi.dynamic.ConfigureRequest;
    for (const { lifecycle } of Object.values(service.resources)) await lifecycle.configure(request);
  };
  const lifecycleOf = (request: { getType?: () => string }, urn: string) => resourceFor(request, urn).lifecycle;

  return {
    getPluginInfo: unary(async () => new plugproto.PluginInfo().setVersion(service.version)),
    getSchema: unary(async (req: provproto.GetSchemaRequest) => {
      if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
      return new provproto.GetSchemaResponse().setSchema(service.schema);
    }),
    attach: unary(async () => new emptyproto.Empty()),
    cancel: unary(async () => new emptyproto.Empty()),

    checkConfig: unary(async (req: provproto.CheckRequest) => {
      const news = valuesOf(req.getNews());
      const name = req.getName() || nameOfUrn(req.getUrn());
      return new provproto.CheckResponse()
        .setInputs(structOf(news))
        .setFailuresList(checkFailures(checkPluginConfig(news, name), (text) => inPluginTerms(text, name)));
    }),
    diffConfig: unary(async (req: provproto.DiffRequest) => {
      // Configuration says where and as whom to call AWS; a change of it starts no refresh.
      const olds = JSON.stringify(valuesOf(req.getOldInputs() ?? req.getOlds()));
      const changed = olds !== JSON.stringify(valuesOf(req.getNews()));
      return new provproto.DiffResponse().setChanges(
        changed ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE,
      );
    }),
    configure: unary(async (req: provproto.ConfigureRequest) => {
      // Engines before the request carried the provider's name and URN send empty strings.
      const urn: string = req.getUrn() ?? "";
      const name: string = req.getName() ?? "";
      if (name !== "" || urn !== "") provider = name !== "" ? name : nameOfUrn(urn);
      const values: Values = req.hasArgs() ? valuesOf(req.getArgs()) : {};
      if (!req.hasArgs()) {
        // Older engines send only variables, `glue-mv-refresh:config:region` → JSON or plain text.
        for (const [key, text] of req.getVariablesMap().getEntryList()) {
          values[key.slice(key.lastIndexOf(":") + 1)] = text;
        }
      }
      await configure(values);
      return (
        new provproto.ConfigureResponse()
          .setAcceptsecrets(true)
          .setAcceptresources(false)
          .setAcceptoutputs(false)
          // Create and Update are called in a preview too (with `preview` set): they answer with the
          // forecast and start nothing.
          .setSupportspreview(true)
      );
    }),

    check: unary(async (req: provproto.CheckRequest) => {
      const urn: string = req.getUrn() ?? "";
      const resource = resourceFor(req, urn);
      const prepared = resource.prepare(valuesOf(req.getNews()), req.getName() || nameOfUrn(urn));
      const checked = await lifecycleOf(req, urn).check(valuesOf(req.getOlds()), prepared.inputs);
      return new provproto.CheckResponse()
        .setInputs(structOf(checked.inputs ?? prepared.inputs))
        .setFailuresList(checkFailures([...prepared.failures, ...(checked.failures ?? [])], terms));
    }),
    diff: unary(async (req: provproto.DiffRequest) => {
      const [olds, news] = [valuesOf(req.getOlds()), valuesOf(req.getNews())];
      const result = await lifecycleOf(req, req.getUrn()).diff(req.getId(), olds, news);
      const { DiffChanges } = provproto.DiffResponse;
      const oldInputs = req.hasOldInputs() ? valuesOf(req.getOldInputs()) : undefined;
      return (
        new provproto.DiffResponse()
          .setChanges(result.changes ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE)
          // What preview names as the change's cause; a retry of a failed run changes no input.
          .setDiffsList(result.changes ? changedKeys(oldInputs, olds, news) : [])
          .setReplacesList(result.replaces ?? [])
          .setDeletebeforereplace(result.deleteBeforeReplace ?? false)
      );
    }),
    create: unary(async (req: provproto.CreateRequest) => {
      const resource = resourceFor(req, req.getUrn());
      if (req.getPreview()) {
        // A preview: never Start or Stop; the id is unknown until the create.
        const outs = await lifecycleOf(req, req.getUrn()).preview(valuesOf(req.getProperties()));
        return new provproto.CreateResponse().setId("").setProperties(structOf(resource.present(outs)));
      }
      const { id, outs } = await lifecycleOf(req, req.getUrn()).create(valuesOf(req.getProperties()));
      return new provproto.CreateResponse().setId(id).setProperties(structOf(resource.present(outs ?? {})));
    }),
    update: unary(async (req: provproto.UpdateRequest) => {
      const resource = resourceFor(req, req.getUrn());
      if (req.getPreview()) {
        const outs = await lifecycleOf(req, req.getUrn()).preview(valuesOf(req.getNews()), valuesOf(req.getOlds()));
        return new provproto.UpdateResponse().setProperties(structOf(resource.present(outs)));
      }
      const { outs } = await lifecycleOf(req, req.getUrn()).update(
        req.getId(),
        valuesOf(req.getOlds()),
        valuesOf(req.getNews()),
      );
      return new provproto.UpdateResponse().setProperties(structOf(resource.present(outs ?? {})));
    }),
    read: unary(async (req: provproto.ReadRequest) => {
      const resource = resourceFor(req, req.getUrn());
      const { id, props } = await lifecycleOf(req, req.getUrn()).read(req.getId(), valuesOf(req.getProperties()));
      const response = new provproto.ReadResponse()
        .setId(id ?? req.getId())
        .setProperties(structOf(resource.present(props ?? {})));
      if (req.getInputs()) response.setInputs(req.getInputs());
      return response;
    }),
    delete: unary(async () => new emptyproto.Empty()), // A refresh cannot be undone: nothing to call.
  };
}

/** Serves the provider on a free port of the loopback interface; resolves to the port. */
export async function servePlugin(service: PluginService): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 1 << 30 });
  server.addService(provrpc.ResourceProviderService, providerService(service));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { port, server };
}

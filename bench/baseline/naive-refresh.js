// The baseline: a materialized-view refresh as most people would first write it in their own
// Pulumi program. It starts a refresh on create and update and records the run id: no waiting,
// no input checks, the SDK's default retries, a client per call. Not part of the package;
// `npm run bench` measures it beside MaterializedViewRefresh.
const pulumi = require("@pulumi/pulumi");

const provider = {
  async create(inputs) {
    // Imported here: a module-level import of the SDK cannot be serialized with the provider.
    const { GlueClient, StartMaterializedViewRefreshTaskRunCommand } = require("@aws-sdk/client-glue");
    const glue = new GlueClient({ region: inputs.region, endpoint: inputs.endpoint });
    const out = await glue.send(
      new StartMaterializedViewRefreshTaskRunCommand({
        CatalogId: inputs.catalogId,
        DatabaseName: inputs.databaseName,
        TableName: inputs.tableName,
      }),
    );
    const runId = out.MaterializedViewRefreshTaskRunId;
    return { id: runId, outs: { ...inputs, runId } };
  },
  async update(id, olds, news) {
    return { outs: (await provider.create(news)).outs };
  },
};

class NaiveRefresh extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(provider, name, { ...args, runId: undefined }, opts);
  }
}

module.exports = { NaiveRefresh };

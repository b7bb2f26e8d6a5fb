// The benchmark's Pulumi program: `count` refreshes of views bench.view_0..., declared with this
// package ("ours") or with the baseline, as the stack config says.
const pulumi = require("@pulumi/pulumi");
const { MaterializedViewRefresh } = require("pulumi-glue-mv-refresh");
const { NaiveRefresh } = require("./naive-refresh");

const config = new pulumi.Config();
const kind = config.require("kind");
const count = config.requireNumber("count");
for (let i = 0; i < count; i++) {
  const args = {
    databaseName: "bench",
    tableName: `view_${i}`,
    catalogId: "123456789012",
    region: "us-east-1",
    endpoint: config.get("endpoint"),
  };
  if (kind === "ours") {
    // Settings the benchmark needs, passed only when set, so both kinds declare the same inputs.
    const waitForCompletion = config.getBoolean("waitForCompletion");
    const timeoutMinutes = config.getNumber("timeoutMinutes");
    new MaterializedViewRefresh(`mv-${i}`, {
      ...args,
      ...(waitForCompletion === undefined ? {} : { waitForCompletion }),
      ...(timeoutMinutes === undefined ? {} : { timeoutMinutes }),
    });
  } else {
    new NaiveRefresh(`mv-${i}`, args);
  }
}

// The benchmark's Pulumi program: `count` refreshes of views bench.view_0..., declared with this
// package ("ours"; "group": one MaterializedViewRefreshGroup of them all; "plugin": the provider
// plugin's resources) or with the baseline,
// as the stack config says; with `plainAfterMs`, a resource of another provider registered after them.
const pulumi = require("@pulumi/pulumi");
const { MaterializedViewRefresh, MaterializedViewRefreshGroup } = require("pulumi-glue-mv-refresh");
const { NaiveRefresh } = require("./naive-refresh");

const config = new pulumi.Config();
const kind = config.require("kind");
const count = config.requireNumber("count");
// Settings the benchmark needs, passed only when set, so all kinds declare the same inputs.
const waitForCompletion = config.getBoolean("waitForCompletion");
const timeoutMinutes = config.getNumber("timeoutMinutes");
const settings = {
  ...(waitForCompletion === undefined ? {} : { waitForCompletion }),
  ...(timeoutMinutes === undefined ? {} : { timeoutMinutes }),
};
const PLUGIN_TYPE = "glue-mv-refresh:index:MaterializedViewRefresh";
const view = (i) => ({ databaseName: "bench", tableName: `view_${i}`, catalogId: "123456789012" });
const where = { region: "us-east-1", endpoint: config.get("endpoint") };

if (kind === "group") {
  const views = Object.fromEntries(Array.from({ length: count }, (_, i) => [`view_${i}`, view(i)]));
  new MaterializedViewRefreshGroup("views", { views, ...where, ...settings });
} else {
  for (let i = 0; i < count; i++) {
    if (kind === "ours") new MaterializedViewRefresh(`mv-${i}`, { ...view(i), ...where, ...settings });
    // The provider plugin's resource (provider/, found through Pulumi.yaml), as an SDK declares it.
    else if (kind === "plugin")
      new pulumi.CustomResource(PLUGIN_TYPE, `mv-${i}`, { ...view(i), ...where, ...settings });
    else new NaiveRefresh(`mv-${i}`, { ...view(i), ...where });
  }
}
const plainAfterMs = config.getNumber("plainAfterMs");
if (plainAfterMs !== undefined) {
  // Another provider's resource (a function, a grant), which the engine harness mocks, registered
  // once the refreshes have all registered (their provider takes a while to serialize).
  setTimeout(() => new pulumi.CustomResource("bench:index:Function", "after-refreshes", { code: "v1" }), plainAfterMs);
}

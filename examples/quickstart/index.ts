// Refreshes a Glue Data Catalog materialized view whenever its schema version changes, and
// exports the run that did it. The root Pulumi.yaml runs this program.
import * as pulumi from "@pulumi/pulumi";
import { MaterializedViewRefresh } from "pulumi-glue-mv-refresh";

const config = new pulumi.Config();

const refresh = new MaterializedViewRefresh("daily-sales", {
  databaseName: config.get("databaseName") ?? "sales",
  tableName: config.get("tableName") ?? "daily_totals_mv",
  // Bump this in the same change as the view's definition: the deployment refreshes the view.
  triggers: { schemaVersion: config.getNumber("schemaVersion") ?? 1 },
  fullRefresh: config.getBoolean("fullRefresh") ?? false,
  // Set only to reach Glue through a VPC endpoint or a local emulator.
  endpoint: config.get("glueEndpoint"),
});

export const refreshRunId = refresh.runId;
export const refreshStatus = refresh.status;
export const refreshType = refresh.refreshType;

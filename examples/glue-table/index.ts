// A Glue database and materialized view declared with @pulumi/aws, and a refresh that follows the
// view: change its columns or SQL, and the same `pulumi up` updates the table, then refreshes it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MaterializedViewRefresh, refreshPolicy } from "pulumi-glue-mv-refresh";

const config = new pulumi.Config();
const columns = config.getObject<{ name: string; type: string }[]>("columns") ?? [
  { name: "day", type: "date" },
  { name: "total", type: "decimal(12,2)" },
];

const database = new aws.glue.CatalogDatabase("sales", { name: "sales" });

const dailyTotals = new aws.glue.CatalogTable("daily-totals", {
  databaseName: database.name,
  name: "daily_totals_mv",
  tableType: "VIRTUAL_VIEW",
  viewOriginalText: config.get("viewSql") ?? "SELECT day, sum(price) AS total FROM sales.orders GROUP BY day",
  storageDescriptor: { columns },
  parameters: { table_type: "ICEBERG", ...config.getObject<Record<string, string>>("parameters") },
});

// Refreshes on create, and whenever the view's columns, SQL or parameters change.
const refresh = new MaterializedViewRefresh("daily-totals-refresh", {
  view: dailyTotals,
  // Set only to reach Glue through a VPC endpoint or a local emulator.
  endpoint: config.get("glueEndpoint"),
});

// What the deployment role needs; attach it to the role your pipeline runs `pulumi up` with.
export const refreshPolicyArn = new aws.iam.Policy("mv-refresh", { policy: refreshPolicy() }).arn;
export const refreshRunId = refresh.runId;

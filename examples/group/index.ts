// Six materialized views built on one source table, refreshed by one MaterializedViewRefreshGroup:
// when a migration changes the table's schema, one `pulumi up` updates it, then refreshes all six
// views at once, while the deployment gives the whole group a single one of its --parallel slots.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MaterializedViewRefreshGroup } from "pulumi-glue-mv-refresh";

const config = new pulumi.Config();

interface Column {
  name: string;
  type: string;
}

const database = new aws.glue.CatalogDatabase("sales", { name: "sales" });

const orders = new aws.glue.CatalogTable("orders", {
  databaseName: database.name,
  name: "orders",
  tableType: "EXTERNAL_TABLE",
  storageDescriptor: {
    columns: config.getObject<Column[]>("orderColumns") ?? [
      { name: "order_id", type: "bigint" },
      { name: "region", type: "string" },
      { name: "price", type: "decimal(12,2)" },
      { name: "day", type: "date" },
    ],
  },
  parameters: { table_type: "ICEBERG" },
});

// One view per question the business asks of the orders.
const totals: Record<string, string> = {
  daily: "SELECT day, sum(price) AS total FROM sales.orders GROUP BY day",
  weekly: "SELECT date_trunc('week', day) AS week, sum(price) AS total FROM sales.orders GROUP BY 1",
  monthly: "SELECT date_trunc('month', day) AS month, sum(price) AS total FROM sales.orders GROUP BY 1",
  by_region: "SELECT region, sum(price) AS total FROM sales.orders GROUP BY region",
  daily_by_region: "SELECT day, region, sum(price) AS total FROM sales.orders GROUP BY day, region",
  order_counts: "SELECT day, count(*) AS orders FROM sales.orders GROUP BY day",
};

const views = Object.fromEntries(
  Object.entries(totals).map(([key, sql]) => {
    const view = new aws.glue.CatalogTable(`${key}_mv`, {
      databaseName: database.name,
      name: `${key}_mv`,
      tableType: "VIRTUAL_VIEW",
      viewOriginalText: sql,
      storageDescriptor: { columns: [{ name: "total", type: "decimal(12,2)" }] },
    });
    return [key, { view, sources: [orders] }];
  }),
);

const group = new MaterializedViewRefreshGroup("sales-views", {
  views,
  // Runs of this group in flight at once: Glue's own limits, not the deployment's --parallel.
  maxConcurrent: config.getNumber("maxConcurrent") ?? 6,
  // Set only to reach Glue through a VPC endpoint or a local emulator.
  endpoint: config.get("glueEndpoint"),
});

export const runs = group.runs.apply((all) =>
  Object.fromEntries(Object.entries(all).map(([key, run]) => [key, `${run.runId} ${run.status}`])),
);

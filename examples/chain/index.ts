// Source tables and a chain of two materialized views, declared with @pulumi/aws. When a migration
// changes a source table's schema, one `pulumi up` updates the table, refreshes the view built on
// it, then the view built on that view, each after the one before it ended.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MaterializedViewRefresh } from "pulumi-glue-mv-refresh";

const config = new pulumi.Config();
// Set only to reach Glue through a VPC endpoint or a local emulator.
const endpoint = config.get("glueEndpoint");

interface Column {
  name: string;
  type: string;
}

const database = new aws.glue.CatalogDatabase("sales", { name: "sales" });

function table(name: string, columns: Column[], sql?: string): aws.glue.CatalogTable {
  return new aws.glue.CatalogTable(name, {
    databaseName: database.name,
    name,
    tableType: sql ? "VIRTUAL_VIEW" : "EXTERNAL_TABLE",
    viewOriginalText: sql,
    storageDescriptor: { columns },
    parameters: { table_type: "ICEBERG" },
  });
}

// The source tables. A migration adds a column: `pulumi config set --path 'orderColumns[4]...'`,
// or here, the whole list from config.
const orders = table(
  "orders",
  config.getObject<Column[]>("orderColumns") ?? [
    { name: "order_id", type: "bigint" },
    { name: "customer_id", type: "bigint" },
    { name: "price", type: "decimal(12,2)" },
    { name: "day", type: "date" },
  ],
);
const customers = table("customers", [
  { name: "customer_id", type: "bigint" },
  { name: "region", type: "string" },
]);

// Level one: a view on the source tables.
const ordersByRegion = new MaterializedViewRefresh("orders-by-region", {
  view: table(
    "orders_by_region_mv",
    [
      { name: "day", type: "date" },
      { name: "region", type: "string" },
      { name: "total", type: "decimal(12,2)" },
    ],
    "SELECT o.day, c.region, sum(o.price) AS total FROM sales.orders o JOIN sales.customers c USING (customer_id) GROUP BY 1, 2",
  ),
  sources: [orders, customers],
  endpoint,
});

// Level two: a view on the view, refreshed after it.
const dailyTotals = new MaterializedViewRefresh("daily-totals", {
  view: table(
    "daily_totals_mv",
    [
      { name: "day", type: "date" },
      { name: "total", type: "decimal(12,2)" },
    ],
    "SELECT day, sum(total) AS total FROM sales.orders_by_region_mv GROUP BY day",
  ),
  sources: [ordersByRegion],
  endpoint,
});

export const ordersByRegionRunId = ordersByRegion.runId;
export const dailyTotalsRunId = dailyTotals.runId;

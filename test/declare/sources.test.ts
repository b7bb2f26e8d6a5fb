import * as pulumi from "@pulumi/pulumi";
import { sourceInputs } from "../../src/declare/sources";

/** An Output's value, outside any deployment (the SDK's own promise behind every Output). */
const valueOf = <T>(output: pulumi.Output<T>) => (output as unknown as { promise(): Promise<T> }).promise();

const DAILY = 'MaterializedViewRefresh "daily"';
const SILVER = 'MaterializedViewRefresh "silver"';

const orders = (extra: Record<string, unknown> = {}) => ({
  catalogId: "123456789012",
  databaseName: "sales",
  name: "orders",
  storageDescriptor: { columns: [{ name: "order_id", type: "bigint" }] },
  ...extra,
});
const upstream = {
  runId: "run-1",
  status: "SUCCEEDED",
  catalogId: "123456789012",
  databaseName: "sales",
  tableName: "bronze_mv",
  region: "us-east-1",
};

describe("sourceInputs", () => {
  it("records a table's schema under source:<database>.<table>, and nothing of its other properties", async () => {
    const base = await valueOf(sourceInputs(DAILY, [orders()]).triggers);
    expect(Object.keys(base)).toEqual(["source:sales.orders"]);
    expect(base["source:sales.orders"]).toMatch(/^[0-9a-f]{64}$/);
    const described = await valueOf(
      sourceInputs(DAILY, [orders({ description: "new", parameters: { metadata_location: "s3://x" } })]).triggers,
    );
    expect(described).toEqual(base);
    const wider = await valueOf(
      sourceInputs(DAILY, [
        orders({
          storageDescriptor: {
            columns: [
              { name: "order_id", type: "bigint" },
              { name: "day", type: "date" },
            ],
          },
        }),
      ]).triggers,
    );
    expect(wider["source:sales.orders"]).not.toBe(base["source:sales.orders"]);
    const partitioned = await valueOf(
      sourceInputs(DAILY, [orders({ partitionKeys: [{ name: "day", type: "date" }] })]).triggers,
    );
    expect(partitioned["source:sales.orders"]).not.toBe(base["source:sales.orders"]);
  });

  it("treats unset and empty partition keys as the same schema", async () => {
    const unset = await valueOf(sourceInputs(DAILY, [orders()]).triggers);
    const empty = await valueOf(sourceInputs(DAILY, [orders({ partitionKeys: [] })]).triggers);
    const none = await valueOf(sourceInputs(DAILY, [orders({ partitionKeys: null })]).triggers);
    expect(empty).toEqual(unset);
    expect(none).toEqual(unset);
  });

  it("records an upstream refresh's run id, and hands its run to the provider", async () => {
    const inputs = sourceInputs(SILVER, [upstream, orders()]);
    expect(await valueOf(inputs.triggers)).toEqual({
      "source:sales.bronze_mv": "run-1",
      "source:sales.orders": expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await valueOf(inputs.upstreams)).toEqual([upstream]);
  });

  it.each([
    ["sales.orders", 'got the string "sales.orders"'],
    [42, "got 42"],
    [null, "got null"],
    [{ databaseName: "sales", name: "orders" }, "got an object with databaseName, name"],
    [{}, "got an object with no properties"],
  ])("refuses %p, naming the resource, the index and what was expected", (bad, got) => {
    expect(() => sourceInputs(DAILY, [orders(), bad])).toThrow(
      'MaterializedViewRefresh "daily": sources[1] must be a Glue table (an object with catalogId, databaseName and ' +
        `name, such as aws.glue.CatalogTable) or a MaterializedViewRefresh; ${got}`,
    );
  });

  it("refuses sources that are not an array, and the view among its own sources", () => {
    expect(() => sourceInputs(DAILY, orders())).toThrow(
      'MaterializedViewRefresh "daily": sources must be an array of Glue tables and MaterializedViewRefresh resources; ' +
        "got an object with catalogId, databaseName, name, storageDescriptor",
    );
    const view = orders({ name: "daily_mv" });
    expect(() => sourceInputs(DAILY, [view], view)).toThrow(
      'MaterializedViewRefresh "daily": sources[0] is the view itself',
    );
  });
});

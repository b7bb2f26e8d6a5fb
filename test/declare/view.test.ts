import { definitionHash } from "../../src/declare/view";

const definition = {
  columns: [
    { name: "day", type: "date" },
    { name: "total", type: "decimal(12,2)" },
  ],
  partitionKeys: [{ name: "region", type: "string" }],
  viewOriginalText: "SELECT day, sum(price) AS total FROM sales.orders GROUP BY day",
  parameters: { table_type: "ICEBERG", metadata_location: "s3://bucket/meta/00001.json" },
};

describe("definitionHash", () => {
  it("changes when the columns, partition keys, view text or a stable parameter change", () => {
    const base = definitionHash(definition);
    expect(
      definitionHash({ ...definition, columns: [...definition.columns, { name: "count", type: "bigint" }] }),
    ).not.toBe(base);
    expect(definitionHash({ ...definition, partitionKeys: [] })).not.toBe(base);
    expect(definitionHash({ ...definition, viewOriginalText: "SELECT 1" })).not.toBe(base);
    expect(definitionHash({ ...definition, parameters: { ...definition.parameters, format: "parquet" } })).not.toBe(
      base,
    );
    expect(definitionHash({ ...definition, subObjects: ["sales.orders"] })).not.toBe(base);
  });

  it("ignores the parameters Glue and Iceberg change on their own, and key order", () => {
    const base = definitionHash(definition);
    const afterARefresh = {
      ...definition,
      parameters: {
        metadata_location: "s3://bucket/meta/00002.json",
        previous_metadata_location: "s3://bucket/meta/00001.json",
        table_type: "ICEBERG",
      },
    };
    expect(definitionHash(afterARefresh)).toBe(base);
  });

  it("is a SHA-256 in hex", () => {
    expect(definitionHash(definition)).toMatch(/^[0-9a-f]{64}$/);
  });
});

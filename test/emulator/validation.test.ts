/** Input rules, page tokens and the views file, alone. */
import { decodePageToken, encodePageToken, validateListRuns } from "../../src/emulator/operations/list-runs";
import { validateGetRun } from "../../src/emulator/operations/get-run";
import { validateStartRun } from "../../src/emulator/operations/start-run";
import { validateStopRun } from "../../src/emulator/operations/stop-run";
import { ServiceError } from "../../src/emulator/errors";
import { nameProblem } from "../../src/emulator/validation";
import { parseViews } from "../../src/emulator/views-file";

function problem(validate: () => unknown): string {
  try {
    validate();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe("InvalidInputException");
    return (error as ServiceError).message;
  }
  throw new Error("expected an InvalidInputException");
}

describe("nameProblem", () => {
  it.each([
    ["sales", undefined],
    ["with\ttab and spaces", undefined],
    ["ünïcode_😀", undefined],
    ["x".repeat(255), undefined],
    ["😀".repeat(255), undefined],
    ["", "must have length greater than or equal to 1"],
    ["x".repeat(256), "must have length less than or equal to 255"],
    ["new\nline", expect.stringContaining("pattern")],
    ["lone\uD800surrogate", expect.stringContaining("pattern")],
  ])("%j -> %s", (name, expected) => {
    expect(nameProblem(name)).toEqual(expected);
  });
});

describe("operation inputs", () => {
  it("reads valid inputs with their defaults", () => {
    expect(validateStartRun({ CatalogId: "1", DatabaseName: "d", TableName: "t" })).toEqual({
      catalogId: "1",
      databaseName: "d",
      tableName: "t",
      fullRefresh: false,
    });
    expect(validateGetRun({ CatalogId: "1", MaterializedViewRefreshTaskRunId: "r" })).toEqual({
      catalogId: "1",
      runId: "r",
    });
    expect(validateStopRun({ CatalogId: "1", DatabaseName: "d", TableName: "t", Extra: 1 })).toEqual({
      catalogId: "1",
      databaseName: "d",
      tableName: "t",
    });
    expect(validateListRuns({ CatalogId: "1" })).toEqual({ catalogId: "1", maxResults: 100 });
  });

  it("names the member and the constraint, in AWS's wording", () => {
    expect(problem(() => validateStartRun({ CatalogId: "1", DatabaseName: "d" }))).toBe(
      "1 validation error detected: Value null at 'TableName' failed to satisfy constraint: Member must not be null",
    );
    expect(
      problem(() => validateStartRun({ CatalogId: "1", DatabaseName: "d", TableName: "t", FullRefresh: "yes" })),
    ).toContain("Value 'yes' at 'FullRefresh' failed to satisfy constraint: Member must be a boolean");
    expect(problem(() => validateStartRun({ CatalogId: 5, DatabaseName: "d", TableName: "t" }))).toContain(
      "'CatalogId' failed to satisfy constraint: Member must be a string",
    );
    expect(problem(() => validateListRuns({ CatalogId: "1", MaxResults: 2.5 }))).toContain(
      "'MaxResults' failed to satisfy constraint: Member must be an integer",
    );
    expect(problem(() => validateListRuns({ CatalogId: "1", NextToken: 7 }))).toContain("'NextToken'");
    expect(problem(() => validateStopRun({}))).toMatch(
      /^3 validation errors detected: .*'CatalogId'.*'DatabaseName'.*'TableName'/,
    );
    expect(
      problem(() => validateStartRun({ CatalogId: "1", DatabaseName: "d".repeat(300), TableName: "t" })),
    ).toContain(`'${"d".repeat(64)}...'`);
  });
});

describe("page tokens", () => {
  it("round-trip, and anything else reads as no token", () => {
    const token = { filter: ["123456789012", "sales", null] as const, after: 7 };
    expect(decodePageToken(encodePageToken(token))).toEqual(token);
    expect(decodePageToken("garbage")).toBeUndefined();
    expect(decodePageToken(Buffer.from('{"after":"x"}').toString("base64url"))).toBeUndefined();
  });
});

describe("the views file", () => {
  it("reads views and refuses entries without names", () => {
    expect(
      parseViews(
        {
          views: [
            { databaseName: "d", tableName: "t" },
            { catalogId: "1", databaseName: "d", tableName: "u" },
          ],
        },
        "test",
      ),
    ).toEqual([
      { databaseName: "d", tableName: "t" },
      { catalogId: "1", databaseName: "d", tableName: "u" },
    ]);
    expect(() => parseViews({ views: [{ databaseName: "d" }] }, "views file x.json")).toThrow(
      "The views file x.json: views[0].tableName must be a string",
    );
    expect(() => parseViews([], "test")).toThrow(/"views" array/);
  });
});

import { UNKNOWN, validateInputs, withDefaults } from "../../src/model/inputs";

const valid = { databaseName: "sales", tableName: "daily_totals_mv" };

function reasons(news: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(validateInputs(news).map((f) => [f.property, f.reason]));
}

describe("validateInputs", () => {
  it("accepts the two required names alone", () => {
    expect(validateInputs(valid)).toEqual([]);
  });

  it("accepts every optional input at a valid value", () => {
    expect(
      validateInputs({
        ...valid,
        catalogId: "123456789012",
        fullRefresh: true,
        triggers: { schema: 3, nested: { list: [1, "a", null] } },
        waitForCompletion: false,
        timeoutMinutes: 0.5,
        ifRunning: "adopt",
        region: "eu-west-1",
        endpoint: "https://glue.eu-west-1.amazonaws.com",
        resourceName: "daily",
        __provider: "exports.handler = ...",
      }),
    ).toEqual([]);
  });

  it("requires databaseName and tableName, naming the rule", () => {
    const r = reasons({});
    expect(r.databaseName).toMatch(/^databaseName is required \(must be a string of 1-255 characters/);
    expect(r.tableName).toMatch(/^tableName is required/);
  });

  it.each([
    ["databaseName", "", '""'],
    ["tableName", "a".repeat(256), '"aaaa'],
    ["catalogId", "12\n34", '"12\\n34"'],
    ["tableName", "nul\u0000byte", '"nul\\u0000byte"'],
    ["databaseName", "lone\ud800surrogate", String.raw`"lone\ud800surrogate"`],
    ["databaseName", 42, "42"],
  ])("rejects %s = %p, showing the value and the rule", (property, value, shown) => {
    const reason = reasons({ ...valid, [property]: value })[property];
    expect(reason).toContain(
      `${property} must be a string of 1-255 characters, none of them a control character U+0000-U+001F other than tab`,
    );
    expect(reason).toContain(`got ${shown}`);
  });

  it("accepts tab, 255 characters, and characters outside the basic plane", () => {
    expect(validateInputs({ ...valid, tableName: "a\tb", databaseName: "😀".repeat(255) })).toEqual([]);
  });

  it.each([
    ["fullRefresh", "true", "must be true or false"],
    ["waitForCompletion", 1, "must be true or false"],
    ["timeoutMinutes", 0, "must be a positive number of minutes"],
    ["timeoutMinutes", -5, "must be a positive number of minutes"],
    ["timeoutMinutes", "60", "must be a positive number of minutes"],
    ["timeoutMinutes", 10081, "must be a positive number of minutes, at most 10080"],
    ["ifRunning", "skip", 'must be one of "wait", "stop", "adopt", "fail"'],
    ["triggers", ["a"], "must be a map of JSON values"],
    ["triggers", "v2", "must be a map of JSON values"],
    ["region", "US East", "must be an AWS region name"],
    ["endpoint", "http://glue.example.com", "must be an https:// URL, or http:// to a loopback address"],
    ["endpoint", "not a url", "must be an https:// URL"],
    ["endpoint", "https://user:pw@glue.example.com", "must not carry credentials"],
  ])("rejects %s = %p", (property, value, rule) => {
    const reason = reasons({ ...valid, [property]: value })[property];
    expect(reason).toContain(`${property} ${rule}`);
    expect(reason).toContain("got ");
  });

  it.each(["http://localhost:4566", "http://127.0.0.1:8080/", "http://[::1]:9000"])(
    "accepts a loopback http endpoint %s",
    (endpoint) => {
      expect(validateInputs({ ...valid, endpoint })).toEqual([]);
    },
  );

  it("names a property it does not know, with the known ones", () => {
    expect(reasons({ ...valid, timeoutMinute: 5 }).timeoutMinute).toMatch(
      /^timeoutMinute is not a property of MaterializedViewRefresh \(known: catalogId, databaseName, tableName/,
    );
  });

  it("masks the credentials of an endpoint it refuses for carrying them", () => {
    const reason = reasons({
      ...valid,
      endpoint: "https://AKIDEXAMPLE:wJalrXUtnFEMI%2FK7MDENG@glue.example.com",
    }).endpoint;
    expect(reason).toBe('endpoint must not carry credentials in the URL; got "https://***:***@glue.example.com/"');
  });

  it("shortens a long unknown property name in its reason", () => {
    const reason = reasons({ ...valid, ["x".repeat(5000)]: 1 })["x".repeat(5000)];
    expect(reason).toMatch(/^x{60}… \(5000 characters\) is not a property of MaterializedViewRefresh/);
    expect(reason.length).toBeLessThan(300);
  });

  it("lets values that are not known yet pass untouched", () => {
    const news = {
      databaseName: UNKNOWN,
      tableName: UNKNOWN,
      timeoutMinutes: UNKNOWN,
      ifRunning: UNKNOWN,
      triggers: UNKNOWN,
    };
    expect(validateInputs(news)).toEqual([]);
  });

  it("reports every bad property at once", () => {
    expect(
      validateInputs({ databaseName: "", tableName: 3, fullRefresh: "no" })
        .map((f) => f.property)
        .sort(),
    ).toEqual(["databaseName", "fullRefresh", "tableName"]);
  });
});

describe("withDefaults", () => {
  it("fills every documented default", () => {
    expect(withDefaults(valid)).toEqual({
      ...valid,
      resourceName: "sales.daily_totals_mv",
      catalogId: undefined,
      fullRefresh: false,
      triggers: {},
      waitForCompletion: true,
      timeoutMinutes: 60,
      ifRunning: "wait",
      region: undefined,
      endpoint: undefined,
      quiet: false,
      upstreams: [],
    });
  });
});

describe("withDefaults and null", () => {
  it("takes a null input as absent, as check does", () => {
    const nulls = { ...valid, catalogId: null, region: null, timeoutMinutes: null, triggers: null } as never;
    expect(validateInputs(nulls)).toEqual([]);
    expect(withDefaults(nulls)).toEqual(withDefaults(valid));
  });
});

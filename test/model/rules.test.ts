import { endpointRule, regionRule, showValue } from "../../src/model/rules";

describe("showValue", () => {
  it("shortens long values and says how long they were", () => {
    const shown = showValue("x".repeat(500));
    expect(shown.length).toBeLessThan(100);
    expect(shown).toContain("(502 characters)");
  });

  it("names the type of structured values", () => {
    expect(showValue([1, 2])).toBe("array [1,2]");
    expect(showValue({ a: 1 })).toBe('object {"a":1}');
  });
});

describe("regionRule", () => {
  it("accepts region names and refuses anything else, saying what a region looks like", () => {
    expect(regionRule("us-east-1")).toBeUndefined();
    expect(regionRule("eu-central-2")).toBeUndefined();
    for (const bad of ["US-EAST-1", "us_east_1", "", "us-east-1-", 7]) {
      expect(regionRule(bad)).toContain("must be an AWS region name such as us-east-1");
    }
  });
});

describe("endpointRule", () => {
  it("accepts https, and http only to a loopback address", () => {
    for (const good of ["https://glue.example.com", "http://localhost:4566", "http://127.0.0.1:9", "http://[::1]:80"]) {
      expect(endpointRule(good)).toBeUndefined();
    }
    for (const bad of ["http://glue.example.com", "ftp://localhost", "not a url"]) {
      expect(endpointRule(bad)).toContain("must be an https:// URL");
    }
  });

  it("refuses credentials in the URL without repeating them", () => {
    expect(endpointRule("https://user:secret@glue.example.com")).toBe("must not carry credentials in the URL");
  });
});

import { canonicalJson, compact } from "../../src/model/json";

describe("canonicalJson", () => {
  it("sorts keys at every depth and keeps arrays in order", () => {
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":[2,1]}');
  });
});

describe("compact", () => {
  it("drops undefined members and keeps every other value, null and false included", () => {
    expect(compact({ a: undefined, b: null, c: false, d: 0, e: "" })).toEqual({ b: null, c: false, d: 0, e: "" });
    expect(Object.keys(compact({ a: undefined }))).toEqual([]);
  });
});

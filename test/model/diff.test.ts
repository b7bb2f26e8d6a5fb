import { planChange } from "../../src/model/diff";
import { UNKNOWN } from "../../src/model/inputs";
import { settings, state } from "../support/fixtures";

describe("planChange", () => {
  it("changes nothing when nothing changed", () => {
    expect(planChange(state(), settings())).toEqual({ kind: "none" });
  });

  it.each([
    ["catalogId", "210987654321"],
    ["databaseName", "finance"],
    ["tableName", "weekly_mv"],
    ["region", "eu-west-1"],
  ] as const)("replaces when %s changes", (property, value) => {
    expect(planChange(state(), settings({ [property]: value }))).toEqual({ kind: "replace", properties: [property] });
  });

  it("replaces when an identity property is not known yet", () => {
    expect(planChange(state(), settings({ tableName: UNKNOWN }))).toEqual({
      kind: "replace",
      properties: ["tableName"],
    });
  });

  it("starts a new run when fullRefresh changes", () => {
    expect(planChange(state(), settings({ fullRefresh: true }))).toEqual({
      kind: "refresh",
      reason: "fullRefresh changed",
    });
  });

  it("starts a new run when a trigger changes, is added or is removed", () => {
    const olds = state({ triggers: { schema: 1 } });
    expect(planChange(olds, settings({ triggers: { schema: 2 } })).kind).toBe("refresh");
    expect(planChange(olds, settings({ triggers: { schema: 1, hash: "x" } })).kind).toBe("refresh");
    expect(planChange(olds, settings({ triggers: {} })).kind).toBe("refresh");
  });

  it("ignores the order of trigger keys", () => {
    const olds = state({ triggers: { a: 1, b: { c: 2, d: 3 } } });
    expect(planChange(olds, settings({ triggers: { b: { d: 3, c: 2 }, a: 1 } }))).toEqual({ kind: "none" });
  });

  it("starts a new run when a trigger is not known yet", () => {
    expect(planChange(state({ triggers: { v: 1 } }), settings({ triggers: { v: UNKNOWN } })).kind).toBe("refresh");
  });

  it.each([
    ["waitForCompletion", false],
    ["timeoutMinutes", 5],
    ["ifRunning", "stop"],
    ["endpoint", "http://127.0.0.1:4566"],
  ] as const)("updates without a run when only %s changes", (property, value) => {
    expect(planChange(state(), settings({ [property]: value }))).toEqual({ kind: "settings", properties: [property] });
  });

  it("treats an explicit default as no change from an omitted one in old state", () => {
    const { fullRefresh: _f, ifRunning: _i, ...written } = state();
    expect(planChange(written as never, settings({ fullRefresh: false, ifRunning: "wait" }))).toEqual({ kind: "none" });
  });

  it("retries a waited-for run that failed or stopped, even with nothing else changed", () => {
    expect(planChange(state({ status: "FAILED" }), settings())).toEqual({
      kind: "refresh",
      reason: "the last refresh run 3f2b8c1e-7a4d-4e5f-9b10-2c3d4e5f6a7b ended FAILED",
    });
    expect(planChange(state({ status: "STOPPED" }), settings()).kind).toBe("refresh");
  });

  it("resumes a waited-for run the last deployment did not see finish", () => {
    expect(planChange(state({ status: "RUNNING" }), settings()).kind).toBe("resume");
  });

  it("does not retry runs nobody waited for", () => {
    expect(
      planChange(state({ status: "FAILED", waitForCompletion: false }), settings({ waitForCompletion: false })),
    ).toEqual({
      kind: "none",
    });
  });
});

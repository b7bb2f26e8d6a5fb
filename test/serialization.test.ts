import * as path from "path";
import { SECRET, serializeIn } from "./support/serialize";

describe("the serialized provider, from this repository's program", () => {
  const result = serializeIn(path.join(__dirname, ".."));

  it("deserializes into a provider with every lifecycle method", () => {
    expect(result.methods).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);
  });

  it("runs: check accepts valid input and names each bad property", () => {
    expect(result.validFailures).toEqual([]);
    expect(result.invalidFailures.map((f) => f.property).sort()).toEqual(["ifRunning", "tableName"]);
  });

  it("sends a resource's assumeRole with its external id marked secret, the rest readable", () => {
    const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
    expect(result.assumeRoles.hop).toEqual({
      roleArn: "arn:aws:iam::222222222222:role/deploy",
      durationSeconds: 900,
      externalId: { ...SECRET_SIG, value: "external-id-sentinel" },
    });
    expect(result.assumeRoles.plain).toEqual({ roleArn: "arn:aws:iam::222222222222:role/deploy" });
  });

  it("is small and captures no SDK client, credential or environment value", () => {
    expect(result.providerText.length).toBeLessThan(4096);
    for (const captured of ["GlueClient", "STSClient", "AKIASENTINEL", SECRET, "token-sentinel", "process.env"]) {
      expect(result.providerText).not.toContain(captured);
    }
  });
});

describe("a MaterializedViewRefreshGroup's serialized provider, from this repository's program", () => {
  const { group } = serializeIn(path.join(__dirname, ".."));

  it("deserializes into a provider whose check judges each member", () => {
    expect(group.methods).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);
    expect(group.failures.map((f) => f.property)).toEqual(["views.daily.tableName"]);
  });

  it("is small and captures no SDK client, credential or environment value", () => {
    expect(group.providerText.length).toBeLessThan(4096);
    for (const captured of ["GlueClient", "STSClient", "AKIASENTINEL", SECRET, "token-sentinel", "process.env"]) {
      expect(group.providerText).not.toContain(captured);
    }
  });
});

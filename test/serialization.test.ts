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

  it("is small and captures no SDK client, credential or environment value", () => {
    expect(result.providerText.length).toBeLessThan(4096);
    for (const captured of ["GlueClient", "STSClient", "AKIASENTINEL", SECRET, "token-sentinel", "process.env"]) {
      expect(result.providerText).not.toContain(captured);
    }
  });
});

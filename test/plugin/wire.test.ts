import { forWire, secret, unwrapSecrets } from "../../src/plugin/wire";

const role = { roleArn: "arn:aws:iam::222222222222:role/deploy", externalId: "xyz" };

it("takes the engine's secret wrappers off, however deep", () => {
  expect(unwrapSecrets({ a: secret("k"), b: [secret({ c: secret(1) })] })).toEqual({ a: "k", b: [{ c: 1 }] });
});

it("marks the external id of a refresh's role and of each group member's secret, and drops undefined", () => {
  expect(forWire({ runId: "r", assumeRole: role, endTime: undefined })).toEqual({
    runId: "r",
    assumeRole: { ...role, externalId: secret("xyz") },
  });
  expect(forWire({ runs: { daily: { runId: "r", assumeRole: role } } })).toEqual({
    runs: { daily: { runId: "r", assumeRole: { ...role, externalId: secret("xyz") } } },
  });
  expect(forWire({ assumeRole: { roleArn: role.roleArn } })).toEqual({ assumeRole: { roleArn: role.roleArn } });
});

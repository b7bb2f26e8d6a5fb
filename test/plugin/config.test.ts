import { UNKNOWN } from "../../src/model/inputs";
import { checkPluginConfig, inPluginTerms } from "../../src/plugin/config";

it("speaks of the plugin's configuration keys, and leaves ARNs alone", () => {
  expect(inPluginTerms("set the stack config aws:region (pulumi config set aws:region us-east-1)")).toBe(
    "set the provider configuration glue-mv-refresh:region (pulumi config set glue-mv-refresh:region us-east-1)",
  );
  expect(inPluginTerms("the stack config aws:allowedAccountIds does not list it", "default_0_1_0")).toBe(
    "the stack config glue-mv-refresh:allowedAccountIds does not list it",
  );
  expect(inPluginTerms("arn:aws:iam::222222222222:role/deploy")).toBe("arn:aws:iam::222222222222:role/deploy");
});

it("names an explicit provider's own arguments, not stack config its user never set", () => {
  expect(inPluginTerms("the stack config aws:allowedAccountIds does not list it (allowed: 1)", "east")).toBe(
    'the allowedAccountIds argument of provider "east" does not list it (allowed: 1)',
  );
  expect(
    inPluginTerms(
      "no AWS region found; set the stack config aws:region (pulumi config set aws:region us-east-1), or AWS_REGION",
      "east",
    ),
  ).toBe('no AWS region found; set the region argument of provider "east", or AWS_REGION');
  const [failure] = checkPluginConfig({ allowedAccountIds: ["12"], regoin: "x" }, "east");
  expect(failure.reason).toBe(
    "regoin is not an argument of the glue-mv-refresh provider (known: region, profile, accessKey, secretKey, token, sharedCredentialsFiles, sharedConfigFiles, assumeRoles, allowedAccountIds, forbiddenAccountIds, endpoints, stsRegion, maxCostUsd, maxDpuHours, dpuHourPriceUsd)",
  );
  expect(checkPluginConfig({ allowedAccountIds: ["12"] }, "east")[0].reason).toBe(
    'MaterializedViewRefresh: the arguments of provider "east" cannot be used: allowedAccountIds[0] must be a 12-digit AWS account id; got "12" (2 digits). Nothing was called in AWS',
  );
});

it("judges what is known of a configuration in a preview, and nothing that is not", () => {
  const ids = ["222222222222"];
  for (const values of [
    { region: UNKNOWN },
    { region: "us-east-1", accessKey: "AKIAEXAMPLE", secretKey: UNKNOWN },
    { allowedAccountIds: UNKNOWN },
    { allowedAccountIds: [UNKNOWN, ...ids] },
    { assumeRoles: [{ roleArn: UNKNOWN, externalId: UNKNOWN }] },
    { assumeRoles: [UNKNOWN] },
    { endpoints: [{ glue: UNKNOWN, sts: "http://127.0.0.1:1" }] },
  ]) {
    expect([values, checkPluginConfig(values)]).toEqual([values, []]);
  }
  // What is known is judged still.
  expect(checkPluginConfig({ region: UNKNOWN, allowedAccountIds: [UNKNOWN, "12"] })[0].reason).toContain(
    "glue-mv-refresh:allowedAccountIds[1] must be a 12-digit AWS account id",
  );
  expect(checkPluginConfig({ region: UNKNOWN, allowedAccountIds: [UNKNOWN, "12"] })[0].reason).not.toContain("region");
});

it("accepts the settings of the aws: config under the plugin's names, and JSON text for structured ones", () => {
  expect(
    checkPluginConfig({
      region: "eu-west-1",
      endpoints: '[{"glue":"http://127.0.0.1:4566"}]',
      assumeRoles: [{ roleArn: "arn:aws:iam::222222222222:role/deploy" }],
      allowedAccountIds: ["222222222222"],
      version: "0.1.0",
    }),
  ).toEqual([]);
});

it("names each problem with the plugin's key, never showing a secret", () => {
  const failures = checkPluginConfig({ accessKey: "AKIAEXAMPLE", token: "t", allowedAccountIds: ["12"] });
  expect(failures).toHaveLength(1);
  expect(failures[0].reason).toMatch(/glue-mv-refresh:secretKey must be set too/);
  expect(failures[0].reason).toMatch(/glue-mv-refresh:allowedAccountIds\[0\] must be a 12-digit AWS account id/);
  expect(failures[0].reason).not.toMatch(/AKIAEXAMPLE|aws:/);
});

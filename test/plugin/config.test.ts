import { checkPluginConfig, inPluginTerms } from "../../src/plugin/config";

it("speaks of the plugin's configuration keys, and leaves ARNs alone", () => {
  expect(inPluginTerms("set the stack config aws:region (pulumi config set aws:region us-east-1)")).toBe(
    "set the provider configuration glue-mv-refresh:region (pulumi config set glue-mv-refresh:region us-east-1)",
  );
  expect(inPluginTerms("arn:aws:iam::222222222222:role/deploy")).toBe("arn:aws:iam::222222222222:role/deploy");
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
  expect(failures[0].reason).toMatch(/glue-mv-refresh:allowedAccountIds must be a list of 12-digit AWS account ids/);
  expect(failures[0].reason).not.toMatch(/AKIAEXAMPLE|aws:/);
});

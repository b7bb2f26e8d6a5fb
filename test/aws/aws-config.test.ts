import { readStackConfig, StackConfigError } from "../../src/aws/aws-config";
import { parseGoDuration } from "../../src/model/roles";

/** Stack config as the engine hands it to a dynamic provider: every value a string, structured ones JSON. */
const read = (config: Record<string, unknown>) =>
  readStackConfig((key) => {
    const value = config[key];
    return value === undefined || typeof value === "string" ? value : JSON.stringify(value);
  });

function problemOf(config: Record<string, unknown>): string {
  try {
    read(config);
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the stack config to be refused");
}

const DEPLOY_ROLE = {
  roleArn: "arn:aws:iam::222222222222:role/deploy",
  externalId: "ext-id-0001",
  policyArns: ["arn:aws:iam::aws:policy/AWSGlueConsoleFullAccess"],
  tags: { pipeline: "release" },
  transitiveTagKeys: ["pipeline"],
  sourceIdentity: "ci-bot",
  policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
};

describe("readStackConfig", () => {
  it("reads @pulumi/aws v7's keys and shapes, JSON-valued ones from their JSON text", () => {
    expect(
      read({
        "aws:region": "eu-west-1",
        "aws:profile": "release",
        "aws:sharedCredentialsFiles": ["/ci/credentials"],
        "aws:sharedConfigFiles": ["~/.aws/ci-config"],
        "aws:assumeRoles": [
          { roleArn: "arn:aws:iam::111111111111:role/pipeline", sessionName: "release-42", duration: "1h30m" },
          DEPLOY_ROLE,
        ],
        "aws:allowedAccountIds": ["222222222222"],
        "aws:endpoints": [{ glue: "https://glue.vpce.example.com", sts: "https://sts.vpce.example.com", s3: "x" }],
        "aws:stsRegion": "us-east-1",
      }),
    ).toEqual({
      region: "eu-west-1",
      profile: "release",
      sharedCredentialsFile: "/ci/credentials",
      sharedConfigFile: "~/.aws/ci-config",
      assumeRoles: [
        { roleArn: "arn:aws:iam::111111111111:role/pipeline", sessionName: "release-42", durationSeconds: 5400 },
        // Every field of a role @pulumi/aws has is passed on as it is.
        DEPLOY_ROLE,
      ],
      allowedAccountIds: ["222222222222"],
      endpoints: { glue: "https://glue.vpce.example.com", sts: "https://sts.vpce.example.com" },
      stsRegion: "us-east-1",
    });
  });

  it("reads static keys, the older single aws:assumeRole, and forbiddenAccountIds; empty values are unset", () => {
    expect(
      read({
        "aws:region": "",
        "aws:accessKey": "AKIAEXAMPLE",
        "aws:secretKey": "secret",
        "aws:token": "token",
        "aws:assumeRole": { roleArn: "arn:aws:iam::222222222222:role/deploy", durationSeconds: 900 },
        "aws:forbiddenAccountIds": ["999999999999"],
      }),
    ).toEqual({
      credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token" },
      assumeRoles: [{ roleArn: "arn:aws:iam::222222222222:role/deploy", durationSeconds: 900 }],
      forbiddenAccountIds: ["999999999999"],
    });
    expect(read({})).toEqual({});
  });

  it("names every problem: the key, the value and the rule", () => {
    const message = problemOf({
      "aws:region": "EU-WEST-1",
      "aws:assumeRoles": [
        { roleArn: "arn:aws:iam::1111:role/x", duration: "3d" },
        { sessionName: "ok-name", durationSeconds: 60, rolearn: "arn:aws:iam::111111111111:role/x" },
      ],
      "aws:allowedAccountIds": ["12345"],
      "aws:endpoints": [{ glue: "http://glue.example.com" }],
      "aws:sharedCredentialsFiles": ["/a", "/b"],
    });
    expect(message).toMatch(/^MaterializedViewRefresh: the stack config cannot be used: /);
    expect(message).toMatch(/Nothing was called in AWS$/);
    for (const part of [
      'aws:region must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens); got "EU-WEST-1"',
      'aws:assumeRoles[0].roleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy; got "arn:aws:iam::1111:role/x"',
      'aws:assumeRoles[0].duration must be a duration between 15 minutes and 12 hours, such as "1h" or "90m" (units h, m, s); got "3d"',
      "aws:assumeRoles[1].rolearn is not a field of a role to assume (known: roleArn, sessionName, externalId, duration,",
      "aws:assumeRoles[1].roleArn is required",
      "aws:assumeRoles[1].durationSeconds must be a whole number of seconds between 15 minutes and 12 hours (900-43200); got 60",
      'aws:allowedAccountIds[0] must be a 12-digit AWS account id; got "12345" (5 digits)',
      "aws:endpoints[0].glue must be an https:// URL, or http:// to a loopback address",
      "aws:sharedCredentialsFiles lists 2 files; the AWS SDK for JavaScript reads one of each kind, so give one",
    ]) {
      expect(message).toContain(part);
    }
  });

  it("never shows an external id, a policy, a secret key or a token, even when refusing them", () => {
    const message = problemOf({
      "aws:accessKey": "AKIAEXAMPLE",
      "aws:token": "SECRET-TOKEN-VALUE",
      "aws:assumeRoles": [
        {
          roleArn: "arn:aws:iam::222222222222:role/deploy",
          externalId: "SECRET EXTERNAL ID",
          policy: "SECRET-POLICY{",
        },
      ],
    });
    expect(message).toContain("aws:secretKey must be set too: aws:accessKey and aws:secretKey go together");
    expect(message).toContain("aws:assumeRoles[0].externalId must be 2-1224 characters");
    expect(message).toContain("aws:assumeRoles[0].policy must be an IAM policy document as a JSON string");
    expect(message).not.toMatch(/SECRET/);

    const unparsable = problemOf({ "aws:assumeRoles": '[{"roleArn": "x", "externalId": "SECRET-ID"' });
    expect(unparsable).toContain(
      "aws:assumeRoles must be a list of roles to assume (JSON, as `pulumi config set --path` writes it)",
    );
    expect(unparsable).not.toContain("SECRET");
  });

  it("takes account ids as `pulumi config set --path` stores them: 12-digit numbers, and text", () => {
    expect(read({ "aws:allowedAccountIds": [222222222222, "012345678901"] }).allowedAccountIds).toEqual([
      "222222222222",
      "012345678901",
    ]);
    // As the plugin receives its configuration: structured values, not JSON text.
    const structured = (key: string) => (key === "aws:forbiddenAccountIds" ? [210987654321] : undefined);
    expect(readStackConfig(structured).forbiddenAccountIds).toEqual(["210987654321"]);
  });

  it("says what is wrong with each bad account id", () => {
    const message = problemOf({ "aws:allowedAccountIds": [21098765432, "2109-8765-4321", 1.5, "222222222222"] });
    expect(message).toContain(
      "aws:allowedAccountIds[0] must be a 12-digit AWS account id; got 21098765432 (11 digits)",
    );
    expect(message).toContain(
      'aws:allowedAccountIds[1] must be a 12-digit AWS account id; got "2109-8765-4321" (not only digits)',
    );
    expect(message).toContain("aws:allowedAccountIds[2] must be a 12-digit AWS account id; got 1.5");
    expect(message).not.toContain("aws:allowedAccountIds[3]");
    expect(problemOf({ "aws:forbiddenAccountIds": "222222222222" })).toContain(
      "aws:forbiddenAccountIds must be a list of 12-digit AWS account ids; got 222222222222",
    );
  });

  it("refuses settings @pulumi/aws refuses together", () => {
    expect(
      problemOf({ "aws:allowedAccountIds": ["111111111111"], "aws:forbiddenAccountIds": ["222222222222"] }),
    ).toContain("aws:allowedAccountIds conflicts with aws:forbiddenAccountIds");
    expect(
      problemOf({
        "aws:assumeRole": { roleArn: "arn:aws:iam::222222222222:role/a" },
        "aws:assumeRoles": [{ roleArn: "arn:aws:iam::222222222222:role/b" }],
      }),
    ).toContain("aws:assumeRole and aws:assumeRoles are both set");
    expect(
      problemOf({
        "aws:assumeRoles": [{ roleArn: "arn:aws:iam::222222222222:role/a", duration: "1h", durationSeconds: 3600 }],
      }),
    ).toContain("aws:assumeRoles[0].duration and durationSeconds both set the session's length: give one");
    expect(
      problemOf({ "aws:endpoints": [{ glue: "https://a.example.com" }, { glue: "https://b.example.com" }] }),
    ).toContain("aws:endpoints[1].glue conflicts with an earlier glue endpoint (https://a.example.com)");
  });
});

describe("parseGoDuration", () => {
  it("reads Go durations as @pulumi/aws does", () => {
    expect(parseGoDuration("1h")).toBe(3600);
    expect(parseGoDuration("90m")).toBe(5400);
    expect(parseGoDuration("1h30m15s")).toBe(5415);
    expect(parseGoDuration("2.5h")).toBe(9000);
    expect(parseGoDuration("1500ms")).toBe(1.5);
    expect(parseGoDuration("0")).toBe(0);
    for (const bad of ["", "1", "1d", "h", "1 h", "1h ", "one hour"]) expect(parseGoDuration(bad)).toBeUndefined();
  });
});

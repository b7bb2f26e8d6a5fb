import type { AwsTarget, CallerIdentity } from "../../src/aws/glue";
import { UNKNOWN, withDefaults } from "../../src/model/inputs";
import type { RetryContext } from "../../src/aws/retry";
import { TargetResolver, type TargetLookups } from "../../src/aws/targets";
import { FakeClock } from "../support/fake-clock";

const budget: RetryContext = { deadline: Infinity, clock: new FakeClock(), random: () => 1 };
const partial = (extra: object = {}) =>
  withDefaults({ resourceName: "daily", databaseName: "sales", tableName: "daily_mv", ...extra });

/** Lookups that answer from memory and count what they were asked. */
function lookups(identity: CallerIdentity = { account: "111111111111", arn: "arn:aws:iam::111111111111:user/ci" }) {
  const asked = { identities: [] as AwsTarget[], regions: [] as (string | undefined)[] };
  const fake: TargetLookups = {
    callerIdentity: async (target) => {
      asked.identities.push(target);
      return identity;
    },
    sdkDefaultRegion: async (profile) => {
      asked.regions.push(profile);
      return "eu-west-1";
    },
  };
  return { fake, asked };
}

function resolver(config: Record<string, string>, identity?: CallerIdentity) {
  const { fake, asked } = lookups(identity);
  const targets = new TargetResolver("MaterializedViewRefresh", fake);
  targets.configure((key) => config[key]);
  return { targets, asked };
}

describe("TargetResolver", () => {
  it("calls AWS where the resource says, else where the stack config says, with the stack's roles then the resource's", () => {
    const { targets } = resolver({
      "aws:endpoints": JSON.stringify([{ glue: "https://glue.vpce.example", sts: "https://sts.vpce.example" }]),
      "aws:assumeRoles": JSON.stringify([{ roleArn: "arn:aws:iam::111111111111:role/pipeline" }]),
      "aws:stsRegion": "us-east-1",
    });
    const hop = { roleArn: "arn:aws:iam::222222222222:role/deploy" };
    expect(targets.targetFor("eu-west-1", undefined, hop)).toEqual({
      region: "eu-west-1",
      endpoint: "https://glue.vpce.example",
      stsEndpoint: "https://sts.vpce.example",
      stsRegion: "us-east-1",
      roles: [{ roleArn: "arn:aws:iam::111111111111:role/pipeline" }, hop],
    });
    expect(targets.targetFor("eu-west-1", "http://127.0.0.1:9", undefined)).toMatchObject({
      endpoint: "http://127.0.0.1:9",
      stsEndpoint: "http://127.0.0.1:9",
    });
  });

  it("takes the resource's region, else the stack's, else the SDK's chain, looked up once per profile", async () => {
    const { targets, asked } = resolver({ "aws:profile": "ci" });
    expect((await targets.resolve(partial({ region: "ap-south-1" }), budget)).settings.region).toBe("ap-south-1");
    expect((await targets.resolve(partial(), budget)).settings.region).toBe("eu-west-1");
    await targets.resolve(partial(), budget);
    expect(asked.regions).toEqual(["ci"]);
    const stack = resolver({ "aws:region": "us-west-2" });
    expect((await stack.targets.resolve(partial(), budget)).settings.region).toBe("us-west-2");
    expect(stack.asked.regions).toEqual([]);
  });

  it("defaults the catalog to the caller's account, looked up once per target", async () => {
    const { targets, asked } = resolver({ "aws:region": "us-east-1" });
    const first = await targets.resolve(partial(), budget);
    await targets.resolve(partial({ resourceName: "other" }), budget);
    expect(first.settings.catalogId).toBe("111111111111");
    expect(asked.identities).toHaveLength(1);
    await targets.resolve(partial({ catalogId: "999999999999" }), budget);
    expect(asked.identities).toHaveLength(1);
  });

  it("looks nothing up for a preview that does not know the region yet", async () => {
    const { targets, asked } = resolver({});
    const { settings } = await targets.resolve(partial({ region: UNKNOWN }), budget);
    expect(settings).toMatchObject({ region: UNKNOWN, catalogId: UNKNOWN });
    expect(asked).toEqual({ identities: [], regions: [] });
  });

  it("refuses an account the guards rule out, naming it, the key and the rule", async () => {
    const allowed = resolver({ "aws:region": "us-east-1", "aws:allowedAccountIds": '["222222222222"]' });
    await expect(allowed.targets.resolve(partial({ catalogId: "222222222222" }), budget)).rejects.toThrow(
      'MaterializedViewRefresh "daily" (sales.daily_mv): refusing to call AWS Glue as account 111111111111 ' +
        "(arn:aws:iam::111111111111:user/ci): the stack config aws:allowedAccountIds does not list it " +
        "(allowed: 222222222222). No Glue call was made",
    );
    const forbidden = resolver({ "aws:region": "us-east-1", "aws:forbiddenAccountIds": '["111111111111"]' });
    await expect(forbidden.targets.recordedTarget({ ...partial(), region: "us-east-1" }, budget)).rejects.toThrow(
      "the stack config aws:forbiddenAccountIds lists it",
    );
  });

  it("keeps stack config it cannot use and throws it from every operation", () => {
    const { targets } = resolver({ "aws:region": "Not A Region" });
    expect(() => targets.configured()).toThrow("aws:region");
    targets.configure(() => undefined);
    expect(() => targets.configured()).not.toThrow();
  });

  it("says where to set a region when none is found", async () => {
    const targets = new TargetResolver("MaterializedViewRefresh", {
      ...lookups().fake,
      sdkDefaultRegion: async () => undefined,
    });
    targets.configure(() => undefined);
    await expect(targets.resolve(partial(), budget)).rejects.toThrow(
      'MaterializedViewRefresh "daily": no AWS region found; set the stack config aws:region',
    );
  });
});

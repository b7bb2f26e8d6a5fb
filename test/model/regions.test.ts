import { isKnownRegion, nearestRegions, unknownRegionHint } from "../../src/model/regions";

describe("regions, from the AWS SDK's partition data", () => {
  it("knows the regions of every partition, and nothing else", () => {
    for (const region of ["us-east-1", "eu-west-3", "ap-southeast-2", "cn-north-1", "us-gov-west-1"])
      expect(isKnownRegion(region)).toBe(true);
    for (const region of ["us-est-1", "us-east-9", "mars-north-1", ""]) expect(isKnownRegion(region)).toBe(false);
  });

  it("suggests the known regions one edit away first", () => {
    expect(nearestRegions("us-est-1")).toEqual(["us-east-1", "us-west-1"]);
    expect(nearestRegions("eu-wset-1")).toEqual(["eu-west-1"]);
    expect(nearestRegions("US-EAST-1 ")).toEqual(["us-east-1"]);
  });

  it("places hyphens anew when nothing is one edit away", () => {
    expect(nearestRegions("useast1")).toContain("us-east-1");
    expect(nearestRegions("eu west 2")).toEqual(["eu-west-2"]);
    expect(nearestRegions("apsoutheast-22")).toContain("ap-southeast-2");
  });

  it("suggests nothing for a name far from any region", () => {
    expect(nearestRegions("mars-north-1")).toEqual([]);
    expect(unknownRegionHint("mars-north-1")).toBe('Region "mars-north-1" is not one the AWS SDK knows');
  });

  it("has nothing to say of a known region", () => {
    expect(unknownRegionHint("eu-central-1")).toBeUndefined();
  });
});

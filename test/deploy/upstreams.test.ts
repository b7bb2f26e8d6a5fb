import { awaitUpstreams } from "../../src/deploy/upstreams";
import { settings, upstream } from "../support/fixtures";
import { StubGlue } from "../support/glue-stub";

describe("awaitUpstreams", () => {
  it("goes on at once after an upstream run that SUCCEEDED, reading nothing", async () => {
    const glue = new StubGlue();
    const ctx = glue.context();
    await awaitUpstreams(ctx, settings({ upstreams: [upstream("u-1", "SUCCEEDED")] }), glue.budget(ctx));
    expect(glue.calls()).toEqual([]);
  });

  it("waits for an upstream run still going, then goes on", async () => {
    const glue = new StubGlue();
    const going = glue.addRun(4 * 60_000);
    const ctx = glue.context();
    await awaitUpstreams(ctx, settings({ upstreams: [upstream(going.id, "RUNNING")] }), glue.budget(ctx));
    expect(glue.status(going)).toBe("SUCCEEDED");
    expect(glue.lines[0]).toBe(
      `daily (sales.daily_mv): waiting for upstream view sales.orders_mv's refresh run ${going.id}, RUNNING, before starting a refresh`,
    );
  });

  it("fails, naming the upstream and Glue's message, when its run did not succeed", async () => {
    const glue = new StubGlue();
    const failed = glue.addRun(60_000, "FAILED");
    const ctx = glue.context();
    await expect(
      awaitUpstreams(ctx, settings({ upstreams: [upstream(failed.id, "STARTING")] }), glue.budget(ctx)),
    ).rejects.toThrow(
      `MaterializedViewRefresh "daily" (sales.daily_mv): upstream view sales.orders_mv's refresh run ${failed.id} ended FAILED: Spark job failed: column price not found; no refresh was started`,
    );
  });

  it("gives up at the budget's end when the upstream run goes on", async () => {
    const glue = new StubGlue();
    const going = glue.addRun(60 * 60_000);
    const ctx = glue.context();
    await expect(
      awaitUpstreams(
        ctx,
        settings({ timeoutMinutes: 5, upstreams: [upstream(going.id, "RUNNING")] }),
        glue.budget(ctx, 5),
      ),
    ).rejects.toThrow(
      "gave up after 5 minutes (timeoutMinutes) waiting for upstream view sales.orders_mv's refresh run",
    );
  });
});

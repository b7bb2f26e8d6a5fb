import { formatBytes, formatDuration, ProgressReporter } from "../../src/model/progress";
import { FakeClock } from "../support/fake-clock";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [45_400, "45s"],
    [185_000, "3m 05s"],
    [7_620_000, "2h 07m"],
  ])("%i ms is %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe("formatBytes", () => {
  it.each([
    [812, "812 B"],
    [1_500, "1.5 KB"],
    [3_200_000_000, "3.2 GB"],
    [7.5e15, "7.5 PB"],
  ])("%d bytes is %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe("ProgressReporter", () => {
  it("is due at most once per interval, the first time one interval in", () => {
    const clock = new FakeClock();
    const progress = new ProgressReporter(clock, 60_000);
    const due: number[] = [];
    for (let t = 0; t <= 180_000; t += 10_000) {
      clock.time = Date.UTC(2026, 0, 1) + t;
      if (progress.due()) due.push(t);
    }
    expect(due).toEqual([60_000, 120_000, 180_000]);
  });
});

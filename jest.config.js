/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  collectCoverageFrom: ["src/**/*.ts"],
  // Three files at a time on these 2-core machines: the long suites spend much of their time
  // waiting on the Pulumi CLI, the language hosts and the emulator's runs, so one worker leaves the
  // cores half idle (Jest's default is one worker fewer than the cores). Measured on the whole
  // suite: 912 s of Jest time with two workers, 776 s with three. The tools the suites share are
  // made before Jest starts (npm test's pretest), never by two workers at once. npm run bench, not
  // this, measures performance.
  maxWorkers: 3,
};

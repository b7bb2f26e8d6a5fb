/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  collectCoverageFrom: ["src/**/*.ts"],
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  // Two files at a time: the long suites spend much of their time waiting on the Pulumi CLI, the
  // language hosts and the emulator's runs, so a second worker fills a 2-core machine (Jest's
  // default is one worker fewer than the cores). npm run bench, not this, measures performance.
  maxWorkers: 2,
};

/**
 * A local AWS Glue emulator for the four materialized-view refresh operations and STS
 * GetCallerIdentity and AssumeRole, spoken over HTTP to the real AWS SDK clients.
 */
export { startEmulator, DEFAULT_ACCOUNT_ID } from "./emulator";
export type {
  EmulatedRole,
  EmulatedRun,
  EmulatedRunStatus,
  EmulatedView,
  EmulatorCredentials,
  EmulatorOptions,
  Faults,
  GlueEmulator,
  IssuedCredentials,
  RequestLogEntry,
} from "./types";

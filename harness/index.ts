export { Engine, defaultParallel, type DeploymentReport, type EngineOptions, type DeployOptions } from "./engine";
export type { Step } from "./deployment";
export type { ResourceState, StepOp } from "./steps";
export { ProviderHost, ProviderCallError, type HostLine, type HostOptions } from "./host";
export {
  startProgram,
  runProgram,
  type Answer,
  type ProgramEnd,
  type ProgramHandlers,
  type ProgramOptions,
  type Registration,
} from "./program";

export {
  Engine,
  type DeploymentReport,
  type EngineOptions,
  type DeployOptions,
  type ResourceState,
  type Step,
  type StepOp,
} from "./engine";
export { ProviderHost, ProviderCallError, type HostLine, type HostOptions } from "./host";
export { runProgram, type ProgramOptions, type Registration } from "./program";

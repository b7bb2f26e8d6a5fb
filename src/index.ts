export { MaterializedViewRefresh, type MaterializedViewRefreshArgs, type RefreshSource } from "./resource";
export { SOURCE_TRIGGER_PREFIX } from "./sources";
export { IF_RUNNING_POLICIES, type IfRunningPolicy } from "./inputs";
export type { RunStatus } from "./glue";
export { DEFINITION_TRIGGER, type GlueTableLike, type TableStorage, type TableViewDefinition } from "./view";
export {
  refreshPolicy,
  type RefreshPolicyDocument,
  type RefreshPolicyOptions,
  type RefreshPolicyStatement,
} from "./policy";

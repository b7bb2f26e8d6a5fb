export { MaterializedViewRefresh, type MaterializedViewRefreshArgs, type RefreshSource } from "./resource";
export { SOURCE_TRIGGER_PREFIX } from "./sources";
export {
  MaterializedViewRefreshGroup,
  type MaterializedViewRefreshGroupArgs,
  type MaterializedViewRefreshGroupMember,
  type MaterializedViewRefreshGroupRun,
} from "./group";
export { IF_RUNNING_POLICIES, type AssumeRoleArgs, type IfRunningPolicy } from "./inputs";
export type { RunStatus } from "./run";
export { DEFINITION_TRIGGER, type GlueTableLike, type TableStorage, type TableViewDefinition } from "./view";
export {
  refreshPolicy,
  refreshTrustPolicy,
  type RefreshPolicyDocument,
  type RefreshPolicyOptions,
  type RefreshPolicyStatement,
  type RefreshTrustPolicyDocument,
  type RefreshTrustPolicyOptions,
  type RefreshTrustStatement,
  type TrustedPrincipals,
  type ExternalIdCondition,
} from "./policy";

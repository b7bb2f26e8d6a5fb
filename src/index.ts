export { MaterializedViewRefresh, type MaterializedViewRefreshArgs, type RefreshSource } from "./declare/resource";
export { SOURCE_TRIGGER_PREFIX } from "./declare/sources";
export {
  MaterializedViewRefreshGroup,
  type MaterializedViewRefreshGroupArgs,
  type MaterializedViewRefreshGroupMember,
  type MaterializedViewRefreshGroupRun,
} from "./declare/group";
export { IF_RUNNING_POLICIES, type AssumeRoleArgs, type IfRunningPolicy } from "./model/inputs";
export type { RunStatus } from "./model/run";
export { DEFINITION_TRIGGER, type GlueTableLike, type TableStorage, type TableViewDefinition } from "./declare/view";
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
} from "./declare/policy";

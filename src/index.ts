export { MaterializedViewRefresh, type MaterializedViewRefreshArgs } from "./resource";
export type { IfRunningPolicy } from "./inputs";
export type { RunStatus } from "./glue";
export { DEFINITION_TRIGGER, type GlueTableLike } from "./view";
export { refreshPolicy, type RefreshPolicyDocument, type RefreshPolicyOptions, type RefreshPolicyStatement } from "./policy";

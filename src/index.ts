export { MaterializedViewRefresh, type MaterializedViewRefreshArgs } from "./resource";
export type { IfRunningPolicy } from "./inputs";
export type { RunStatus } from "./glue";

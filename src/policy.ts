/**
 * The least-privilege IAM policy for the identity that runs `pulumi up` with refreshes: the Glue
 * refresh actions the chosen options use, and STS when a catalog id is left to default.
 */
import type { IfRunningPolicy } from "./inputs";

/** What the pipeline's refreshes do, which decides the actions they need. */
export interface RefreshPolicyOptions {
  /**
   * The `ifRunning` policies the refreshes use; only "stop" needs the Stop action.
   * @default "wait"
   */
  readonly ifRunning?: IfRunningPolicy | readonly IfRunningPolicy[];
  /**
   * Whether some refresh omits `catalogId`, so the account id is looked up with sts:GetCallerIdentity.
   * @default true
   */
  readonly defaultCatalogId?: boolean;
  /**
   * The resources the Glue statement allows, e.g. the catalog, database and view ARNs.
   * @default "*"
   */
  readonly resources?: string | readonly string[];
}

/** One statement of an IAM policy document. */
export interface RefreshPolicyStatement {
  /** What the statement is for. */
  Sid: string;
  /** Always "Allow". */
  Effect: "Allow";
  /** The IAM actions allowed. */
  Action: string[];
  /** The resources they are allowed on. */
  Resource: string | string[];
}

/** An IAM policy document, usable as `aws.iam.Policy`'s `policy` (or with JSON.stringify). */
export interface RefreshPolicyDocument {
  /** The IAM policy language version. */
  Version: "2012-10-17";
  /** The statements: Glue refresh actions, and STS when a catalog id defaults. */
  Statement: RefreshPolicyStatement[];
}

/**
 * The least-privilege policy for refreshing materialized views with the given options.
 *
 * @example
 * ```ts
 * new aws.iam.Policy("refresh", { policy: refreshPolicy({ ifRunning: "stop", defaultCatalogId: false }) });
 * ```
 */
export function refreshPolicy(options: RefreshPolicyOptions = {}): RefreshPolicyDocument {
  const policies = ([] as IfRunningPolicy[]).concat(options.ifRunning ?? "wait");
  const glueActions = [
    "glue:StartMaterializedViewRefreshTaskRun",
    "glue:GetMaterializedViewRefreshTaskRun",
    // For a run already in progress, whatever the policy, and to find a run whose Start answer was lost.
    "glue:ListMaterializedViewRefreshTaskRuns",
    ...(policies.includes("stop") ? ["glue:StopMaterializedViewRefreshTaskRun"] : []),
  ];
  const resources = options.resources ?? "*";
  const statements: RefreshPolicyStatement[] = [
    {
      Sid: "RefreshMaterializedViews",
      Effect: "Allow",
      Action: glueActions,
      Resource: typeof resources === "string" ? resources : [...resources],
    },
  ];
  if (options.defaultCatalogId ?? true) {
    statements.push({
      Sid: "ResolveDefaultCatalogId",
      Effect: "Allow",
      Action: ["sts:GetCallerIdentity"],
      Resource: "*",
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

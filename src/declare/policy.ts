/**
 * The least-privilege IAM policies for refreshes: the identity policy of whoever calls Glue (the
 * Glue refresh actions the chosen options use, STS for the account lookup, sts:AssumeRole on the
 * roles the pipeline assumes), and the trust policy a role needs to be assumed by the pipeline.
 */
import type { IfRunningPolicy } from "../model/inputs";

/** What the pipeline's refreshes do, which decides the actions they need. */
export interface RefreshPolicyOptions {
  /**
   * The `ifRunning` policies the refreshes use; only "stop" needs the Stop action.
   * @default "wait"
   */
  readonly ifRunning?: IfRunningPolicy | readonly IfRunningPolicy[];
  /**
   * Whether the account id is looked up with sts:GetCallerIdentity: some refresh omits `catalogId`,
   * or the stack config sets `aws:allowedAccountIds` or `aws:forbiddenAccountIds`.
   * @default true
   */
  readonly defaultCatalogId?: boolean;
  /**
   * The ARNs of the roles this identity assumes (the next role of `aws:assumeRoles`, or a resource's
   * `assumeRole`), for an sts:AssumeRole statement.
   * @default none: no statement
   */
  readonly assumeRoles?: string | readonly string[];
  /**
   * Whether the roles are assumed with session tags (`tags` in `aws:assumeRoles`), which needs sts:TagSession.
   * @default false
   */
  readonly sessionTags?: boolean;
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
  /** The statements: Glue refresh actions, STS when a catalog id defaults, and the roles assumed. */
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
  const roles = ([] as string[]).concat(options.assumeRoles ?? []);
  if (roles.length > 0) {
    statements.push({
      Sid: "AssumeRefreshRoles",
      Effect: "Allow",
      Action: assumeActions(options.sessionTags),
      Resource: roles,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

const assumeActions = (sessionTags: boolean | undefined) => [
  "sts:AssumeRole",
  ...(sessionTags ? ["sts:TagSession"] : []),
];

/** Who may assume a role the refreshes use, and on what condition. */
export interface RefreshTrustPolicyOptions {
  /** The ARNs (or account ids) of the identities that assume the role: the pipeline's user or role. */
  readonly principals: string | readonly string[];
  /**
   * The external id callers must give (the role's `externalId` in stack config or `assumeRole`).
   * @default none: no condition
   */
  readonly externalId?: string;
  /**
   * Whether callers pass session tags, which needs sts:TagSession.
   * @default false
   */
  readonly sessionTags?: boolean;
}

/** A trust policy document, usable as `aws.iam.Role`'s `assumeRolePolicy` (with JSON.stringify). */
export interface RefreshTrustPolicyDocument {
  /** The IAM policy language version. */
  Version: "2012-10-17";
  /** One statement letting the principals assume the role. */
  Statement: RefreshTrustStatement[];
}

/** The statement of a {@link RefreshTrustPolicyDocument}. */
export interface RefreshTrustStatement {
  /** What the statement is for. */
  Sid: string;
  /** Always "Allow". */
  Effect: "Allow";
  /** The identities that may assume the role. */
  Principal: TrustedPrincipals;
  /** sts:AssumeRole, and sts:TagSession when sessions are tagged. */
  Action: string[];
  /** The external id callers must give, when one is required. */
  Condition?: ExternalIdCondition;
}

/** The `Principal` of a trust statement. */
export interface TrustedPrincipals {
  /** ARNs or account ids. */
  AWS: string[];
}

/** The `Condition` that requires an external id. */
export interface ExternalIdCondition {
  /** The value sts:ExternalId must equal. */
  StringEquals: Record<"sts:ExternalId", string>;
}

/**
 * The trust policy a role needs so that the pipeline's identity can assume it for refreshes; give
 * the role itself the permissions of {@link refreshPolicy}.
 *
 * @example
 * ```ts
 * new aws.iam.Role("refresh", {
 *   assumeRolePolicy: JSON.stringify(refreshTrustPolicy({ principals: "arn:aws:iam::111111111111:role/pipeline" })),
 * });
 * ```
 */
export function refreshTrustPolicy(options: RefreshTrustPolicyOptions): RefreshTrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AssumedForRefreshes",
        Effect: "Allow",
        Principal: { AWS: ([] as string[]).concat(options.principals) },
        Action: assumeActions(options.sessionTags),
        ...(options.externalId !== undefined
          ? { Condition: { StringEquals: { "sts:ExternalId": options.externalId } } }
          : {}),
      },
    ],
  };
}

/**
 * Where and as whom a view's AWS calls go: the stack's `aws:` config (read once, at configure), a
 * resource's region, endpoint and role on top of it, the account guards checked before any Glue
 * call, and the lookups this needs (the caller's identity, the SDK's default region), cached per
 * process.
 */
import { readStackConfig, type StackAwsConfig } from "./aws-config";
import { callerIdentity, sdkDefaultRegion, targetKey, type AwsTarget, type CallerIdentity } from "./glue";
import { containsUnknown, UNKNOWN, type AssumeRoleArgs, type RefreshSettings } from "../model/inputs";
import { compact } from "../model/json";
import { subject, type Named } from "../model/progress";
import type { RetryContext } from "./retry";
import type { ResolvedSettings } from "../model/state";

/** The lookups a resolver makes: who a target's calls act as, and the region the SDK's chain finds. */
export interface TargetLookups {
  readonly callerIdentity: (target: AwsTarget, budget: RetryContext) => Promise<CallerIdentity>;
  readonly sdkDefaultRegion: (profile: string | undefined) => Promise<string | undefined>;
}

const AWS_LOOKUPS: TargetLookups = { callerIdentity, sdkDefaultRegion };

export class TargetResolver {
  private stack: StackAwsConfig = {};
  /** Stack config that cannot be used: every operation fails with it rather than call AWS otherwise. */
  private stackProblem: Error | undefined;
  private readonly identities = new Map<string, Promise<CallerIdentity>>();
  private readonly sdkRegions = new Map<string | undefined, Promise<string | undefined>>();

  constructor(
    /** What messages call a refresh, e.g. "MaterializedViewRefresh". */
    private readonly kind: string,
    private readonly lookups: TargetLookups = AWS_LOOKUPS,
  ) {}

  /**
   * Reads the stack config. The provider host configures a provider once and keeps it even when
   * configure throws, so a problem is kept and thrown by every operation instead (`configured`).
   */
  configure(read: (key: string) => string | undefined): void {
    try {
      this.stack = readStackConfig(read);
      this.stackProblem = undefined;
    } catch (error) {
      this.stack = {};
      this.stackProblem = error as Error;
    }
  }

  /** Throws the stack config's problem, if it has one. */
  configured(): void {
    if (this.stackProblem) throw this.stackProblem;
  }

  /**
   * Where and as whom a resource calls AWS: its region, its endpoint (else aws:endpoints') for
   * Glue and STS, the stack's credentials, then the stack's roles and the resource's own.
   */
  targetFor(region: string, endpoint: string | undefined, assumeRole: AssumeRoleArgs | undefined): AwsTarget {
    const stack = this.stack;
    return compact({
      region,
      endpoint: endpoint ?? stack.endpoints?.glue,
      stsEndpoint: endpoint ?? stack.endpoints?.sts,
      stsRegion: stack.stsRegion,
      profile: stack.profile,
      sharedCredentialsFile: stack.sharedCredentialsFile,
      sharedConfigFile: stack.sharedConfigFile,
      credentials: stack.credentials,
      roles: [...(stack.assumeRoles ?? []), ...(assumeRole ? [assumeRole] : [])],
    });
  }

  /**
   * The settings with their catalog id and region looked up, and where and as whom to call AWS for
   * them; refuses an account the guards rule out. In a preview, what is not known yet stays unknown.
   */
  async resolve(
    partial: RefreshSettings,
    budget: RetryContext,
  ): Promise<{ settings: ResolvedSettings; target: AwsTarget }> {
    const region = partial.region === UNKNOWN ? UNKNOWN : await this.region(partial);
    const target = this.targetFor(region, partial.endpoint, partial.assumeRole);
    const known = region !== UNKNOWN && partial.endpoint !== UNKNOWN && !containsUnknown(partial.assumeRole);
    const identity =
      known && (partial.catalogId === undefined || this.guarded()) ? await this.identityOf(target, budget) : undefined;
    if (identity) this.guard(partial, identity);
    const catalogId = partial.catalogId ?? identity?.account ?? UNKNOWN;
    return { settings: { ...partial, region, catalogId }, target };
  }

  /**
   * Refuses an account the guards rule out before the settings are deployed: `check` asks, so that
   * a preview of a new resource fails as its create would, as @pulumi/aws checks its guards when it
   * is configured. Looks nothing up when no guard is set, nor while where or as whom is unknown.
   */
  async checkGuards(partial: RefreshSettings, budget: RetryContext): Promise<void> {
    if (this.guarded()) await this.resolve(partial, budget);
  }

  /** Where and as whom a recorded refresh was made, checked against the guards again (`pulumi refresh`). */
  async recordedTarget(
    props: Named & { region: string; endpoint?: string; assumeRole?: AssumeRoleArgs },
    budget: RetryContext,
  ): Promise<AwsTarget> {
    const target = this.targetFor(props.region, props.endpoint, props.assumeRole);
    if (this.guarded()) this.guard(props, await this.identityOf(target, budget));
    return target;
  }

  /** The resource's region, else the stack's, else the one the AWS SDK's own chain finds. */
  private async region(settings: Pick<RefreshSettings, "region" | "resourceName">): Promise<string> {
    const region = settings.region ?? this.stack.region ?? (await this.sdkRegion());
    if (!region) {
      throw new Error(
        `${this.kind} "${settings.resourceName}": no AWS region found; set the stack config aws:region ` +
          "(pulumi config set aws:region us-east-1), the resource's region, or AWS_REGION",
      );
    }
    return region;
  }

  /** The region the AWS SDK's own chain finds, looked up once per process and profile. */
  private sdkRegion(): Promise<string | undefined> {
    const { profile } = this.stack;
    let region = this.sdkRegions.get(profile);
    if (!region) {
      region = this.lookups.sdkDefaultRegion(profile);
      this.sdkRegions.set(profile, region);
    }
    return region;
  }

  /** Who the target's calls act as, looked up once per process and target (again after a failure). */
  private identityOf(target: AwsTarget, budget: RetryContext): Promise<CallerIdentity> {
    const key = targetKey(target);
    let identity = this.identities.get(key);
    if (!identity) {
      identity = this.lookups.callerIdentity(target, budget);
      this.identities.set(key, identity);
      identity.catch(() => this.identities.delete(key));
    }
    return identity;
  }

  private guarded(): boolean {
    return this.stack.allowedAccountIds !== undefined || this.stack.forbiddenAccountIds !== undefined;
  }

  /** Refuses, before any Glue call, an account that aws:allowedAccountIds or aws:forbiddenAccountIds rules out. */
  private guard(s: Named, identity: CallerIdentity): void {
    const as = `account ${identity.account}${identity.arn ? ` (${identity.arn})` : ""}`;
    const { allowedAccountIds: allowed, forbiddenAccountIds: forbidden } = this.stack;
    let rule: string | undefined;
    if (allowed && !allowed.includes(identity.account))
      rule = `the stack config aws:allowedAccountIds does not list it (allowed: ${allowed.join(", ") || "none"})`;
    else if (forbidden?.includes(identity.account)) rule = "the stack config aws:forbiddenAccountIds lists it";
    if (rule)
      throw new Error(`${subject(this.kind, s)}: refusing to call AWS Glue as ${as}: ${rule}. No Glue call was made`);
  }
}

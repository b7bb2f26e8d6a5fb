/**
 * As whom the provider calls AWS: the base credentials (static keys from stack config, else the AWS
 * SDK's own chain with the stack's profile and files), then each role of the chain assumed with the
 * SDK's `fromTemporaryCredentials`. Every link is renewed before it expires on the provider's clock,
 * so a wait of hours outlives credentials that last one.
 */
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { StaticCredentials } from "./aws-config";
import { describeAwsError } from "../model/errors";
import { DEFAULT_SESSION_NAME, type RoleToAssume } from "../model/roles";
import type { Clock } from "../model/wait";

/** What decides the credentials of a target. */
export interface CredentialSettings {
  readonly region: string;
  readonly stsEndpoint?: string;
  readonly stsRegion?: string;
  readonly profile?: string;
  readonly sharedCredentialsFile?: string;
  readonly sharedConfigFile?: string;
  readonly credentials?: StaticCredentials;
  readonly roles?: readonly RoleToAssume[];
}

/** How long before they expire credentials are renewed: the AWS SDK's own margin. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

type Provider = AwsCredentialIdentityProvider & { memoized?: boolean };

/** A target's credentials, and a way to renew them at once when AWS says they expired. */
export interface CredentialSource {
  /** For the SDK client's `credentials`: cached, renewed before expiry. */
  readonly provider: Provider;
  /** Asks for new credentials now; resolves whether they differ from those held (static keys never do). */
  renew(): Promise<boolean>;
}

/**
 * Caches a provider's credentials and renews them once `clock` reaches their expiration less
 * RENEW_BEFORE_EXPIRY_MS. Marked `memoized`, so SDK clients use it as it is rather than wrapping
 * it in their own cache, which reads the system clock.
 */
export function renewing(source: AwsCredentialIdentityProvider, clock: Clock): CredentialSource {
  let held: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity) =>
    c.expiration === undefined || clock.now() < c.expiration.getTime() - RENEW_BEFORE_EXPIRY_MS;
  const fetch = (options: Record<string, unknown> = {}) => {
    pending ??= source({ ...options, forceRefresh: held !== undefined })
      .then((c) => (held = c))
      .finally(() => (pending = undefined));
    return pending;
  };
  const provider: Provider = async (options) => (held && fresh(held) ? held : fetch(options));
  provider.memoized = true;
  return {
    provider,
    async renew() {
      const before = held;
      const after = await fetch();
      return after.accessKeyId !== before?.accessKeyId || after.sessionToken !== before.sessionToken;
    },
  };
}

/** The STS AssumeRole parameters for a role. */
function assumeRoleParams(role: RoleToAssume) {
  return {
    RoleArn: role.roleArn,
    RoleSessionName: role.sessionName ?? DEFAULT_SESSION_NAME,
    ...(role.externalId !== undefined ? { ExternalId: role.externalId } : {}),
    ...(role.durationSeconds !== undefined ? { DurationSeconds: role.durationSeconds } : {}),
    ...(role.policy !== undefined ? { Policy: role.policy } : {}),
    ...(role.policyArns !== undefined ? { PolicyArns: role.policyArns.map((arn) => ({ arn })) } : {}),
    ...(role.tags !== undefined ? { Tags: Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
    ...(role.transitiveTagKeys !== undefined ? { TransitiveTagKeys: [...role.transitiveTagKeys] } : {}),
    ...(role.sourceIdentity !== undefined ? { SourceIdentity: role.sourceIdentity } : {}),
  };
}

/** The base credentials, then each role assumed with the credentials before it, each link renewing. */
export function credentialSource(settings: CredentialSettings, clock: Clock, clientConfig: object): CredentialSource {
  const base: AwsCredentialIdentityProvider = settings.credentials
    ? async () => settings.credentials!
    : fromNodeProviderChain({
        ...(settings.profile ? { profile: settings.profile } : {}),
        ...(settings.sharedCredentialsFile ? { filepath: settings.sharedCredentialsFile } : {}),
        ...(settings.sharedConfigFile ? { configFilepath: settings.sharedConfigFile } : {}),
      });
  let link = renewing(base, clock);
  for (const role of settings.roles ?? []) {
    const assume = fromTemporaryCredentials({
      params: assumeRoleParams(role),
      masterCredentials: link.provider,
      clientConfig: {
        ...clientConfig,
        region: settings.stsRegion ?? settings.region,
        ...(settings.stsEndpoint ? { endpoint: settings.stsEndpoint } : {}),
      },
    });
    // One line naming the call and the role, as every AWS error is reported; never the external id.
    const described: AwsCredentialIdentityProvider = (options) =>
      assume(options).catch((error: unknown) => {
        throw describeAwsError("AssumeRole", `role ${role.roleArn}`, error);
      });
    link = renewing(described, clock);
  }
  return link;
}

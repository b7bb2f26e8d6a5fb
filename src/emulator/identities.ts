/**
 * Who is calling: the access keys the emulator knows, the roles STS AssumeRole hands out, and the
 * temporary credentials it issued. Follows the AWS STS API reference for AssumeRole
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html) and the IAM user guide
 * on role trust policies, external ids and role chaining.
 */
import { createHash, randomBytes } from "crypto";
import type { EmulatedRole, EmulatorCredentials, IssuedCredentials } from "./types";

/** The identity a request acts as, once its signature and session token have been checked. */
export interface Caller {
  readonly accountId: string;
  /** A user ARN, or an assumed-role ARN (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION). */
  readonly arn: string;
  /** GetCallerIdentity's UserId: AIDA... for users, AROA...:SESSION for role sessions. */
  readonly userId: string;
  /** For a role session: the role, which trust policies name and role chaining is counted by. */
  readonly roleArn?: string;
}

export type Authentication =
  | { readonly ok: true; readonly caller: Caller }
  | { readonly ok: false; readonly kind: "invalidToken" | "expiredToken"; readonly message: string };

/** What AssumeRole was asked for, once validated. */
export interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly durationSeconds?: number;
  readonly externalId?: string;
}

export type AssumeRoleOutcome =
  | { readonly kind: "issued"; readonly credentials: IssuedCredentials; readonly caller: Caller }
  | { readonly kind: "accessDenied"; readonly message: string }
  | { readonly kind: "invalidDuration"; readonly message: string };

export const EMULATED_USER_NAME = "glue-mv-emulator";
/** AssumeRole's default session length and the longest a chained role session may last (IAM user guide, role chaining). */
export const DEFAULT_SESSION_SECONDS = 3600;
export const ROLE_CHAINING_LIMIT_SECONDS = 3600;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;
export const EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired";
export const INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid.";

const digest = (text: string, length: number) =>
  createHash("sha256").update(text).digest("hex").slice(0, length).toUpperCase();

/** The account and name of a role ARN, or undefined when it is not one. */
export function parseRoleArn(arn: string): { accountId: string; name: string } | undefined {
  const match = ROLE_ARN.exec(arn);
  return match ? { accountId: match[1], name: match[2] } : undefined;
}

interface KnownKey {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiresAt?: number;
  readonly caller: Caller;
}

export class Identities {
  /** Secret access keys by key id, for signature verification: the configured keys and every issued one. */
  readonly secrets = new Map<string, string>();
  private readonly keys = new Map<string, KnownKey>();
  private readonly roles = new Map<string, EmulatedRole>();
  private readonly issued: IssuedCredentials[] = [];

  constructor(
    private readonly defaultAccountId: string,
    credentials: readonly EmulatorCredentials[],
    roles: readonly EmulatedRole[],
  ) {
    for (const key of credentials) {
      const accountId = key.accountId ?? defaultAccountId;
      if (!/^\d{12}$/.test(accountId)) throw new Error(`credentials ${key.accessKeyId}: accountId must be 12 digits`);
      this.remember(key.accessKeyId, {
        secretAccessKey: key.secretAccessKey,
        ...(key.sessionToken !== undefined ? { sessionToken: key.sessionToken } : {}),
        ...(key.expiresAt !== undefined ? { expiresAt: key.expiresAt } : {}),
        caller: this.userCaller(key.accessKeyId, accountId),
      });
    }
    for (const role of roles) {
      if (!parseRoleArn(role.roleArn))
        throw new Error(`roles: ${JSON.stringify(role.roleArn)} is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)`);
      const max = role.maxSessionDurationSeconds ?? DEFAULT_SESSION_SECONDS;
      if (!Number.isInteger(max) || max < 3600 || max > 43200)
        throw new Error(`roles: ${role.roleArn} maxSessionDurationSeconds must be 3600 to 43200; got ${max}`);
      this.roles.set(role.roleArn, role);
    }
  }

  /** Every set of temporary credentials issued so far, oldest first. */
  sessions(): IssuedCredentials[] {
    return [...this.issued];
  }

  /**
   * The caller behind a request whose signature already checked out. Temporary credentials must
   * come with their session token and are refused once expired (ExpiredToken); keys the emulator
   * does not know act as a user of the default account, unverified.
   */
  authenticate(accessKeyId: string, sessionToken: string | undefined, now: number): Authentication {
    const known = this.keys.get(accessKeyId);
    if (!known) return { ok: true, caller: this.userCaller(accessKeyId, this.defaultAccountId) };
    if (known.sessionToken !== undefined && sessionToken !== known.sessionToken)
      return { ok: false, kind: "invalidToken", message: INVALID_TOKEN_MESSAGE };
    if (known.expiresAt !== undefined && now >= known.expiresAt)
      return { ok: false, kind: "expiredToken", message: EXPIRED_TOKEN_MESSAGE };
    return { ok: true, caller: known.caller };
  }

  /**
   * STS AssumeRole: the role must exist and its trust policy allow the caller, with the external id
   * it requires (AccessDenied otherwise, naming neither the external id nor why); the session lasts
   * DurationSeconds, at most the role's maximum, and at most one hour when the caller is itself a
   * role session (role chaining).
   */
  assumeRole(caller: Caller, accessKeyId: string, request: AssumeRoleRequest, now: number): AssumeRoleOutcome {
    const role = this.roles.get(request.roleArn);
    const parsed = parseRoleArn(request.roleArn);
    const trusted =
      role !== undefined &&
      parsed !== undefined &&
      trusts(role, caller) &&
      (role.externalId === undefined || role.externalId === request.externalId);
    if (!trusted) {
      return {
        kind: "accessDenied",
        message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`,
      };
    }
    const seconds = request.durationSeconds ?? DEFAULT_SESSION_SECONDS;
    if (caller.roleArn !== undefined && seconds > ROLE_CHAINING_LIMIT_SECONDS) {
      return {
        kind: "invalidDuration",
        message: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      };
    }
    if (seconds > (role.maxSessionDurationSeconds ?? DEFAULT_SESSION_SECONDS)) {
      return {
        kind: "invalidDuration",
        message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
      };
    }
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomBytes(10).toString("hex").toUpperCase().slice(0, 16)}`,
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(96).toString("base64")}`,
      roleArn: request.roleArn,
      sessionName: request.sessionName,
      issuedTo: accessKeyId,
      expiration: now + seconds * 1000,
    };
    const session: Caller = {
      accountId: parsed.accountId,
      arn: `arn:aws:sts::${parsed.accountId}:assumed-role/${parsed.name}/${request.sessionName}`,
      userId: `AROA${digest(request.roleArn, 17)}:${request.sessionName}`,
      roleArn: request.roleArn,
    };
    this.remember(credentials.accessKeyId, {
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiresAt: credentials.expiration,
      caller: session,
    });
    this.issued.push(credentials);
    return { kind: "issued", credentials, caller: session };
  }

  private remember(accessKeyId: string, key: KnownKey): void {
    this.keys.set(accessKeyId, key);
    this.secrets.set(accessKeyId, key.secretAccessKey);
  }

  private userCaller(accessKeyId: string, accountId: string): Caller {
    return {
      accountId,
      arn: `arn:aws:iam::${accountId}:user/${EMULATED_USER_NAME}`,
      userId: `AIDA${digest(accessKeyId, 17)}`,
    };
  }
}

/** Whether the role's trust policy names the caller: everyone, its account, its user or its role. */
function trusts(role: EmulatedRole, caller: Caller): boolean {
  if (role.trustedPrincipals === undefined) return true;
  const principal = caller.roleArn ?? caller.arn;
  return role.trustedPrincipals.some(
    (p) => p === "*" || p === caller.accountId || p === `arn:aws:iam::${caller.accountId}:root` || p === principal,
  );
}

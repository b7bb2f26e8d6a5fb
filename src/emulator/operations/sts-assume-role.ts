/**
 * STS AssumeRole (awsQuery): temporary credentials for a role, as the AWS STS API reference
 * describes it (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html):
 * RoleArn 20-2048 characters, RoleSessionName 2-64 of [\w+=,.@-], DurationSeconds 900-43200,
 * ExternalId 2-1224 of [\w+=,:/@.-]; errors ValidationError (400) and AccessDenied (403).
 */
import { ServiceError } from "../errors";
import type { AssumeRoleRequest } from "../identities";
import type { Operation, OperationContext, OperationOutput } from "./operation";

const SESSION_NAME = /^[\w+=,.@-]*$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/;

/** Reads AssumeRole's form fields, collecting every problem into one ValidationError, as STS does. */
export function validateAssumeRole(raw: Readonly<Record<string, unknown>>): AssumeRoleRequest {
  // The query protocol's input: form fields, every value a string.
  const input = raw as Readonly<Record<string, string | undefined>>;
  const problems: string[] = [];
  const fail = (member: string, value: string | number | undefined, constraint: string) =>
    problems.push(
      `Value ${value === undefined ? "null" : `'${String(value)}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
    );
  const text = (field: string, member: string, min: number, max: number, pattern?: RegExp, required = false) => {
    const value = input[field];
    if (value === undefined) {
      if (required) fail(member, value, "Member must not be null");
      return undefined;
    }
    const string = value;
    if (string.length < min) fail(member, string, `Member must have length greater than or equal to ${min}`);
    else if (string.length > max) fail(member, string, `Member must have length less than or equal to ${max}`);
    else if (pattern && !pattern.test(string))
      fail(member, string, `Member must satisfy regular expression pattern: ${pattern.source.slice(1, -1)}`);
    return string;
  };
  const roleArn = text("RoleArn", "roleArn", 20, 2048, undefined, true) ?? "";
  const sessionName = text("RoleSessionName", "roleSessionName", 2, 64, SESSION_NAME, true) ?? "";
  const externalId = text("ExternalId", "externalId", 2, 1224, EXTERNAL_ID);
  let durationSeconds: number | undefined;
  if (input.DurationSeconds !== undefined) {
    durationSeconds = Number(input.DurationSeconds);
    if (!Number.isInteger(durationSeconds)) fail("durationSeconds", input.DurationSeconds, "Member must be an integer");
    else if (durationSeconds < 900)
      fail("durationSeconds", durationSeconds, "Member must have value greater than or equal to 900");
    else if (durationSeconds > 43200)
      fail("durationSeconds", durationSeconds, "Member must have value less than or equal to 43200");
  }
  if (problems.length > 0) {
    const count = problems.length;
    throw new ServiceError(
      "ValidationError",
      `${count} validation error${count === 1 ? "" : "s"} detected: ${problems.join("; ")}`,
    );
  }
  return {
    roleArn,
    sessionName,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(externalId !== undefined ? { externalId } : {}),
  };
}

export function assumeRole(request: AssumeRoleRequest, context: OperationContext): OperationOutput {
  const outcome = context.identities.assumeRole(context.caller, context.accessKeyId, request, context.now);
  if (outcome.kind === "accessDenied") throw new ServiceError("AccessDenied", outcome.message, 403);
  if (outcome.kind === "invalidDuration") throw new ServiceError("ValidationError", outcome.message);
  const { credentials, caller } = outcome;
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: new Date(credentials.expiration).toISOString(),
    },
    AssumedRoleUser: { AssumedRoleId: caller.userId, Arn: caller.arn },
  };
}

export const assumeRoleOperation: Operation = {
  name: "AssumeRole",
  service: "sts",
  handle: (input, context) => assumeRole(validateAssumeRole(input), context),
};

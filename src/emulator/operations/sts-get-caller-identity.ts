/** STS GetCallerIdentity: the emulator's account, and a user named after the access key. */
import { createHash } from "crypto";
import type { Operation, OperationContext, OperationOutput } from "./operation";

export const EMULATED_USER_NAME = "glue-mv-emulator";

export function getCallerIdentity(context: Pick<OperationContext, "accountId" | "accessKeyId">): OperationOutput {
  const keyDigest = createHash("sha256").update(context.accessKeyId).digest("hex").slice(0, 17).toUpperCase();
  return {
    Arn: `arn:aws:iam::${context.accountId}:user/${EMULATED_USER_NAME}`,
    UserId: `AIDA${keyDigest}`,
    Account: context.accountId,
  };
}

export const getCallerIdentityOperation: Operation = {
  name: "GetCallerIdentity",
  service: "sts",
  // GetCallerIdentity takes no parameters; Action and Version are the protocol's.
  handle: (_input, context) => getCallerIdentity(context),
};

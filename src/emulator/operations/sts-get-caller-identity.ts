/** STS GetCallerIdentity: the account, ARN and user id of whoever signed the request. */
import type { Operation, OperationContext, OperationOutput } from "./operation";

export function getCallerIdentity(context: Pick<OperationContext, "caller">): OperationOutput {
  const { caller } = context;
  return { Arn: caller.arn, UserId: caller.userId, Account: caller.accountId };
}

export const getCallerIdentityOperation: Operation = {
  name: "GetCallerIdentity",
  service: "sts",
  // GetCallerIdentity takes no parameters; Action and Version are the protocol's.
  handle: (_input, context) => getCallerIdentity(context),
};

/** Every operation the emulator answers, by service and name. */
import { assumeRoleOperation } from "./sts-assume-role";
import { getCallerIdentityOperation } from "./sts-get-caller-identity";
import { getRunOperation } from "./get-run";
import { listRunsOperation } from "./list-runs";
import type { Operation } from "./operation";
import { startRunOperation } from "./start-run";
import { stopRunOperation } from "./stop-run";

export const OPERATIONS: readonly Operation[] = [
  startRunOperation,
  getRunOperation,
  listRunsOperation,
  stopRunOperation,
  getCallerIdentityOperation,
  assumeRoleOperation,
];

export function findOperation(service: Operation["service"], name: string): Operation | undefined {
  return OPERATIONS.find((operation) => operation.service === service && operation.name === name);
}

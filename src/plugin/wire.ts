/**
 * Values as they cross the plugin's gRPC boundary: the engine's secret wrappers taken off inputs and
 * put back on the outputs that must stay secret (every role's external id), and absent values
 * dropped, since a protobuf Struct has no `undefined`. Pure.
 */

/** The key and value by which the engine marks a secret in a Struct (the SDKs' `specialSigKey`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Values = Record<string, unknown>;
const isMap = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);

/** The value with every secret wrapper replaced by the value it wraps. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (!isMap(value)) return value;
  if (value[SIG_KEY] === SECRET_SIG) return unwrapSecrets(value.value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** A value marked secret, as the engine reads it. */
export const secret = (value: unknown): Values => ({ [SIG_KEY]: SECRET_SIG, value });

/** A state with its role's external id marked secret. */
function withSecretRole(state: Values): Values {
  const role = state.assumeRole;
  if (!isMap(role) || role.externalId === undefined) return state;
  return { ...state, assumeRole: { ...role, externalId: secret(role.externalId) } };
}

/**
 * Inputs and outputs as the engine records them: external ids secret, a refresh's own and each group member's
 * (`runs`); no undefined anywhere.
 */
export function forWire(outs: Values): Values {
  const marked = withSecretRole(outs);
  const runs = isMap(marked.runs)
    ? Object.fromEntries(Object.entries(marked.runs).map(([k, run]) => [k, isMap(run) ? withSecretRole(run) : run]))
    : undefined;
  return JSON.parse(JSON.stringify(runs ? { ...marked, runs } : marked)) as Values;
}

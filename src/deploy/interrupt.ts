/**
 * The provider host being told to stop: by the Pulumi CLI when it shuts its plugins down (SIGINT,
 * at the end of every deployment and when a deployment is cut short), or by a terminal or CI job
 * that signals it directly. Node would exit at once and the engine would never learn which run was
 * going on; instead, waits and retries end, each pending operation answers with the run it
 * recorded, and the host exits as soon as none is pending, at most a grace period after the signal.
 */

/** How long pending operations get to answer the engine before the host exits. */
export const INTERRUPT_GRACE_MS = 1_500;
/** Time for the last answer to leave over gRPC once its operation has returned. */
const FLUSH_MS = 50;

let controller: AbortController | undefined;
let pending = 0;
let exitCode: number | undefined;

const exitSoon = (code: number) => setTimeout(() => process.exit(code), FLUSH_MS);

/**
 * Aborts when this process receives SIGINT or SIGTERM; installs the handlers on first use. After
 * the signal the process exits once no operation is pending (see `answering`), or `graceMs` later.
 */
export function hostInterruptSignal(graceMs = INTERRUPT_GRACE_MS): AbortSignal {
  if (!controller) {
    const installed = new AbortController();
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        const code = signal === "SIGINT" ? 130 : 143;
        exitCode = code;
        installed.abort(signal);
        if (pending === 0) exitSoon(code);
        else setTimeout(() => process.exit(code), graceMs);
      });
    }
    controller = installed;
  }
  return controller.signal;
}

/** Runs an operation the engine awaits; a host told to stop exits once the last such one has answered. */
export async function answering<T>(operation: () => Promise<T>): Promise<T> {
  pending++;
  try {
    return await operation();
  } finally {
    pending--;
    if (pending === 0 && exitCode !== undefined) exitSoon(exitCode);
  }
}

/**
 * The provider host being told to stop (Ctrl-C in a terminal, a cancelled CI job). Node would
 * exit at once and the engine would never learn which run was going on; instead, waits and
 * retries end, each pending operation answers with the run it recorded, and the host then exits.
 */

/** How long pending operations get to answer the engine before the host exits. */
export const INTERRUPT_GRACE_MS = 1_500;

let controller: AbortController | undefined;

/** Aborts when this process receives SIGINT or SIGTERM; installs the handlers on first use. */
export function hostInterruptSignal(): AbortSignal {
  if (!controller) {
    const installed = new AbortController();
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        installed.abort(signal);
        setTimeout(() => process.exit(signal === "SIGINT" ? 130 : 143), INTERRUPT_GRACE_MS);
      });
    }
    controller = installed;
  }
  return controller.signal;
}

/** What the exit hooks drive. */
export interface ExitTarget {
  /** True while spans are queued or being sent. */
  pending(): boolean;
  /** Exports what is pending; resolves `true` when all of it was delivered, `false` when it gave up. Never rejects. */
  flushForExit(): Promise<boolean>;
  /**
   * No more I/O: the `exit` event, or a signal about to be raised again. Writes what can be written synchronously,
   * counts the rest as dropped and says so.
   */
  flushSync(): void;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
type ExitSignal = (typeof SIGNALS)[number];

/**
 * Flushes `target` when the process ends:
 * - `beforeExit` (the event loop ran dry: a normal end): flush; when the flush gave up (timeout, endpoint down),
 *   exit with the exit code the process had, since retries of the exporter would otherwise keep it alive.
 * - SIGINT / SIGTERM: flush what had ended when the signal came, then, if no other listener handles the signal,
 *   re-raise it so the process ends exactly as it would have without calltree. A second signal during the flush
 *   re-raises at once. The app may go on working during the flush; the spans it ends meanwhile are counted as
 *   dropped and reported (`flushSync`) right before the signal is raised, since death by a signal runs no `exit`
 *   event. (Flushing until idle instead would keep a busy app working for up to `flushTimeoutMillis` after the
 *   signal that was meant to end it.)
 * - `exit` (e.g. `process.exit()`): only synchronous work is possible: see {@link ExitTarget.flushSync}.
 *
 * Returns the function that removes the hooks.
 */
export function installExitHooks(target: ExitTarget): () => void {
  let flushing = false;
  let signalled = false;

  const onBeforeExit = () => {
    if (flushing || signalled || !target.pending()) return;
    flushing = true;
    void target.flushForExit().then((complete) => {
      flushing = false;
      // What is left (the exporter's retry timers, sockets to a server that never answers) must not hold the
      // process: it was about to end.
      if (!complete) process.exit();
    });
  };

  const handlers = new Map<ExitSignal, () => void>();
  const reraise = (signal: ExitSignal) => {
    uninstall();
    if (process.listenerCount(signal) > 0) return;
    // The process dies inside process.kill(), with no `exit` event: what is still pending is counted now, and no
    // app code runs between the count and the death.
    target.flushSync();
    process.kill(process.pid, signal);
  };
  for (const signal of SIGNALS) {
    const handler = () => {
      if (signalled) {
        reraise(signal);
        return;
      }
      signalled = true;
      void target.flushForExit().then(() => {
        // Another listener owns this signal: it decides whether and how the process ends.
        if (process.listenerCount(signal) > 1) {
          signalled = false;
          return;
        }
        reraise(signal);
      });
    };
    handlers.set(signal, handler);
    // First in line, so the flush starts before another listener can end the process.
    process.prependListener(signal, handler);
  }

  const onExit = () => target.flushSync();

  process.on("beforeExit", onBeforeExit);
  process.on("exit", onExit);

  let installed = true;
  function uninstall(): void {
    if (!installed) return;
    installed = false;
    process.off("beforeExit", onBeforeExit);
    process.off("exit", onExit);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
  return uninstall;
}

/**
 * With `flushOnExit: false`: nothing is flushed, but spans still pending when the process ends are counted and
 * reported (`report`), so none is lost silently: at the `exit` event, and at SIGINT / SIGTERM, which kill the
 * process without one (right before the signal is raised again, as {@link installExitHooks} does). Returns the
 * function that removes the hooks.
 */
export function reportLossAtExit(report: () => void): () => void {
  return installExitHooks({ pending: () => false, flushForExit: () => Promise.resolve(true), flushSync: report });
}

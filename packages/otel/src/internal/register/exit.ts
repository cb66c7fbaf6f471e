// Exit hooks: with `flushOnExit` (the default) a short script loses no span on normal exit or SIGTERM; without it,
// what is lost at exit is still counted and said once.
import type { ResolvedConfig } from "../config.js";
import type { Platform } from "../platform.js";
import { abandonAfter, flushWithin } from "./flush.js";
import type { Pipeline } from "./pipeline.js";

/**
 * Installs the exit hooks for `pipeline`; returns how to remove them (nothing to remove without an exporter, or on a
 * platform without a process exit: Workers and edge runtimes flush per request with `tracing.handler()`).
 */
export function installExit(config: ResolvedConfig, pipeline: Pipeline, platform: Platform): (() => void) | undefined {
  const { processor, consoleExporter, drops, synchronous } = pipeline;
  const hooks = platform.exitHooks;
  if (processor === undefined || hooks === undefined) return undefined;
  if (!config.flushOnExit) {
    return hooks.reportLossAtExit(() => {
      processor.abandon("exit");
      // Traces the console exporter holds were exported to it: they are printed, not lost.
      if (consoleExporter) consoleExporter.printIncomplete();
      drops.report();
    });
  }
  return hooks.install({
    pending: () => !processor.idle(),
    // Reports nothing: an `exit` event (flushSync) or, at a signal, flushSync right before the signal is raised
    // again, follows and says once what was lost, including spans the app ended during this flush.
    flushForExit: async () => {
      const outcome = await flushWithin(pipeline, config.flushTimeoutMillis, true);
      abandonAfter(pipeline, outcome);
      if (consoleExporter) consoleExporter.printIncomplete();
      return outcome.complete;
    },
    flushSync: () => {
      processor.flushAtExit(synchronous);
      if (consoleExporter) consoleExporter.printIncomplete();
      drops.report();
    },
  });
}

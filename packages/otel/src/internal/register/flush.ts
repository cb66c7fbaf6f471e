// Bounded flushes: at exit, at shutdown and on forceFlush(), a flush waits at most a deadline, and (at exit and
// shutdown) no longer than the first refusal of an endpoint that is down.
import type { Pipeline } from "./pipeline.js";

/** How a bounded flush ended. */
export interface FlushOutcome {
  complete: boolean;
  fault?: Error;
}

/**
 * Waits for the processor's flush, at most `timeoutMillis`. With `giveUpOnFault` (at exit and shutdown), an
 * endpoint that refuses connections or rejects requests ends the wait at once: it will not take the spans in the
 * time left, and waiting would only delay the exit. A busy server (429/503) or a slow one gets until the deadline.
 * Resolves with whether everything was delivered and, when it gave up on a fault, that fault.
 */
export async function flushWithin(pipeline: Pipeline, timeoutMillis: number, giveUpOnFault: boolean): Promise<FlushOutcome> {
  const { processor, faults, otlpExporter } = pipeline;
  if (processor === undefined) return { complete: true };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;
  const gaveUp = new Promise<{ complete: false; fault?: Error }>((resolve) => {
    timer = setTimeout(() => resolve({ complete: false }), timeoutMillis);
    if (giveUpOnFault && faults) {
      unsubscribe = faults.onFault((key, text) => {
        if (key.startsWith("net:") || /^http:4\d\d$/.test(key) && key !== "http:429") resolve({ complete: false, fault: new Error(text) });
      });
      // Exports waiting to retry try again now, so an endpoint that is still down says so at once rather than
      // after a back-off of up to several seconds.
      otlpExporter?.retryNow();
    }
  });
  const outcome = await Promise.race([processor.forceFlush().then(() => ({ complete: true })), gaveUp]);
  clearTimeout(timer);
  unsubscribe?.();
  return outcome;
}

/** Counts what a flush that gave up leaves unsent: as failed exports when the endpoint is at fault. */
export function abandonAfter(pipeline: Pipeline, outcome: FlushOutcome): void {
  const processor = pipeline.processor;
  if (outcome.complete || processor === undefined) return;
  if (outcome.fault !== undefined) processor.abandon("export-failed", outcome.fault);
  else processor.abandon("exit");
}

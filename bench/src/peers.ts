type WithTask = typeof import("@traceloop/node-server-sdk")["withTask"];

let traceloopReady: Promise<WithTask> | undefined;

/**
 * Loads Traceloop and makes it usable offline and through the bench's provider: `initialize()` with tracing left to the app
 * (`tracingEnabled: false`, so it starts no NodeSDK, exporter or instrumentations of its own) and no prompt
 * sync (no network). `withTask()` then takes its tracer from the OpenTelemetry global provider, which is the
 * bench's, and records input and output as it does by default (it records nothing before `initialize()`).
 */
export function setUpTraceloop(): Promise<WithTask> {
  // Loaded only by the groups that measure it: the SDK takes ~3 s (wall, at load) to load, in each group's process.
  return (traceloopReady ??= import("@traceloop/node-server-sdk").then((sdk) => {
    sdk.initialize({ tracingEnabled: false, traceloopSyncEnabled: false, silenceInitializationMessage: true });
    return sdk.withTask;
  }));
}

/** How each peer finds its tracer, for the report. */
export const PEER_NOTES: readonly string[] = [
  "Every row exports through the same provider and span processor. calltree gets it from useTracerProvider() " +
    "(as register() does); openinference-core (traceChain, @observe), Langfuse (observe) and Traceloop (withTask) " +
    "take the OpenTelemetry global provider, which the bench sets to the same provider.",
  "openinference-core's traceChain/@observe: default options (JSON or text input/output, kind CHAIN); @observe " +
    "builds a new traced wrapper on every call. Langfuse observe: asType \"chain\", default input/output capture. " +
    "Traceloop withTask: initialize({ tracingEnabled: false }) so it starts no SDK of its own; its span callback " +
    "is async, so it returns a Promise even for a sync function.",
];

import type { Tracer, TracerProvider } from "@opentelemetry/api";
import { shared, VERSION } from "./internal/global.js";
import { globalTracerDelegate, isNoopTracerProvider } from "./probe.js";

/**
 * Instrumentation scope name of calltree's spans. It starts with `openinference.` because the spans are
 * OpenInference spans, and because Langfuse's default span filter keeps scopes with that prefix.
 */
export const TRACER_NAME = "openinference.calltree";

/** Version reported in the instrumentation scope (kept equal to the package version by a test). */
export const TRACER_VERSION = VERSION;

/**
 * Makes decorated calls use `provider`, whatever the OpenTelemetry global provider is; `undefined` goes back
 * to the global provider. `register()` and the testing kit call this; call it yourself only when you build your
 * own `TracerProvider` and do not want to make it global.
 *
 * The provider is looked up on every call, so decorators applied before this call use it too.
 */
export function useTracerProvider(provider: TracerProvider | undefined): void {
  shared.provider = provider;
  shared.tracer = provider?.getTracer(TRACER_NAME, TRACER_VERSION);
}

/** The provider set with {@link useTracerProvider}, if any. */
export function currentTracerProvider(): TracerProvider | undefined {
  return shared.provider;
}

/**
 * The tracer a decorated call uses right now, or `undefined` when nothing would record (no provider set and
 * no global SDK registered): then the decorated function is called directly and nothing is captured.
 * @internal
 */
export function activeTracer(): Tracer | undefined {
  const own = shared.tracer;
  if (own !== undefined) return own;
  const delegate = globalTracerDelegate();
  if (isNoopTracerProvider(delegate)) return undefined;
  if (delegate !== shared.globalDelegate) {
    shared.globalDelegate = delegate;
    shared.globalTracer = delegate.getTracer(TRACER_NAME, TRACER_VERSION);
  }
  return shared.globalTracer;
}

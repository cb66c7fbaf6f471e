import { context, createContextKey, ProxyTracerProvider, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { TracerProvider } from "@opentelemetry/api";

const PROBE = createContextKey("calltree context-manager probe");

/**
 * True when a real OpenTelemetry context manager is installed: a value set in a context is still there inside
 * `context.with()`. The API's no-op manager fails this, and then nested calls cannot find their parent span.
 */
export function hasContextManager(): boolean {
  return context.with(ROOT_CONTEXT.setValue(PROBE, true), () => context.active().getValue(PROBE) === true);
}

// A fresh proxy with no delegate hands out the API's no-op provider singleton: comparing against it tells
// "nothing is registered" without depending on non-exported classes.
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** True when `provider` is the API's no-op tracer provider (what the global proxy delegates to before any SDK). */
export function isNoopTracerProvider(provider: TracerProvider): boolean {
  return provider === NOOP_PROVIDER;
}

/**
 * The provider the OpenTelemetry global proxy delegates to (the global provider itself when it is no proxy).
 * It is the no-op provider ({@link isNoopTracerProvider}) while no SDK is registered.
 */
export function globalTracerDelegate(): TracerProvider {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  return typeof global.getDelegate === "function" ? global.getDelegate() : global;
}

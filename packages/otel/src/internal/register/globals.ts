// The OpenTelemetry globals register() installs (context manager, tracer provider, propagator) only where none is,
// and removes on shutdown only what it installed.
import { context, diag, propagation, trace } from "@opentelemetry/api";
import type { TracerProvider } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { globalTracerDelegate, hasContextManager, isNoopTracerProvider } from "../core.js";

/** Which globals this registration installed. */
export interface OwnedGlobals {
  context: boolean;
  trace: boolean;
  propagation: boolean;
}

/**
 * A context manager is needed for nesting in both modes; it is installed only where none is. With `global`, the
 * provider becomes the global one (unless the app has its own, which is kept with a warning) and W3C trace context
 * and baggage propagation are installed where no propagator is.
 */
export function installGlobals(provider: TracerProvider, global: boolean): OwnedGlobals {
  const owned: OwnedGlobals = { context: false, trace: false, propagation: false };
  if (!hasContextManager()) {
    owned.context = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  }
  if (global) {
    if (!isNoopTracerProvider(globalTracerDelegate())) {
      diag.warn(
        "calltree: another OpenTelemetry tracer provider is already global; calltree's decorators and the " +
          "instrumentations given to register() use calltree's provider, other instrumentation keeps using the other one.",
      );
    } else {
      owned.trace = trace.setGlobalTracerProvider(provider);
    }
    if (propagation.fields().length === 0) {
      owned.propagation = propagation.setGlobalPropagator(
        new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
      );
    }
  }
  return owned;
}

/** Removes the globals this registration installed. */
export function uninstallGlobals(owned: OwnedGlobals): void {
  if (owned.trace) trace.disable();
  if (owned.propagation) propagation.disable();
  if (owned.context) context.disable();
}

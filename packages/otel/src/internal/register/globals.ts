// The OpenTelemetry globals register() installs (context manager, tracer provider, propagator) only where none is,
// and removes on shutdown only what it installed.
import { context, diag, propagation, trace } from "@opentelemetry/api";
import type { ContextManager, TracerProvider } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import type { ResolvedConfig } from "../config.js";
import { globalTracerDelegate, hasContextManager, isNoopTracerProvider } from "../core.js";
import type { Platform } from "../platform.js";

/** Which globals this registration installed. */
export interface OwnedGlobals {
  context: boolean;
  trace: boolean;
  propagation: boolean;
}

/**
 * A context manager is needed for nesting in both modes: `contextManager` ({@link platformContextManager}) is
 * installed, unless undefined because one is already. With `global`, the
 * provider becomes the global one (unless the app has its own, which is kept with a warning) and W3C trace context
 * and baggage propagation are installed where no propagator is.
 */
export function installGlobals(provider: TracerProvider, global: boolean, contextManager: ContextManager | undefined): OwnedGlobals {
  const owned: OwnedGlobals = { context: false, trace: false, propagation: false };
  if (contextManager !== undefined) {
    owned.context = context.setGlobalContextManager(contextManager.enable());
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

/**
 * The context manager to install, made before anything is installed (where the runtime has no AsyncLocalStorage,
 * this throws `NO_ASYNC_CONTEXT`); undefined when one is installed already.
 */
export function platformContextManager(config: ResolvedConfig, platform: Platform): ContextManager | undefined {
  return hasContextManager() ? undefined : platform.contextManager(config);
}

/** Removes the globals this registration installed. */
export function uninstallGlobals(owned: OwnedGlobals): void {
  if (owned.trace) trace.disable();
  if (owned.propagation) propagation.disable();
  if (owned.context) context.disable();
}

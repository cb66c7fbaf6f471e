import type { Tracer, TracerProvider } from "@opentelemetry/api";

/**
 * State shared by every copy of calltree in the process (ESM and CJS builds, duplicated installs): they find it
 * under the same versioned `Symbol.for` key, so a provider set through one copy is used by decorators from another.
 * Bump the version when the shape changes incompatibly.
 */
export interface SharedState {
  /** Provider set by `register()` or the testing kit; wins over the OTel global provider. */
  provider: TracerProvider | undefined;
  tracer: Tracer | undefined;
  /** Last seen delegate of the global provider, and the tracer obtained from it. */
  globalDelegate: unknown;
  globalTracer: Tracer | undefined;
  /** Diagnostic codes already reported. */
  reported: Set<string>;
  /** Capture configuration (see capture/config.ts); typed there. */
  capture: unknown;
  /** Registered copies, to say when two copies meet. */
  copies: Set<string>;
}

const KEY = Symbol.for("calltree.shared-state.v1");

type Holder = { [KEY]?: SharedState };

function create(): SharedState {
  return {
    provider: undefined,
    tracer: undefined,
    globalDelegate: undefined,
    globalTracer: undefined,
    reported: new Set(),
    capture: undefined,
    copies: new Set(),
  };
}

export const shared: SharedState = ((globalThis as Holder)[KEY] ??= create());

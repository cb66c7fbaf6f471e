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
  /** Diagnostic codes already reported to the logger `reportedTo`. */
  reported: Set<string>;
  reportedTo: unknown;
  /** Capture configuration (see capture/config.ts); typed there. */
  capture: unknown;
  /** The files of the copies of @calltree/core loaded in this process, to say when two copies meet. */
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
    reportedTo: undefined,
    capture: undefined,
    copies: new Set(),
  };
}

export const shared: SharedState = ((globalThis as Holder)[KEY] ??= create());

// This copy's own file, from a structured stack trace: unlike the text of `error.stack`, call sites are not
// source-mapped, so the ESM and CommonJS builds (one source) still give two different files.
function ownFile(): string {
  const E = Error as unknown as { prepareStackTrace?: unknown };
  const previous = E.prepareStackTrace;
  try {
    E.prepareStackTrace = (_e: unknown, sites: Array<{ getFileName(): string | null }>) => sites;
    const sites = (new Error() as unknown as { stack: Array<{ getFileName(): string | null }> | string }).stack;
    if (Array.isArray(sites)) return sites[0]?.getFileName() ?? "unknown";
    return "unknown";
  } catch {
    return "unknown";
  } finally {
    E.prepareStackTrace = previous;
  }
}

/** The file of this copy of @calltree/core. */
export const THIS_COPY = ownFile();
shared.copies ??= new Set();
shared.copies.add(THIS_COPY);

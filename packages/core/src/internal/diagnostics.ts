import { diag } from "@opentelemetry/api";
import { shared } from "./global.js";

const OTEL_GLOBAL = Symbol.for("opentelemetry.js.api.1");

/**
 * Reports an internal failure once per `key` through OpenTelemetry's `diag` (warn level), never throwing.
 * Call-time failures (a throwing mapper, an unreadable value, a missing span) end up here, so the app's call
 * goes on unchanged. The key usually names the fault and the decorated method, so each place reports once.
 */
export function reportOnce(key: string, message: string, error?: unknown): void {
  try {
    // "Once" is per installed diagnostic logger: a message given while no logger was set reached nobody, so it is
    // given again to the first logger that is set (OpenTelemetry keeps the logger in its versioned global).
    const sink = (globalThis as Record<symbol, { diag?: unknown } | undefined>)[OTEL_GLOBAL]?.diag;
    if (sink === undefined) return;
    if (shared.reportedTo !== sink) {
      shared.reportedTo = sink;
      shared.reported.clear();
    }
    if (shared.reported.has(key)) return;
    shared.reported.add(key);
    const detail = error === undefined ? "" : `: ${describeError(error)}`;
    diag.warn(`calltree: ${message}${detail}`);
  } catch {
    // The diagnostic sink is the last line of defence; a throwing logger must not reach the app.
  }
}

function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
  } catch {
    return "(unprintable error)";
  }
}

/**
 * Says once, through {@link reportOnce}, that no OpenTelemetry context manager is registered: without one the
 * active span is not carried into the calls a decorated method makes, so each decorated call starts its own trace
 * (and `withSession` and the other context helpers have no effect). Set-ups that register a bare provider
 * (`trace.setGlobalTracerProvider(new BasicTracerProvider())`) fall into this silently otherwise. Costs two property
 * reads per call; calltree installs no context manager of its own here, since that would change the app's globals.
 */
export function checkContextManager(): void {
  try {
    const api = (globalThis as Record<symbol, { context?: unknown } | undefined>)[OTEL_GLOBAL];
    if (api?.context !== undefined) return;
    reportOnce(
      "no-context-manager",
      "no OpenTelemetry context manager is registered, so each decorated call starts its own trace: nested calls " +
        "cannot find their parent. Call register() from @calltree/otel, or register a context manager yourself: " +
        "context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()) from " +
        "@opentelemetry/context-async-hooks, or NodeTracerProvider's provider.register() (see docs/troubleshooting.md)",
    );
  } catch {
    // A diagnostic must never reach the app's call.
  }
}

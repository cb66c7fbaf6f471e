import { diag } from "@opentelemetry/api";
import { shared } from "./global.js";

/**
 * Reports an internal failure once per `key` through OpenTelemetry's `diag` (warn level), never throwing.
 * Call-time failures (a throwing mapper, an unreadable value, a missing span) end up here, so the app's call
 * goes on unchanged. The key usually names the fault and the decorated method, so each place reports once.
 */
export function reportOnce(key: string, message: string, error?: unknown): void {
  try {
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

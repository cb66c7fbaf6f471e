import { SpanStatusCode } from "@opentelemetry/api";
import type { Span } from "@opentelemetry/api";
import { safeJson, truncateText } from "../../capture/serialize.js";
import { reportOnce } from "../diagnostics.js";
import type { MethodRecord } from "./types.js";

/** Runs a kind hook or user mapper; a throw becomes one diagnostic and `undefined`. */
export function guard<T>(call: { readonly rec: MethodRecord }, what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    hookThrew(call, what, e);
    return undefined;
  }
}

// The hooks and mappers of every call, as `guard` without a function made per call to close over the arguments
// (each called with exactly the arguments it always had).

/** `guard(call, what, () => fn(a))`. */
export function guard1<T, A>(call: { readonly rec: MethodRecord }, what: string, fn: (a: A) => T, a: A): T | undefined {
  try {
    return fn(a);
  } catch (e) {
    hookThrew(call, what, e);
    return undefined;
  }
}

/** `guard(call, what, () => fn(a, b))`. */
export function guard2<T, A, B>(call: { readonly rec: MethodRecord }, what: string, fn: (a: A, b: B) => T, a: A, b: B): T | undefined {
  try {
    return fn(a, b);
  } catch (e) {
    hookThrew(call, what, e);
    return undefined;
  }
}

function hookThrew(call: { readonly rec: MethodRecord }, what: string, e: unknown): void {
  reportOnce(`${what}:${call.rec.kind.name}:${call.rec.methodName}`, `${what} of ${call.rec.spanName ?? call.rec.methodName} threw; the call goes on without it`, e);
}

const MAX_ERROR_TEXT = 8_192;

function readString(read: () => unknown): string | undefined {
  try {
    const v = read();
    return typeof v === "string" ? truncateText(v, MAX_ERROR_TEXT) : undefined;
  } catch {
    return undefined;
  }
}

// Records a thrown value without ever throwing itself: an Error whose `message` getter throws, a revoked Proxy or
// a 50 MB message still give an `exception` event and status ERROR, with text cut to a bounded size.
export function recordError(span: Span, error: unknown): void {
  let name: string;
  let message: string;
  let stack: string | undefined;
  let code: string | number | undefined;
  let isError: boolean;
  try {
    isError = error instanceof Error;
  } catch {
    isError = false;
  }
  if (isError) {
    const e = error as Error;
    name = readString(() => e.name) ?? "Error";
    // SDK error classes often leave `name` at "Error" (openai's InternalServerError, RateLimitError...): the class
    // name says what went wrong, as Python's type(e).__name__ does in Phoenix.
    if (name === "Error") name = readString(() => (e.constructor as { name?: unknown } | undefined)?.name) || name;
    message = readString(() => e.message) ?? "[unreadable message]";
    stack = readString(() => e.stack);
    try {
      const c = (e as { code?: unknown }).code;
      if (typeof c === "string" || typeof c === "number") code = c;
    } catch {
      code = undefined;
    }
  } else {
    // Non-Error throwables (strings, objects, undefined) are recorded too, with a readable message.
    name = error === null ? "null" : typeof error === "object" ? "Object" : typeof error;
    message = typeof error === "string" ? truncateText(error, MAX_ERROR_TEXT) : safeJson(error, 1024);
  }
  try {
    const exception: { name: string; message: string; stack?: string; code?: string | number } = { name, message };
    if (stack !== undefined) exception.stack = stack;
    if (code !== undefined) exception.code = code;
    span.recordException(exception);
  } catch (e) {
    reportOnce("record-exception", "could not record an exception event", e);
  }
  try {
    span.setStatus({ code: SpanStatusCode.ERROR, message: isError ? `${name}: ${message}` : message });
  } catch (e) {
    reportOnce("set-status", "could not set an error status", e);
  }
}

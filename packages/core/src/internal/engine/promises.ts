// A call's result: a plain value ends the span at once; a Promise when it settles (its value coming back through
// settle()); a stream when it is consumed (streams.ts). The caller always gets the same object back, or, where the
// object cannot be observed in place (a web ReadableStream, an async function's Promise), one that behaves the same.
import { reportOnce } from "../diagnostics.js";
import { EMPTY } from "./attributes.js";
import type { Call } from "./call.js";
import { observeStream, streamShape } from "./streams.js";
import { watch } from "./watchdog.js";

/**
 * Where a value to settle comes from: `returned` by the function; `resolved`, the value of a Promise whose
 * reactions calltree owns (the caller gets what settle() returns); `shared`, the value of a Promise the caller reads
 * itself (nothing can be put in the value's place).
 */
type From = "returned" | "resolved" | "shared";

/**
 * Ends the call with `value`, or observes it further: a Promise returned by the function until it settles, a
 * stream until it is consumed. Returns what the caller gets. Never throws: a failure to observe ends the span.
 */
export function settle(call: Call, value: unknown, from: From = "returned"): unknown {
  try {
    // A Promise's value is never a Promise (`then` unwraps it), and only an object is a stream there.
    if (value !== null && (typeof value === "object" || (from === "returned" && typeof value === "function"))) {
      if (from === "returned" && value instanceof Promise) return observePromise(call, value);
      const shape = streamShape(value);
      // The caller of a shared Promise reads the value itself: a web ReadableStream cannot be swapped for an
      // observed copy there, so its span ends now.
      if (shape !== undefined && (from !== "shared" || shape !== "readable-stream")) return observeStream(call, value, shape);
    }
    call.succeed(value);
  } catch (e) {
    reportOnce(`settle:${call.rec.kind.name}`, "could not observe a result; its span ended early", e);
    if (!call.ended) call.end(EMPTY);
  }
  return value;
}

function observePromise(call: Call, promise: Promise<unknown>): unknown {
  if (promise.constructor === Promise) {
    if (call.rec.plan?.isAsync !== true) return observeSharedPromise(call, promise);
    // The Promise of an async function is known to nobody but the caller, so it is returned as a Promise that
    // settles the same way: the caller handling it (or not) is what Node sees, so an unhandled rejection stays
    // unhandled and a handled one is never reported twice.
    return promise.then(
      (value) => settle(call, value, "resolved"),
      (error) => {
        call.fail(error);
        throw error;
      },
    );
  }
  return observePromiseSubclass(call, promise);
}

const promiseThen = Promise.prototype.then;

// A Promise returned by any other function may be held elsewhere too (a cache, a job with its own `.catch`), so
// the caller gets that very Promise: a derived one in its place would be a second Promise that nobody handles,
// a spurious `unhandledRejection`. It is observed through a reaction that never rejects. The span ends when it
// settles; a stream it resolves to is observed in place where that is possible (iterators, async iterables).
function observeSharedPromise(call: Call, promise: Promise<unknown>): unknown {
  promiseThen.call(
    promise,
    (value) => void settle(call, value, "shared"),
    (error) => {
      try {
        call.fail(error);
      } catch (e) {
        reportOnce(`settle:${call.rec.kind.name}`, "could not record a rejection", e);
      }
    },
  );
  return promise;
}

// A Promise subclass (e.g. the openai SDK's APIPromise) is returned as the same object, with its class and
// methods. Calling its `then` early could change what it does (APIPromise parses the body on `then`, and
// `asResponse()` needs it unread), so the span ends when the caller first consumes it: through `then` (also
// `await`, `catch`, `finally`) or any promise-returning method of the subclass (`withResponse()`).
function observePromiseSubclass(call: Call, promise: Promise<unknown>): unknown {
  let seen = false;
  const target = promise as unknown as Record<PropertyKey, unknown>;
  const originalThen = target.then as Promise<unknown>["then"];
  const patched: Record<PropertyKey, unknown> = {
    then(this: Promise<unknown>, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      if (seen) return originalThen.call(this, onFulfilled, onRejected);
      seen = true;
      return originalThen.call(
        this,
        (value) => {
          const v = settle(call, value, "resolved");
          return typeof onFulfilled === "function" ? onFulfilled(v) : v;
        },
        (error) => {
          call.fail(error);
          if (typeof onRejected === "function") return onRejected(error);
          throw error;
        },
      );
    },
  };
  for (let p = Object.getPrototypeOf(promise); p !== null && p !== Promise.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Reflect.ownKeys(p)) {
      if (key === "constructor" || key === "then" || key in patched) continue;
      const desc = Object.getOwnPropertyDescriptor(p, key);
      if (desc === undefined || typeof desc.value !== "function") continue;
      const method = desc.value as (...a: unknown[]) => unknown;
      patched[key] = function (this: unknown, ...a: unknown[]) {
        const r = method.apply(this, a);
        if (seen || !(r instanceof Promise)) return r;
        seen = true;
        return r.then(
          (value) => {
            call.succeed(value);
            return value;
          },
          (error) => {
            call.fail(error);
            throw error;
          },
        );
      };
    }
  }
  for (const key of Reflect.ownKeys(patched)) {
    Object.defineProperty(promise, key, { value: patched[key], configurable: true, writable: true, enumerable: false });
  }
  watch(call, promise);
  return promise;
}

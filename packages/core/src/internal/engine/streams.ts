// A returned stream: the span ends when the app has read it to the end, stopped reading, or let it go.
import { context, createContextKey } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import { reportOnce } from "../diagnostics.js";
import type { Call } from "./call.js";
import { applyWith } from "./context.js";
import { watch, watchAlso } from "./watchdog.js";

/** The kinds of stream a result can be. */
export type StreamShape = "iterator" | "async-iterator" | "async-iterable" | "readable-stream";

/** The kind of stream `value` is, if any. */
export function streamShape(value: object): StreamShape | undefined {
  const v = value as Record<PropertyKey, unknown>;
  if (typeof v.next === "function") {
    const tag = v[Symbol.toStringTag];
    if (tag === "Generator") return "iterator";
    if (tag === "AsyncGenerator") return "async-iterator";
  }
  if (typeof ReadableStream === "function" && value instanceof ReadableStream) return "readable-stream";
  if (typeof v[Symbol.asyncIterator] === "function") return "async-iterable";
  return undefined;
}

/** Observes a returned stream; returns what the caller gets (the same object, or a web stream reading it). */
export function observeStream(call: Call, stream: object, shape: StreamShape): unknown {
  call.liveState().lastActivity = Date.now();
  switch (shape) {
    case "iterator":
      instrumentIterator(call, stream as Iterator<unknown>, false);
      break;
    case "async-iterator":
      instrumentIterator(call, stream as AsyncIterator<unknown>, true);
      break;
    case "async-iterable":
      instrumentIterable(call, stream);
      break;
    case "readable-stream":
      return wrapReadableStream(call, stream as ReadableStream<unknown>);
  }
  watch(call, stream);
  return stream;
}

// The calls observing each iterator. One call instruments an iterator once (an iterable's factories may hand out the
// same iterator twice); another call returning the very same iterator (an `@agent` returning its `@llm`'s generator)
// wraps it again, so each call's span ends when the app has read the stream.
const instrumented = new WeakMap<object, WeakSet<Call>>();

function define(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });
}

// Iterators are instrumented in place (own `next`/`return`/`throw` shadowing the prototype's): the caller keeps
// the very object the function returned, and each step runs in the call's context, so spans started while
// producing a chunk are children of the generator's span.
function instrumentIterator(call: Call, it: Iterator<unknown> | AsyncIterator<unknown>, isAsync: boolean): void {
  let calls = instrumented.get(it);
  if (calls === undefined) instrumented.set(it, (calls = new WeakSet()));
  else if (calls.has(call)) return;
  calls.add(call);
  const target = it as unknown as Record<string, (...a: unknown[]) => unknown>;
  const next = target.next!;
  const ret = target.return;
  const thr = target.throw;
  const step = (method: (...a: unknown[]) => unknown, self: unknown, a: unknown[], closing: boolean): unknown => {
    // An inner layer of the same stream (an SDK's iterator reading its own instrumented `iterator()`, a telemetry
    // wrapper around it): the outermost layer, the one the app reads, counts each chunk and the end once.
    if (call.ended || context.active().getValue(STREAM_LAYER_KEY) === call) return method.apply(self, a);
    let r: unknown;
    try {
      r = context.with(streamContext(call), applyWith, undefined, method, self, a);
    } catch (error) {
      call.finishStream("errored", error);
      throw error;
    }
    if (isAsync && r instanceof Promise) {
      return r.then(
        (res) => {
          afterStep(call, res, closing);
          return res;
        },
        (error) => {
          call.finishStream("errored", error);
          throw error;
        },
      );
    }
    afterStep(call, r, closing);
    return r;
  };
  define(it, "next", function (this: unknown, ...a: unknown[]) {
    return step(next, this, a, false);
  });
  if (typeof ret === "function") {
    define(it, "return", function (this: unknown, ...a: unknown[]) {
      return step(ret, this, a, true);
    });
  }
  if (typeof thr === "function") {
    define(it, "throw", function (this: unknown, ...a: unknown[]) {
      return step(thr, this, a, false);
    });
  }
}

// Marks a context as inside a step of this call's returned stream (the value is the call).
const STREAM_LAYER_KEY = createContextKey("calltree stream layer v1");

function streamContext(call: Call): Context {
  const live = call.liveState();
  return (live.streamCtx ??= call.ctx.setValue(STREAM_LAYER_KEY, call));
}

function afterStep(call: Call, res: unknown, closing: boolean): void {
  if (call.ended) return;
  try {
    const r = res as IteratorResult<unknown> | undefined;
    if (r !== null && typeof r === "object" && r.done === true) call.finishStream(closing ? "cancelled" : "completed");
    else if (r !== null && typeof r === "object") {
      call.chunk(r.value);
      if (closing) call.finishStream("cancelled");
    }
  } catch (e) {
    reportOnce(`chunk:${call.rec.kind.name}`, "could not record a stream chunk", e);
  }
}

// An async iterable that is not itself an iterator (the openai SDK's Stream, a ReadableStream-like object):
// its iterator factories are wrapped in place, so `for await`, and SDK helpers that call the instance's own
// `iterator()` (Stainless SDKs' `tee()` and `toReadableStream()`), all run through the instrumented iterator.
function instrumentIterable(call: Call, iterable: object): void {
  const target = iterable as Record<PropertyKey, unknown>;
  const wrapFactory = (key: PropertyKey) => {
    const factory = target[key];
    if (typeof factory !== "function") return;
    define(iterable, key, function (this: unknown, ...a: unknown[]) {
      const it = (factory as (...a: unknown[]) => unknown).apply(this, a);
      if (it !== null && typeof it === "object" && typeof (it as { next?: unknown }).next === "function") {
        instrumentIterator(call, it as AsyncIterator<unknown>, true);
        watchAlso(call, it);
      }
      return it;
    });
  };
  wrapFactory(Symbol.asyncIterator);
  if (Object.prototype.hasOwnProperty.call(iterable, "iterator")) wrapFactory("iterator");
}

// A web ReadableStream cannot be observed in place (piping uses internal readers), so the caller gets a
// ReadableStream of the same chunks that reads the original only when it is read itself (highWaterMark 0). A
// byte stream (fetch's `Response.body`) gives a byte stream, so `getReader({ mode: "byob" })` still works.
// Cancelling it cancels the original with the same reason. A stream already locked is returned as it is.
function wrapReadableStream(call: Call, source: ReadableStream<unknown>): ReadableStream<unknown> {
  if (source.locked) {
    call.succeed(source);
    return source;
  }
  const bytes = isByteStream(source);
  const reader = source.getReader();
  const pull = (controller: ReadableStreamDefaultController<unknown> | ReadableByteStreamController): Promise<void> =>
    context.with(streamContext(call), () => reader.read()).then(
      (r): Promise<void> | undefined => {
        if (r.done) {
          call.finishStream("completed");
          controller.close();
          // A pending BYOB read is answered with an empty view once the stream is closed.
          if (bytes) (controller as ReadableByteStreamController).byobRequest?.respond(0);
          return;
        }
        call.chunk(r.value);
        if (!bytes) {
          (controller as ReadableStreamDefaultController<unknown>).enqueue(r.value);
          return;
        }
        const view = r.value as ArrayBufferView;
        if (!ArrayBuffer.isView(r.value)) throw new TypeError("a byte stream produced a chunk that is not an ArrayBufferView");
        if (view.byteLength === 0) return pull(controller);
        try {
          (controller as ReadableByteStreamController).enqueue(view);
        } catch {
          // A buffer that cannot be transferred (shared, or a view of a larger pool): enqueue a copy.
          const copy = new Uint8Array(view.byteLength);
          copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
          (controller as ReadableByteStreamController).enqueue(copy);
        }
      },
      (error) => {
        call.finishStream("errored", error);
        controller.error(error);
      },
    );
  const cancel = (reason: unknown) => {
    call.finishStream("cancelled");
    return reader.cancel(reason);
  };
  const out = bytes
    ? new ReadableStream({ type: "bytes", pull, cancel }, { highWaterMark: 0 })
    : new ReadableStream<unknown>({ pull, cancel }, { highWaterMark: 0 });
  watch(call, out);
  return out as ReadableStream<unknown>;
}

function isByteStream(stream: ReadableStream<unknown>): boolean {
  try {
    // Only a byte stream hands out a BYOB reader; releasing it at once leaves the stream as it was.
    (stream as ReadableStream<Uint8Array>).getReader({ mode: "byob" }).releaseLock();
    return true;
  } catch {
    return false;
  }
}

import type { Context } from "@opentelemetry/api";
import { CALL_KEY } from "./call.js";
import type { Call } from "./call.js";
import { guard2 } from "./errors.js";
import type { ChildSpan } from "./types.js";

/**
 * A span processor (it implements OpenTelemetry's `SpanProcessor` interface structurally) that tells calltree
 * calls about spans that ran inside them, e.g. the LLM span an OpenInference auto-instrumentation makes for an SDK
 * call inside an `@llm` method: the kind's `onChildSpan` hook sees the child when it ends, with all its attributes.
 * `register()` and the testing kit install it; add it to your own provider if you build one. It never throws and
 * does no work for spans outside calltree calls whose kind has no such hook.
 */
export function createCalltreeSpanProcessor(): {
  onStart(span: ChildSpan, parentContext: Context): void;
  onEnd(span: ChildSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
} {
  const parents = new WeakMap<object, Call>();
  return {
    onStart(span, parentContext) {
      const call = parentContext?.getValue(CALL_KEY) as Call | undefined;
      if (call === undefined || call.closed || call.rec.kind.onChildSpan === undefined) return;
      parents.set(span, call);
    },
    onEnd(span) {
      const call = parents.get(span);
      if (call === undefined) return;
      parents.delete(span);
      const hook = call.rec.kind.onChildSpan;
      // Until the call's own span closes (a stream's span may wait for pending work after the call ended), a
      // child is still the call's to account for.
      if (hook !== undefined && !call.closed) guard2(call, "onChildSpan", hook, span, call);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

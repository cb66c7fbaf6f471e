// The public face of the engine's span processor (the engine itself lives in internal/engine.ts).
import type { Context } from "@opentelemetry/api";
import { createCalltreeSpanProcessor as create } from "./internal/engine.js";
import type { ChildSpan } from "./internal/engine.js";

export type { ChildSpan };

/** The span processor {@link createCalltreeSpanProcessor} makes: OpenTelemetry's `SpanProcessor`, structurally. */
export interface CalltreeSpanProcessor {
  onStart(span: ChildSpan, parentContext: Context): void;
  onEnd(span: ChildSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * A span processor (it implements OpenTelemetry's `SpanProcessor` interface structurally) that tells calltree
 * calls about spans that ran inside them, e.g. the LLM span an OpenInference auto-instrumentation makes for an SDK
 * call inside an `@llm` method: the kind's `onChildSpan` hook sees the child when it ends, with all its attributes.
 * `register()` and the testing kit install it; add it to your own provider if you build one. It never throws and
 * does no work for spans outside calltree calls whose kind has no such hook.
 */
export function createCalltreeSpanProcessor(): CalltreeSpanProcessor {
  return create();
}

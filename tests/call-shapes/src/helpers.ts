import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

export const tick = () => new Promise<void>((r) => setTimeout(r, 1));

export function traceIds(spans: readonly ReadableSpan[]): Set<string> {
  return new Set(spans.map((s) => s.spanContext().traceId));
}

export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

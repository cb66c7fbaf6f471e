import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

export const tick = () => new Promise<void>((r) => setTimeout(r, 1));

export function traceIds(spans: readonly ReadableSpan[]): Set<string> {
  return new Set(spans.map((s) => s.spanContext().traceId));
}

export function kindOf(span: ReadableSpan): unknown {
  return span.attributes[SC.OPENINFERENCE_SPAN_KIND];
}

export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

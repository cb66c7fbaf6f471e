import type { RenderSpan } from "./model.js";
import { RENDERED_EVENT, RENDERED_KEYS } from "./internal/attributes.js";

/**
 * A copy of `span` with only what {@link renderTrace} and {@link traceTotals} read: ids, name, times,
 * status, the kind/model/token/cost attributes and the message of `exception` events. Resource,
 * scope and every other attribute are dropped. For holding many spans until their trace is complete
 * (a large file, a long-running receiver) without holding their inputs and outputs.
 */
export function slimSpan(span: RenderSpan): RenderSpan {
  const attributes: Record<string, unknown> = {};
  for (const key of RENDERED_KEYS) {
    if (key in span.attributes) attributes[key] = span.attributes[key];
  }
  const events: RenderSpan["events"] = [];
  if (span.status.code === 2) {
    for (const event of span.events) {
      if (event.name !== RENDERED_EVENT.name) continue;
      const kept: Record<string, unknown> = {};
      for (const key of RENDERED_EVENT.keys) {
        if (key in event.attributes) kept[key] = event.attributes[key];
      }
      events.push({ name: event.name, timeUnixNano: event.timeUnixNano, attributes: kept });
    }
  }
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId !== undefined ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    attributes,
    status: span.status,
    events,
  };
}

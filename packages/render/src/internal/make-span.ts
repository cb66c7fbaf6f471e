import type { RenderSpan } from "../model.js";

/** The parts of a span before normalization; `undefined` and empty strings mean "absent". */
export interface SpanParts {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, unknown>;
  statusCode: 0 | 1 | 2;
  statusMessage: string | undefined;
  events: RenderSpan["events"];
  resource: Record<string, unknown> | undefined;
  scopeName: string | undefined;
  scopeVersion: string | undefined;
}

/**
 * Builds a {@link RenderSpan} with the same keys in the same order whatever the source, leaving absent
 * values out: both normalizers go through here so their results compare equal.
 */
export function makeSpan(p: SpanParts): RenderSpan {
  // An all-zero parent id is how some senders spell "no parent".
  const parent = p.parentSpanId && !/^0+$/.test(p.parentSpanId) ? p.parentSpanId.toLowerCase() : undefined;
  let scope: RenderSpan["scope"];
  if (p.scopeName !== undefined) {
    scope = p.scopeVersion ? { name: p.scopeName, version: p.scopeVersion } : { name: p.scopeName };
  }
  return {
    traceId: p.traceId.toLowerCase(),
    spanId: p.spanId.toLowerCase(),
    ...(parent ? { parentSpanId: parent } : {}),
    name: p.name,
    startTimeUnixNano: p.startTimeUnixNano,
    endTimeUnixNano: p.endTimeUnixNano,
    attributes: p.attributes,
    status: p.statusMessage ? { code: p.statusCode, message: p.statusMessage } : { code: p.statusCode },
    events: p.events,
    ...(p.resource ? { resource: p.resource } : {}),
    ...(scope ? { scope } : {}),
  };
}

/** Clamps an OTLP status code (number or enum name) to 0 | 1 | 2; anything unknown is UNSET. */
export function statusCodeOf(code: unknown): 0 | 1 | 2 {
  if (code === 1 || code === "STATUS_CODE_OK") return 1;
  if (code === 2 || code === "STATUS_CODE_ERROR") return 2;
  return 0;
}

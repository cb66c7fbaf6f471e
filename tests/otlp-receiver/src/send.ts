// The other direction: OTLP requests a test writes by hand and sends to a collector (`calltree collect`, the web
// view), for spans no SDK would produce (malformed ids, hostile attribute values, traces of any size).
import { randomBytes } from "node:crypto";
import { encodeRequest } from "./codec.js";

/** A span to send; attribute values are strings, numbers or booleans. */
export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startNanos: bigint;
  endNanos: bigint;
  attributes?: Record<string, string | number | boolean>;
  /** Recorded as an `exception` event and an error status. */
  error?: { message: string; stack?: string };
}

/** `bytes` random bytes as lowercase hex (16 for a trace id, 8 for a span id). */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString("hex");

function anyValue(value: string | number | boolean): Record<string, unknown> {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** Resource and scope of the requests built here. */
export interface RequestSource {
  service?: string;
  scope?: string;
}

/** One OTLP/JSON `ExportTraceServiceRequest` holding `spans` (one resource, one scope). */
export function jsonRequest(spans: readonly SpanSpec[], source: RequestSource = {}): { resourceSpans: unknown[] } {
  const service = source.service ?? "web-view-test";
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: source.scope ?? service },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: 1,
              startTimeUnixNano: s.startNanos.toString(),
              endTimeUnixNano: s.endNanos.toString(),
              attributes: Object.entries(s.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })),
              events: s.error
                ? [
                    {
                      name: "exception",
                      timeUnixNano: s.endNanos.toString(),
                      attributes: [
                        { key: "exception.type", value: { stringValue: "Error" } },
                        { key: "exception.message", value: { stringValue: s.error.message } },
                        ...(s.error.stack ? [{ key: "exception.stacktrace", value: { stringValue: s.error.stack } }] : []),
                      ],
                    },
                  ]
                : [],
              status: s.error ? { code: 2, message: s.error.message } : { code: 0 },
            })),
          },
        ],
      },
    ],
  };
}

/** The same request as OTLP protobuf. */
export function protobufRequest(spans: readonly SpanSpec[], source: RequestSource = {}): Uint8Array {
  const request = jsonRequest(spans, source);
  const bytes = (id: unknown) => (typeof id === "string" ? Buffer.from(id, "hex") : id);
  for (const rs of request.resourceSpans as Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        span.traceId = bytes(span.traceId);
        span.spanId = bytes(span.spanId);
        if (span.parentSpanId !== undefined) span.parentSpanId = bytes(span.parentSpanId);
      }
    }
  }
  return encodeRequest(request);
}

/**
 * POSTs `spans` to a collector's `/v1/traces` (`baseUrl` is its origin) as OTLP/JSON, or protobuf, and checks
 * it was accepted with a 200.
 */
export async function postSpans(baseUrl: string, spans: readonly SpanSpec[], options: RequestSource & { encoding?: "json" | "protobuf" } = {}): Promise<void> {
  const protobuf = options.encoding === "protobuf";
  const res = await fetch(`${baseUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": protobuf ? "application/x-protobuf" : "application/json" },
    body: protobuf ? protobufRequest(spans, options) : JSON.stringify(jsonRequest(spans, options)),
  });
  if (res.status !== 200) throw new Error(`collector answered ${res.status}: ${await res.text()}`);
}

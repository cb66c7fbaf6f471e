import { randomBytes } from "node:crypto";

/** A span to send as OTLP/JSON; attribute values are strings, numbers or booleans. */
export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startNanos: bigint;
  endNanos: bigint;
  attributes?: Record<string, string | number | boolean>;
  error?: { message: string; stack?: string };
}

export const hex = (bytes: number): string => randomBytes(bytes).toString("hex");

function anyValue(value: string | number | boolean): Record<string, unknown> {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** One OTLP/JSON ExportTraceServiceRequest holding `spans`. */
function request(spans: SpanSpec[]): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "web-view-test" } }] },
        scopeSpans: [
          {
            scope: { name: "web-view-test" },
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

/** POSTs OTLP/JSON to a collector's `/v1/traces` and checks it was accepted. */
export async function post(baseUrl: string, spans: SpanSpec[]): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request(spans)),
  });
  if (res.status !== 200) throw new Error(`collector answered ${res.status}: ${await res.text()}`);
}

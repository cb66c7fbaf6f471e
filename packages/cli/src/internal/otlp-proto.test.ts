import { test } from "node:test";
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { decodeRequest, encodeResponse } from "./otlp-codec.js";

/** Spans with every field the SDK can fill: attributes of each value type, events, links, status, parent, kind. */
function richSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "proof", "host.cores": 2 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("scope-name", "1.2.3");
  const linked = tracer.startSpan("linked");
  linked.end();
  const parent = tracer.startSpan("parent", { kind: SpanKind.SERVER });
  const child = tracer.startSpan(
    "child",
    {
      kind: SpanKind.CLIENT,
      attributes: {
        text: "héllo",
        yes: true,
        count: 42,
        big: 2 ** 40,
        ratio: 0.25,
        negative: -7,
        texts: ["a", "b"],
        flags: [true, false],
        numbers: [1, 2.5],
      },
      links: [{ context: linked.spanContext(), attributes: { why: "batch" } }],
    },
    trace.setSpan(context.active(), parent),
  );
  child.addEvent("thinking", { step: 1, note: "first" });
  child.recordException(new Error("boom"));
  child.setStatus({ code: SpanStatusCode.ERROR, message: "it failed" });
  child.end();
  parent.setStatus({ code: SpanStatusCode.OK });
  parent.end();
  return exporter.getFinishedSpans();
}

/** Proto3 equality: numbers as strings (int64 is a string in JSON), default values (0, "", [], {}) as absent. */
function normalize(value: unknown): unknown {
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const n = normalize(v);
    if (n === undefined || n === null || n === "0" || n === "" || n === false) continue;
    if (Array.isArray(n) && n.length === 0) continue;
    if (typeof n === "object" && !Array.isArray(n) && Object.keys(n as object).length === 0) continue;
    out[key] = n;
  }
  return out;
}

test("the schema decodes what the official protobuf serializer encodes into what the official JSON serializer writes", () => {
  const spans = richSpans();
  const fromProtobuf = decodeRequest(ProtobufTraceSerializer.serializeRequest(spans)!, "protobuf");
  const fromJson = decodeRequest(JsonTraceSerializer.serializeRequest(spans)!, "json");
  assert.equal(fromProtobuf.acceptedSpans, 3);
  assert.equal(fromProtobuf.rejectedSpans, 0);
  const decoded = normalize(fromProtobuf.request);
  assert.deepEqual(decoded, normalize(fromJson.request));

  // The comparison saw the fields that matter, not two empty objects.
  const text = JSON.stringify(decoded);
  for (const needle of ['"arrayValue"', '"doubleValue":"0.25"', '"intValue":"1099511627776"', '"boolValue":true',
    '"links"', '"events"', '"parentSpanId"', '"flags"', '"status":{"message":"it failed","code":"2"}', '"version":"1.2.3"']) {
    assert.ok(text.includes(needle), `${needle} in ${text}`);
  }
});

test("a partial-success response is read back by the official exporter's response decoder", () => {
  const response = ProtobufTraceSerializer.deserializeResponse(encodeResponse("protobuf", 3, "three spans had no trace id"));
  assert.equal(String(response.partialSuccess?.rejectedSpans), "3");
  assert.equal(response.partialSuccess?.errorMessage, "three spans had no trace id");
  assert.deepEqual(ProtobufTraceSerializer.deserializeResponse(encodeResponse("protobuf", 0, undefined)), {});
});

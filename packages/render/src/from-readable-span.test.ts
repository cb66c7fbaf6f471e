import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SpanStatusCode, context, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { fromReadableSpan } from "./from-readable-span.js";
import { renderTrace } from "./render-trace.js";

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "svc", "openinference.project.name": "demo" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { exporter, tracer: provider.getTracer("calltree-test", "1.2.3") };
}

describe("fromReadableSpan", () => {
  test("normalizes ids, parent, times, attributes, status, events, resource and scope of SDK spans", () => {
    const { exporter, tracer } = setup();
    const root = tracer.startSpan("root", { startTime: [1_700_000_000, 5], attributes: { "openinference.span.kind": "AGENT" } });
    const child = tracer.startSpan(
      "child",
      { startTime: [1_700_000_000, 1000], attributes: { n: 3, f: 1.5, ok: true, list: ["a", "b"] } },
      trace.setSpan(context.active(), root),
    );
    child.addEvent("tick", { k: "v" }, [1_700_000_000, 2000]);
    child.recordException(new Error("nope"), [1_700_000_000, 2500]);
    child.setStatus({ code: SpanStatusCode.ERROR, message: "nope" });
    child.end([1_700_000_001, 0]);
    root.end([1_700_000_002, 7]);

    const [c, r] = exporter.getFinishedSpans().map(fromReadableSpan);
    assert.ok(c && r);
    assert.deepEqual(r, {
      traceId: root.spanContext().traceId,
      spanId: root.spanContext().spanId,
      name: "root",
      startTimeUnixNano: 1_700_000_000_000_000_005n,
      endTimeUnixNano: 1_700_000_002_000_000_007n,
      attributes: { "openinference.span.kind": "AGENT" },
      status: { code: 0 },
      events: [],
      resource: r.resource,
      scope: { name: "calltree-test", version: "1.2.3" },
    });
    assert.equal(r.resource?.["service.name"], "svc");
    assert.equal(r.resource?.["openinference.project.name"], "demo");
    assert.equal(c.parentSpanId, root.spanContext().spanId);
    assert.equal(c.traceId, r.traceId);
    assert.deepEqual(c.attributes, { n: 3, f: 1.5, ok: true, list: ["a", "b"] });
    assert.deepEqual(c.status, { code: 2, message: "nope" });
    assert.deepEqual(
      c.events.map((e) => [e.name, e.timeUnixNano]),
      [
        ["tick", 1_700_000_000_000_002_000n],
        ["exception", 1_700_000_000_000_002_500n],
      ],
    );
    assert.deepEqual(c.events[0]?.attributes, { k: "v" });
    assert.equal(c.events[1]?.attributes["exception.message"], "nope");
    assert.equal("parentSpanId" in r, false);
  });

  test("feeds the renderer", () => {
    const { exporter, tracer } = setup();
    const span = tracer.startSpan("Assistant.ask", {
      startTime: [10, 0],
      attributes: { "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o", "llm.token_count.total": 12 },
    });
    span.end([10, 12_000_000]);
    const text = renderTrace(exporter.getFinishedSpans().map(fromReadableSpan));
    assert.equal(text.split("\n")[1], "LLM Assistant.ask  12ms  gpt-4o  12 tok");
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import type { HrTime, Span } from "@opentelemetry/api";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ConsoleTraceExporter } from "./console-exporter.js";

/** Ids 1, 2, 3… so the golden output does not depend on randomness. */
class CountingIds {
  private n = 0;
  generateTraceId(): string {
    return (++this.n).toString(16).padStart(32, "0");
  }
  generateSpanId(): string {
    return (++this.n).toString(16).padStart(16, "0");
  }
}

const at = (ms: number): HrTime => [1_700_000_000 + Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

async function recordTrace(color: boolean): Promise<string> {
  const out: string[] = [];
  const exporter = new ConsoleTraceExporter({ write: (t) => out.push(t), color });
  const provider = new BasicTracerProvider({ idGenerator: new CountingIds(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer("openinference.calltree");
  const kind = (k: string) => ({ "openinference.span.kind": k });
  // Parents are passed explicitly: no context manager is needed.
  const under = (parent: Span) => trace.setSpan(ROOT_CONTEXT, parent);
  const root = tracer.startSpan("Assistant.run", { attributes: kind("AGENT"), startTime: at(0) });
  const ask = tracer.startSpan("Assistant.ask", {
    startTime: at(10),
    attributes: { ...kind("LLM"), "llm.model_name": "gpt-4o-mini", "llm.token_count.prompt": 12, "llm.token_count.completion": 34, "llm.token_count.total": 46, "llm.cost.total": 0.000123 },
  }, under(root));
  tracer.startSpan("OpenAI Chat Completions", {
    startTime: at(15),
    attributes: { ...kind("LLM"), "llm.model_name": "gpt-4o-mini-2024-07-18", "llm.token_count.prompt": 12, "llm.token_count.completion": 34 },
  }, under(ask)).end(at(815));
  ask.end(at(822));
  const tool = tracer.startSpan("Assistant.weather", { attributes: kind("TOOL"), startTime: at(830) }, under(root));
  tool.recordException(new TypeError("boom"));
  tool.setStatus({ code: SpanStatusCode.ERROR, message: "boom" });
  tool.end(at(833));
  const search = tracer.startSpan("Assistant.search", { attributes: kind("RETRIEVER"), startTime: at(840) }, under(root));
  tracer.startSpan("embed", { attributes: { ...kind("EMBEDDING"), "embedding.model_name": "text-embedding-3-small" }, startTime: at(841) }, under(search)).end(at(853));
  tracer.startSpan("HTTP POST", { startTime: at(860) }, under(search)).end(at(860.5));
  search.end(at(880));
  root.end(at(1240));
  await exporter.forceFlush();
  return out.join("");
}

describe("console exporter", () => {
  test("prints each finished trace once as a tree: totals, then kind, name, duration, model, tokens, cost, error per span (golden, no colour)", async () => {
    assert.equal(
      await recordTrace(false),
      [
        "trace 00000000000000000000000000000002  7 spans  1.24s  46 tok (12 in, 34 out)  $0.000123  1 error",
        "AGENT Assistant.run  1.24s",
        "├─ LLM Assistant.ask  812ms  gpt-4o-mini  46 tok (12 in, 34 out)  $0.000123",
        "│  └─ LLM OpenAI Chat Completions  800ms  gpt-4o-mini-2024-07-18  46 tok (12 in, 34 out)",
        "├─ TOOL Assistant.weather  3.0ms  ERROR: boom",
        "└─ RETRIEVER Assistant.search  40ms",
        "   ├─ EMBEDDING embed  12ms  text-embedding-3-small",
        "   └─ HTTP POST  500µs",
        "",
        "",
      ].join("\n"),
    );
  });

  test("with colour: escape codes around the same text", async () => {
    const text = await recordTrace(true);
    assert.equal(
      text.split("\n")[0],
      "\u001b[1mtrace 00000000000000000000000000000002\u001b[22m  7 spans  \u001b[2m1.24s\u001b[22m  46 tok (12 in, 34 out)  " +
        "\u001b[32m$0.000123\u001b[39m  \u001b[31m1 error\u001b[39m",
    );
    assert.equal(text.replace(/\u001b\[\d+m/g, ""), await recordTrace(false), "the same text once the colours are removed");
  });

  test("a trace whose root never ended is printed at shutdown, its header saying the root is missing", async () => {
    const out: string[] = [];
    const exporter = new ConsoleTraceExporter({ write: (t) => out.push(t), color: false });
    const provider = new BasicTracerProvider({ idGenerator: new CountingIds(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer("t");
    const root = tracer.startSpan("never-ends", { startTime: at(0) });
    tracer.startSpan("child", { startTime: at(1) }, trace.setSpan(ROOT_CONTEXT, root)).end(at(3));
    assert.deepEqual(out, []);
    await exporter.shutdown();
    assert.deepEqual(out, ["trace 00000000000000000000000000000002  1 span  2.0ms  (root span not received)\nchild  2.0ms  (orphan: parent 0000000000000001 missing)\n\n"]);
  });

  test("a span that ends just after its root (fire-and-forget) is drawn in its tree, not as a rootless one", async () => {
    const out: string[] = [];
    let printed: () => void = () => {};
    const written = new Promise<void>((resolve) => (printed = resolve));
    const exporter = new ConsoleTraceExporter({ write: (t) => { out.push(t); printed(); }, color: false });
    const provider = new BasicTracerProvider({ idGenerator: new CountingIds(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer("t");
    const root = tracer.startSpan("handler", { startTime: at(0) });
    const job = tracer.startSpan("background job", { startTime: at(1) }, trace.setSpan(ROOT_CONTEXT, root));
    root.end(at(2));
    job.end(at(5));
    // The exporter's timer does not hold the process (exit hooks print what is left); the test does.
    const hold = setInterval(() => {}, 1_000);
    await written;
    clearInterval(hold);
    assert.deepEqual(out, ["trace 00000000000000000000000000000002  2 spans  5.0ms\nhandler  2.0ms\n└─ background job  4.0ms\n\n"]);
  });

  test("a span that ends after its trace was printed comes under a line naming that trace", async () => {
    const out: string[] = [];
    const exporter = new ConsoleTraceExporter({ write: (t) => out.push(t), color: false, settleMillis: 0 });
    const provider = new BasicTracerProvider({ idGenerator: new CountingIds(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer("t");
    const root = tracer.startSpan("handler", { startTime: at(0) });
    const job = tracer.startSpan("slow job", { startTime: at(1) }, trace.setSpan(ROOT_CONTEXT, root));
    root.end(at(2));
    assert.equal(out.length, 1, "settleMillis: 0 prints when the root ends");
    job.end(at(900));
    assert.deepEqual(out.slice(1), [
      "(more spans of trace 00000000000000000000000000000002, which was printed above)\n" +
        "trace 00000000000000000000000000000002  1 span  899ms  (root span not received)\n" +
        "slow job  899ms  (orphan: parent 0000000000000001 missing)\n\n",
    ]);
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { context, ProxyTracerProvider, trace } from "@opentelemetry/api";
import { withSession } from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import { captureTraces } from "./index.js";

const step = defineKind({ name: "step", spanKind: "CHAIN" });
const model = defineKind({ name: "model", spanKind: "LLM" });

describe("captureTraces", () => {
  test("captures decorated calls as trees; find, get, parentOf and shape", async () => {
    using traces = captureTraces();
    const ask = model.wrap(async function ask(q: string) { return q.length; });
    const run = step.wrap(async function run() { return [await ask("a"), await ask("bb")]; });
    await withSession("s", () => run());
    assert.equal(traces.spans.length, 3);
    assert.equal(traces.find({ kind: "LLM" }).length, 2);
    assert.equal(traces.find({ name: /^a/, attributes: { "input.value": "bb" } }).length, 1);
    const root = traces.get({ name: "run" });
    for (const s of traces.find({ name: "ask" })) assert.equal(traces.parentOf(s), root);
    assert.equal(traces.shape(), "CHAIN run\n  LLM ask\n  LLM ask");
    assert.throws(() => traces.get({ kind: "LLM" }), /expected exactly one span .* found 2/s);
    traces.reset();
    assert.equal(traces.spans.length, 0);
  });

  test("expect() passes on a matching shape and fails with a readable diff", async () => {
    using traces = captureTraces();
    const ask = model.wrap(async function ask(q: string) { return q; });
    const run = step.wrap(async function run() { return ask("x"); });
    await run();
    traces.expect([{ kind: "CHAIN", name: "run", children: [{ kind: "LLM", name: /as/, attributes: { "input.value": "x", "nope": undefined } }] }]);
    assert.throws(
      () => traces.expect([{ kind: "CHAIN", name: "run", children: [{ kind: "TOOL", name: "ask" }] }]),
      (e: unknown) => {
        const err = e as { expected: string; actual: string; message: string };
        assert.equal(err.expected, "CHAIN run\n  TOOL ask");
        assert.equal(err.actual, "CHAIN run\n  LLM ask");
        assert.match(err.message, /--- expected/);
        return true;
      },
    );
    assert.throws(() => traces.expect([{ name: "run" }]), /unexpected/);
  });

  test("restore() puts back the previous provider and context manager; nothing is captured after", async () => {
    const outer = captureTraces();
    const inner = captureTraces();
    const f = step.wrap(function f() { return 1; });
    f();
    assert.equal(inner.spans.length, 1);
    inner.restore();
    f();
    assert.equal(outer.spans.length, 1, "the outer capture gets spans again");
    outer.restore();
    outer.restore();
    f();
    assert.equal(outer.spans.length, 1);
    assert.equal(trace.getSpan(context.active()), undefined);
  });

  test("global: true also serves code that uses the OpenTelemetry global tracer", () => {
    using traces = captureTraces({ global: true });
    trace.getTracer("plain").startSpan("plain-span").end();
    assert.equal(traces.get({ name: "plain-span" }).name, "plain-span");
  });
});

describe("captureTraces({ global: true }) and the app's own global provider", () => {
  test("captures what the global tracer records, then restore() puts the app's provider back exactly", async () => {
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
    const appExporter = new InMemorySpanExporter();
    const appProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });
    assert.equal(trace.setGlobalTracerProvider(appProvider), true);
    try {
      const globalBefore = trace.getTracerProvider();
      const traces = captureTraces({ global: true });
      trace.getTracer("plain").startSpan("during-capture").end();
      assert.equal(traces.get({ name: "during-capture" }).name, "during-capture");
      assert.equal(appExporter.getFinishedSpans().length, 0, "the capture took the global tracer's spans");
      traces.restore();

      assert.equal(trace.getTracerProvider(), globalBefore, "the same global object as before");
      assert.equal((trace.getTracerProvider() as ProxyTracerProvider).getDelegate(), appProvider, "the app's provider is global again");
      trace.getTracer("plain").startSpan("after-restore").end();
      assert.deepEqual(appExporter.getFinishedSpans().map((s) => s.name), ["after-restore"]);
      assert.equal(traces.spans.length, 1, "nothing captured after restore()");
    } finally {
      trace.disable();
    }
  });

  test("with no global provider before, restore() leaves none", () => {
    const traces = captureTraces({ global: true });
    traces.restore();
    assert.equal((trace.getTracerProvider() as ProxyTracerProvider).getDelegate(), new ProxyTracerProvider().getDelegate());
  });
});

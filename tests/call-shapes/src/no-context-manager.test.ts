// Its own file, so its own process: nothing here may find an OpenTelemetry context manager registered by another test.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { diag, DiagLogLevel, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { defineKind } from "@calltree/core/kind";
import { captureTraces } from "@calltree/testing";

const step = defineKind({ name: "step", spanKind: "CHAIN" });
const inner = step.wrap(async function inner() {
  return 1;
});
const outer = step.wrap(async function outer() {
  return (await inner()) + (await inner());
});

describe("a global provider registered without a context manager (a bare BasicTracerProvider set-up)", () => {
  test("nested calls cannot nest, and calltree says so once, with the fix, through its diagnostic sink", async () => {
    const messages: string[] = [];
    diag.setLogger(
      { error: (m) => messages.push(m), warn: (m) => messages.push(m), info: () => {}, debug: () => {}, verbose: () => {} },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    const exporter = new InMemorySpanExporter();
    assert.equal(trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })), true);
    try {
      for (let i = 0; i < 3; i++) assert.equal(await outer(), 2);
      const spans = exporter.getFinishedSpans();
      assert.equal(spans.length, 9);
      assert.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 9, "each call is its own trace: what the diagnostic explains");

      const told = messages.filter((m) => m.includes("no OpenTelemetry context manager is registered"));
      assert.equal(told.length, 1, messages.join("\n"));
      assert.match(told[0] ?? "", /each decorated call starts its own trace/);
      assert.match(told[0] ?? "", /register\(\) from @calltree\/otel/);
      assert.match(told[0] ?? "", /context\.setGlobalContextManager\(new AsyncLocalStorageContextManager\(\)\.enable\(\)\)/);
      assert.match(told[0] ?? "", /docs\/troubleshooting\.md/);

      // With a context manager (captureTraces installs one), the same calls nest and nothing more is said.
      using traces = captureTraces();
      await outer();
      assert.equal(traces.shape(), "CHAIN outer\n  CHAIN inner\n  CHAIN inner");
      assert.equal(messages.filter((m) => m.includes("context manager")).length, 1);
    } finally {
      trace.disable();
      diag.disable();
    }
  });
});

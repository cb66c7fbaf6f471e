import { test } from "node:test";
import assert from "node:assert/strict";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { useTracerProvider } from "@calltree/core/sdk";
import { captureGroups } from "./suites/capture.js";

// A ratio to a reference means something only when the reference records what calltree records: this fails
// when @llm gains (or loses) an attribute the hand-written LLM span does not write, or writes another value.
test("capture.llm-chat: the hand-written reference records the same attributes and values as @llm", async () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  useTracerProvider(provider);
  try {
    const group = captureGroups().find((g) => g.id === "capture.llm-chat")!;
    const rows = await group.rows();
    const spanOf = async (id: string) => {
      exporter.reset();
      await rows.find((r) => r.id === id)!.run(1);
      const spans = exporter.getFinishedSpans();
      assert.equal(spans.length, 1, `${id}: ${spans.length} spans`);
      return spans[0]!.attributes;
    };
    const calltree = await spanOf("calltree-llm");
    const reference = await spanOf(group.reference);
    // The code location differs by nature (where each is written); everything else is the same.
    const strip = (a: Record<string, unknown>) => Object.fromEntries(Object.entries(a).filter(([k]) => !k.startsWith("code.")));
    assert.deepEqual(strip(reference), strip(calltree));
    assert.ok(Object.keys(calltree).length > 80, `@llm recorded ${Object.keys(calltree).length} attributes`);
  } finally {
    useTracerProvider(undefined);
    trace.disable();
    context.disable();
    await provider.shutdown();
  }
});

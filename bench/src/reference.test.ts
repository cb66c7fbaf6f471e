import { test } from "node:test";
import assert from "node:assert/strict";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { useTracerProvider } from "@calltree/core/sdk";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { captureGroups } from "./suites/capture.js";
import { nestedGroups } from "./suites/nested.js";
import { overheadGroups } from "./suites/overhead.js";

// A ratio to a reference means something only when the reference records what calltree records: this fails
// when @llm gains (or loses) an attribute the hand-written LLM span does not write, or writes another value.
// Runs `body` with an in-memory exporter behind a provider that is both the global one and calltree's, with an
// AsyncLocalStorage context manager; everything is unset afterwards.
async function withSpans(body: (exporter: InMemorySpanExporter, provider: BasicTracerProvider) => Promise<void>): Promise<void> {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  useTracerProvider(provider);
  try {
    await body(exporter, provider);
  } finally {
    useTracerProvider(undefined);
    trace.disable();
    context.disable();
    await provider.shutdown();
  }
}

test("capture.llm-chat: the hand-written reference records the same attributes and values as @llm", () =>
  withSpans(async (exporter) => {
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
  }));

// The same for the overhead and nested groups: the tight reference of each makes the spans the calltree row makes
// (names, kinds, every attribute and value), so each bar compares the same record written two ways. The code
// location's values differ by nature; `graph.node.id` is each span's own id on both sides.
test("overhead and nested groups: each tight reference makes the spans calltree makes, attribute for attribute", () =>
  withSpans(async (exporter, provider) => {
    const groups = [...overheadGroups(), ...nestedGroups()].filter((g) => g.tracing !== "off");
    assert.ok(groups.length >= 15, `${groups.length} groups`);
    for (const group of groups) {
      // Rows of a condition on the global provider unset calltree's own one: set it again for each group.
      useTracerProvider(provider);
      const rows = await group.rows();
      const spansOf = async (id: string): Promise<ReadableSpan[]> => {
        exporter.reset();
        const row = rows.find((r) => r.id === id);
        assert.ok(row, `${group.id}: no row ${id}`);
        await row.run(1);
        return exporter.getFinishedSpans().slice();
      };
      const record = (span: ReadableSpan) => {
        const attrs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(span.attributes)) {
          if (key.startsWith("code.")) attrs[key] = typeof value;
          else if (key === SC.GRAPH_NODE_ID) attrs[key] = value === span.spanContext().spanId ? "own span id" : value;
          else attrs[key] = value;
        }
        return { name: span.name, attributes: attrs };
      };
      const calltree = (await spansOf("calltree")).map(record);
      const reference = (await spansOf(group.reference)).map(record);
      assert.equal(calltree.length, group.id.startsWith("nested.") ? 3 : 1, group.id);
      assert.deepEqual(reference, calltree, `${group.id}: ${group.reference} against calltree`);
      for (const span of calltree) assert.equal(Object.keys(span.attributes).filter((k) => k.startsWith("code.")).length, 4, group.id);
    }
  }));

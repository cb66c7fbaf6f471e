import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import { AlwaysOffSampler, BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { CalltreeSpanProcessor, estimateBatchBytes } from "./span-processor.js";
import type { DropReason, ProcessorOptions } from "./span-processor.js";

/** An exporter that answers after `delayMs` (or never, with `delayMs: "never"`), recording each batch. */
class RecordingExporter implements SpanExporter {
  batches: string[][] = [];
  private readonly delayMs: number | "never";
  private readonly fail: boolean;
  constructor(delayMs: number | "never" = 0, fail = false) {
    this.delayMs = delayMs;
    this.fail = fail;
  }
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.batches.push(spans.map((s) => s.name));
    if (this.delayMs === "never") return;
    const result = this.fail ? { code: ExportResultCode.FAILED, error: new Error("nope") } : { code: ExportResultCode.SUCCESS };
    if (this.delayMs === 0) done(result);
    else setTimeout(() => done(result), this.delayMs);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(exporter: SpanExporter, options: Partial<ProcessorOptions> = {}) {
  const drops: Array<[number, DropReason]> = [];
  const processor = new CalltreeSpanProcessor({
    exporter,
    maxExportBatchSize: 10,
    scheduledDelayMillis: 1_000,
    maxQueueSize: 100,
    maxConcurrentExports: 1,
    maxPendingBytes: 1 << 30,
    exportGuardMillis: 30_000,
    exportOnLocalRootEnd: false,
    onDropped: (count, reason) => drops.push([count, reason]),
    ...options,
  });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer("test");
  const spans = (n: number, prefix = "s") => {
    for (let i = 0; i < n; i++) tracer.startSpan(`${prefix}${i}`).end();
  };
  return { processor, provider, tracer, spans, drops };
}

describe("CalltreeSpanProcessor", () => {
  test("a full batch goes to the exporter inside span.end(), without waiting for the timer", () => {
    const exporter = new RecordingExporter(0);
    const { spans, processor } = setup(exporter);
    spans(25);
    assert.deepEqual(exporter.batches.map((b) => b.length), [10, 10]);
    assert.deepEqual(processor.stats(), { exportedSpans: 20, droppedSpans: 0, queuedSpans: 5, inFlightSpans: 0 });
  });

  test("forceFlush() waits until every span that ended before it is exported", async () => {
    const exporter = new RecordingExporter(20);
    const { spans, processor } = setup(exporter);
    spans(5);
    await processor.forceFlush();
    assert.deepEqual(exporter.batches, [["s0", "s1", "s2", "s3", "s4"]]);
    assert.equal(processor.stats().exportedSpans, 5);
  });

  test("with the exporter busy, the queue fills to maxQueueSize and further spans are dropped and counted", () => {
    const exporter = new RecordingExporter("never");
    const { spans, processor, drops } = setup(exporter, { maxQueueSize: 30 });
    spans(100);
    assert.deepEqual(exporter.batches.map((b) => b.length), [10], "one export in flight");
    assert.deepEqual(processor.stats(), { exportedSpans: 0, droppedSpans: 60, queuedSpans: 30, inFlightSpans: 10 });
    assert.equal(drops.reduce((n, [c]) => n + c, 0), 60);
    assert.ok(drops.every(([, reason]) => reason === "queue-full"));
  });

  test("many exports may be in flight when the exporter allows it, bounded by their estimated size", () => {
    const exporter = new RecordingExporter("never");
    const oneBatch = estimateBatchBytes([]) + 10 * (96 + 2);
    const { spans, processor } = setup(exporter, { maxConcurrentExports: 1_000, maxPendingBytes: 3 * oneBatch, maxQueueSize: 20 });
    spans(100);
    assert.equal(exporter.batches.length, 3);
    assert.deepEqual(processor.stats(), { exportedSpans: 0, droppedSpans: 50, queuedSpans: 20, inFlightSpans: 30 });
  });

  test("an exporter that never reports back: its spans count as failed after the guard time", async () => {
    const exporter = new RecordingExporter("never");
    const { spans, processor, drops } = setup(exporter, { exportGuardMillis: 30 });
    spans(10);
    // The guard timer is unref'd (it never keeps a process alive); keep this one alive while waiting for it.
    const keepAlive = setInterval(() => {}, 1_000);
    await processor.forceFlush();
    clearInterval(keepAlive);
    assert.deepEqual(drops, [[10, "export-failed"]]);
    assert.deepEqual(processor.stats(), { exportedSpans: 0, droppedSpans: 10, queuedSpans: 0, inFlightSpans: 0 });
  });

  test("a failing or throwing exporter never reaches span.end(); its spans are counted", () => {
    const failing = setup(new RecordingExporter(0, true));
    failing.spans(10);
    assert.deepEqual(failing.drops, [[10, "export-failed"]]);
    const throwing = setup({ export() { throw new Error("boom"); }, shutdown: () => Promise.resolve() });
    assert.doesNotThrow(() => throwing.spans(10));
    assert.deepEqual(throwing.drops, [[10, "export-failed"]]);
  });

  test("exportOnLocalRootEnd exports as soon as a root span ends", async () => {
    const exporter = new RecordingExporter(0);
    const { tracer } = setup(exporter, { exportOnLocalRootEnd: true, scheduledDelayMillis: 60_000 });
    tracer.startActiveSpan("root", (root) => {
      tracer.startSpan("child").end();
      root.end();
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(exporter.batches, [["child", "root"]]);
  });

  test("unsampled spans are not exported", () => {
    const exporter = new RecordingExporter(0);
    const processor = new CalltreeSpanProcessor({
      exporter, maxExportBatchSize: 1, scheduledDelayMillis: 0, maxQueueSize: 10, maxConcurrentExports: 1,
      maxPendingBytes: 1 << 20, exportGuardMillis: 1_000, exportOnLocalRootEnd: false, onDropped: () => {},
    });
    const tracer = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [processor] }).getTracer("t");
    tracer.startSpan("x").end();
    assert.deepEqual(exporter.batches, []);
  });

  test("flushAtExit exports synchronously to a synchronous exporter, and counts what an async one still holds", () => {
    const sync = new RecordingExporter(0);
    const a = setup(sync);
    a.spans(15);
    a.processor.flushAtExit(true);
    assert.deepEqual(sync.batches.map((b) => b.length), [10, 5]);
    assert.deepEqual(a.processor.stats(), { exportedSpans: 15, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 });

    const never = new RecordingExporter("never");
    const b = setup(never);
    b.spans(15);
    b.processor.flushAtExit(false);
    // The first batch of 10 was handed to the exporter (sent, never answered: it may have arrived); 5 were never sent.
    assert.deepEqual(b.drops, [[5, "exit"], [10, "unconfirmed"]]);
    assert.equal(b.processor.stats().droppedSpans, 15);
  });

  test("spans that end while it shuts down are exported; after it, counted as dropped (after-shutdown), never silently ignored", async () => {
    // An exporter the test answers by hand: the shutdown's flush waits on it.
    const answers: Array<() => void> = [];
    const exporter: SpanExporter = {
      export: (_spans, done) => answers.push(() => done({ code: ExportResultCode.SUCCESS })),
      shutdown: () => Promise.resolve(),
    };
    const { processor, spans, drops, tracer } = setup(exporter, { maxConcurrentExports: 1 });
    const running = tracer.startSpan("still running");
    spans(3, "before");
    const shutdown = processor.shutdown();
    spans(2, "during");
    // The flush exports what had ended when shutdown() was called, then what ended while it waited.
    let settled = false;
    void shutdown.then(() => (settled = true));
    while (!settled) {
      if (answers.length > 0) answers.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    running.end();
    assert.deepEqual(drops, [[1, "after-shutdown"]]);
    assert.deepEqual(processor.stats(), { exportedSpans: 5, droppedSpans: 1, queuedSpans: 0, inFlightSpans: 0 });

    const atExit = setup(new RecordingExporter(0));
    atExit.processor.flushAtExit(true);
    atExit.spans(1);
    assert.deepEqual(atExit.drops, [[1, "exit"]]);
  });

  test("estimateBatchBytes grows with attribute sizes", () => {
    const exporter = new RecordingExporter("never");
    const { tracer } = setup(exporter);
    const small = tracer.startSpan("a", { attributes: { k: "v" } });
    const big = tracer.startSpan("a", { attributes: { k: "v".repeat(10_000) } });
    small.end();
    big.end();
    const [s, b] = [small, big] as unknown as ReadableSpan[];
    assert.ok(estimateBatchBytes([b!]) - estimateBatchBytes([s!]) === 9_999);
  });
});

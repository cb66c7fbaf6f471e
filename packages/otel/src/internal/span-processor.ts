import { context, TraceFlags } from "@opentelemetry/api";
import type { Attributes, Context } from "@opentelemetry/api";
import { ExportResultCode, suppressTracing } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** Why spans were lost. `after-shutdown`: the span ended after the processor was shut down. */
export type DropReason = "queue-full" | "export-failed" | "exit" | "unconfirmed" | "after-shutdown";

export interface ProcessorOptions {
  exporter: SpanExporter;
  maxExportBatchSize: number;
  /** 0 exports at the next tick. */
  scheduledDelayMillis: number;
  /** Spans waiting for an export slot; beyond it new spans are dropped. */
  maxQueueSize: number;
  /**
   * Exports in flight at once. Exporters that encode spans inside `export()` (OTLP, file, console) can take many,
   * which is what turns a burst into compact bytes instead of a queue of span objects; other exporters get one.
   */
  maxConcurrentExports: number;
  /** Upper bound on the estimated encoded size of spans in flight. */
  maxPendingBytes: number;
  /** An export that has not called back after this long counts as failed (its budget stays taken until it does). */
  exportGuardMillis: number;
  /** Export as soon as a local root span ends (the console exporter prints whole traces). */
  exportOnLocalRootEnd: boolean;
  onDropped: (count: number, reason: DropReason, error?: unknown) => void;
  onExportFailed?: (error: unknown) => void;
}

interface InFlight {
  firstSeq: number;
  count: number;
  bytes: number;
  /** Counted (exported or dropped) and no longer holding up flushes. */
  settled: boolean;
}

interface Waiter {
  target: number;
  resolve: () => void;
}

/** Counters of one processor, for {@link import("../register.js").Tracing.stats}. */
export interface ProcessorStats {
  exportedSpans: number;
  droppedSpans: number;
  queuedSpans: number;
  inFlightSpans: number;
}

/**
 * calltree's batch span processor. Unlike OpenTelemetry's BatchSpanProcessor (one export at a time, queue of 2,048
 * span objects, so a loop that never yields loses almost everything), a full batch is handed to the exporter
 * immediately, while the app is still running; the OTLP exporters encode it there and then, so a burst is held as
 * bytes, bounded by `maxPendingBytes`, and sent when the event loop gets a turn. Lost spans are never silent: each
 * one is passed to `onDropped`.
 */
export class CalltreeSpanProcessor implements SpanProcessor {
  private readonly options: ProcessorOptions;
  private queue: ReadableSpan[] = [];
  /** Spans ever queued; the queue's first span has sequence number `enqueued - queue.length`. */
  private enqueued = 0;
  private readonly inFlight = new Set<InFlight>();
  private pendingBytes = 0;
  private waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;
  /** What closed the processor: spans that end afterwards are counted as dropped for this reason. */
  private closedFor: DropReason = "after-shutdown";
  private exported = 0;
  private dropped = 0;
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: ProcessorOptions) {
    this.options = options;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.closed) {
      // A call that was still running when tracing was shut down (or the process began to end): its span can no
      // longer be sent, and is not lost silently.
      this.drop(1, this.closedFor);
      return;
    }
    if (this.queue.length >= this.options.maxQueueSize) {
      this.drop(1, "queue-full");
      return;
    }
    this.queue.push(span);
    this.enqueued++;
    if (this.queue.length >= this.options.maxExportBatchSize) {
      this.pump(false);
    } else if (this.options.exportOnLocalRootEnd && (span.parentSpanContext === undefined || span.parentSpanContext.isRemote)) {
      this.arm(0);
    } else {
      this.arm(this.options.scheduledDelayMillis);
    }
  }

  /**
   * Resolves once every span that ended before the call is exported or counted as dropped. Never rejects.
   */
  forceFlush(): Promise<void> {
    const target = this.enqueued;
    if (this.settledUpTo(target)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiters.push({ target, resolve });
      this.pump(true);
    });
  }

  /** Flushes, then shuts the exporter down. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      // A span may end while a flush is awaited (a stream's span ends a few microtasks after the app's last read):
      // flush again until nothing is queued, then close in the same synchronous step, so no span slips in between
      // and is neither exported nor counted.
      do await this.forceFlush();
      while (this.queue.length > 0);
      this.closed = true;
      this.disarm();
      try {
        await this.options.exporter.shutdown();
      } catch (error) {
        this.options.onExportFailed?.(error);
      }
    })();
    return this.shutdownPromise;
  }

  /**
   * For the `exit` event, when no more I/O can happen: exports what is queued if the exporter can finish
   * synchronously (console, file, memory), and counts everything still unsent as dropped.
   */
  flushAtExit(exportsSynchronously: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.closedFor = "exit";
    this.disarm();
    if (exportsSynchronously) {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxExportBatchSize);
        let ok = false;
        try {
          this.options.exporter.export(batch, (r) => { ok = r.code === ExportResultCode.SUCCESS; });
        } catch {
          ok = false;
        }
        if (ok) this.exported += batch.length;
        else this.drop(batch.length, "exit");
      }
    }
    this.abandon();
  }

  /**
   * Counts queued and in-flight spans as dropped: `exit` when the process ends before they were sent,
   * `export-failed` (with the endpoint's fault) when a flush gave up because the endpoint refused them. At exit,
   * spans already sent but not yet answered count as `unconfirmed`: calltree cannot know whether they arrived (a
   * server that answers slowly, or a process ended by a signal right after sending), so they are told apart from
   * spans that were never sent.
   */
  abandon(reason: DropReason = "exit", error?: unknown): void {
    const queued = this.queue.length;
    this.queue = [];
    let sent = 0;
    for (const entry of this.inFlight) {
      if (!entry.settled) {
        entry.settled = true;
        sent += entry.count;
      }
    }
    if (reason === "exit") {
      if (queued > 0) this.drop(queued, "exit");
      if (sent > 0) this.drop(sent, "unconfirmed");
    } else if (queued + sent > 0) this.drop(queued + sent, reason, error);
    this.release();
  }

  /** True when nothing is queued or in flight. */
  idle(): boolean {
    return this.queue.length === 0 && [...this.inFlight].every((e) => e.settled);
  }

  stats(): ProcessorStats {
    let inFlightSpans = 0;
    for (const e of this.inFlight) if (!e.settled) inFlightSpans += e.count;
    return { exportedSpans: this.exported, droppedSpans: this.dropped, queuedSpans: this.queue.length, inFlightSpans };
  }

  // ---- internals -----------------------------------------------------------------------------------------------

  private drop(count: number, reason: DropReason, error?: unknown): void {
    this.dropped += count;
    try {
      this.options.onDropped(count, reason, error);
    } catch {
      // A reporting failure must not reach the span's end() in the app.
    }
  }

  private arm(delay: number): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump(true);
    }, delay);
    // The timer alone never keeps the process alive; exit hooks flush what is left.
    this.timer.unref?.();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flushWanted(): boolean {
    const head = this.enqueued - this.queue.length;
    return this.waiters.some((w) => w.target > head);
  }

  private canExport(): boolean {
    return this.inFlight.size < this.options.maxConcurrentExports && this.pendingBytes < this.options.maxPendingBytes;
  }

  /** Hands batches to the exporter while it can take them: full ones always, partial ones when asked. */
  private pump(partial: boolean): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.queue.length > 0) {
          const full = this.queue.length >= this.options.maxExportBatchSize;
          if (!full && !partial && !this.flushWanted()) break;
          if (!this.canExport()) break;
          const firstSeq = this.enqueued - this.queue.length;
          const batch = this.queue.splice(0, this.options.maxExportBatchSize);
          this.send(batch, firstSeq);
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    if (this.queue.length > 0) this.arm(this.options.scheduledDelayMillis);
    this.release();
  }

  private send(batch: ReadableSpan[], firstSeq: number): void {
    const entry: InFlight = { firstSeq, count: batch.length, bytes: estimateBatchBytes(batch), settled: false };
    this.inFlight.add(entry);
    this.pendingBytes += entry.bytes;
    // The completion callback is made elsewhere so that it cannot capture `batch`: it lives as long as the export
    // (an HTTP request, retries), and holding the span objects that long is what encoding them early avoids.
    exportSuppressed(this.options.exporter, batch, this.completion(entry));
  }

  private completion(entry: InFlight): (result: ExportResult) => void {
    let called = false;
    const guard = setTimeout(() => {
      if (entry.settled) return;
      entry.settled = true;
      const error = new Error(`the exporter did not report back within ${this.options.exportGuardMillis} ms`);
      this.options.onExportFailed?.(error);
      this.drop(entry.count, "export-failed", error);
      this.release();
    }, this.options.exportGuardMillis);
    guard.unref?.();
    return (result: ExportResult): void => {
      if (called) return;
      called = true;
      clearTimeout(guard);
      this.inFlight.delete(entry);
      this.pendingBytes -= entry.bytes;
      if (!entry.settled) {
        entry.settled = true;
        if (result.code === ExportResultCode.SUCCESS) {
          this.exported += entry.count;
        } else {
          this.options.onExportFailed?.(result.error);
          this.drop(entry.count, "export-failed", result.error);
        }
      }
      if (this.closed) this.release();
      else this.pump(false);
    };
  }

  private settledUpTo(target: number): boolean {
    const head = this.enqueued - this.queue.length;
    if (this.queue.length > 0 && head < target) return false;
    for (const entry of this.inFlight) if (!entry.settled && entry.firstSeq < target) return false;
    return true;
  }

  /** Resolves the flush waiters whose spans are all settled. */
  private release(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (this.settledUpTo(waiter.target) || (this.closed && this.queue.length === 0 && this.idle())) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }
}

/** Calls the exporter with tracing suppressed: the exporter's own HTTP calls must not be traced (they would feed themselves). */
function exportSuppressed(exporter: SpanExporter, batch: ReadableSpan[], done: (result: ExportResult) => void): void {
  context.with(suppressTracing(context.active()), () => {
    try {
      exporter.export(batch, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  });
}

function attributesBytes(attributes: Attributes): number {
  let n = 0;
  for (const key in attributes) {
    const value = attributes[key];
    n += key.length + 4;
    if (typeof value === "string") n += value.length;
    else if (Array.isArray(value)) {
      for (const item of value) n += typeof item === "string" ? item.length + 2 : 9;
    } else n += 9;
  }
  return n;
}

/** Roughly the encoded size of spans: ids, times and names plus every attribute, event and link. */
export function estimateBatchBytes(spans: readonly ReadableSpan[]): number {
  let n = 0;
  for (const span of spans) {
    n += 96 + span.name.length + attributesBytes(span.attributes);
    for (const event of span.events) n += 24 + event.name.length + (event.attributes ? attributesBytes(event.attributes) : 0);
    n += span.links.length * 48;
  }
  return n;
}

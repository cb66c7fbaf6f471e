import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { renderTrace, toRenderSpan } from "./render.js";
import type { RenderSpan } from "./render.js";

export interface ConsoleExporterOptions {
  /** Receives each rendered trace (with a trailing newline). */
  write: (text: string) => void;
  color: boolean;
  /** Spans held while their trace is unfinished; past it the oldest trace is printed as it is. */
  maxPendingSpans?: number;
}

/**
 * Prints each trace once, as a tree, when its local root span ends (the root ends last, so the tree is complete).
 * Spans are reduced to small records as they arrive, so unfinished traces hold little memory. Traces still
 * unfinished at shutdown are printed as they are; their header says the root span is missing.
 */
export class ConsoleTraceExporter implements SpanExporter {
  private readonly options: ConsoleExporterOptions;
  private readonly pending = new Map<string, RenderSpan[]>();
  private pendingCount = 0;
  private closed = false;

  constructor(options: ConsoleExporterOptions) {
    this.options = options;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("the console exporter is shut down") });
      return;
    }
    try {
      const complete: string[] = [];
      for (const span of spans) {
        const record = toRenderSpan(span);
        let list = this.pending.get(record.traceId);
        if (list === undefined) this.pending.set(record.traceId, (list = []));
        list.push(record);
        this.pendingCount++;
        if (span.parentSpanContext === undefined || span.parentSpanContext.isRemote) complete.push(record.traceId);
      }
      for (const traceId of complete) this.print(traceId);
      const max = this.options.maxPendingSpans ?? 100_000;
      while (this.pendingCount > max) {
        const oldest = this.pending.keys().next();
        if (oldest.done) break;
        this.print(oldest.value);
      }
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.printIncomplete();
    this.closed = true;
    return Promise.resolve();
  }

  /** Prints traces whose root never ended (at exit or shutdown). */
  printIncomplete(): void {
    for (const traceId of [...this.pending.keys()]) this.print(traceId);
  }

  /** Prints a trace; one whose root never ended says so in its header ("root span not received"). */
  private print(traceId: string): void {
    const spans = this.pending.get(traceId);
    if (spans === undefined) return;
    this.pending.delete(traceId);
    this.pendingCount -= spans.length;
    const text = renderTrace(spans, { color: this.options.color });
    // A blank line after each trace, as `calltree view` separates them.
    this.options.write(`${text}\n\n`);
  }
}

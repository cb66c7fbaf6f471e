import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";

/**
 * Keeps finished spans in an array. Unlike the SDK's `InMemorySpanExporter`, it reports success synchronously (so
 * a span is readable the moment it ends) and keeps its spans after shutdown (so a test can read them afterwards).
 */
export class MemorySpanExporter implements SpanExporter {
  private readonly finished: ReadableSpan[] = [];

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.finished.push(...spans);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** The spans exported so far, oldest first (a copy). */
  getFinishedSpans(): ReadableSpan[] {
    return this.finished.slice();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

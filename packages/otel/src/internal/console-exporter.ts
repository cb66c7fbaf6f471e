import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { lateSpansNote, renderTrace, toRenderSpan, TraceAssembler } from "./render.js";
import type { AssembledTrace, RenderSpan } from "./render.js";

/** How long a trace whose root has ended waits for more spans: as long as `calltree collect` waits. */
const DEFAULT_SETTLE_MILLIS = 200;

export interface ConsoleExporterOptions {
  /** Receives each rendered trace (with a trailing newline). */
  write: (text: string) => void;
  color: boolean;
  /** Spans held while their trace is unfinished; past it the oldest trace is printed as it is. */
  maxPendingSpans?: number;
  /**
   * How long a trace waits after its last span once its root has ended, for spans that end just after the root
   * (a call the app started and did not await). Default {@link DEFAULT_SETTLE_MILLIS}; 0 prints at once.
   */
  settleMillis?: number;
}

/**
 * Prints each trace once, as a tree. Spans are grouped by @calltree/render's `TraceAssembler`, as `calltree collect`
 * groups them: a trace is printed a short while (`settleMillis`) after its last span, once its local root has
 * ended and every parent is in, so a span that ends just after its root (a fire-and-forget call) is drawn in its
 * tree, not as a separate "(root span not received)" one. A span that ends later still is printed under a line
 * saying which trace it belongs to. Spans are reduced to small records as they arrive, so unfinished traces hold
 * little memory. Traces still unfinished at shutdown are printed as they are; their header says the root is missing.
 */
export class ConsoleTraceExporter implements SpanExporter {
  private readonly options: ConsoleExporterOptions;
  private readonly settle: number;
  private readonly assembler: TraceAssembler;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(options: ConsoleExporterOptions) {
    this.options = options;
    this.settle = options.settleMillis ?? DEFAULT_SETTLE_MILLIS;
    // A trace still missing its root waits for it however long the root runs (quiet: Infinity); the memory cap,
    // shutdown and exit print it as it is.
    this.assembler = new TraceAssembler({ settle: this.settle, quiet: Infinity, maxPendingSpans: options.maxPendingSpans ?? 100_000 });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("the console exporter is shut down") });
      return;
    }
    try {
      const records: RenderSpan[] = [];
      let localRoots: Set<string> | undefined;
      for (const span of spans) {
        const record = toRenderSpan(span);
        records.push(record);
        // A span whose parent is in another process is the root of what this process can show.
        if (span.parentSpanContext?.isRemote === true) (localRoots ??= new Set()).add(record.spanId);
      }
      const now = performance.now();
      const evicted = this.assembler.add(records, now, localRoots && ((s) => localRoots.has(s.spanId)));
      this.printAll(evicted);
      if (this.settle === 0) this.printAll(this.assembler.takeDue(now));
      else this.schedule();
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Prints, without waiting, every trace whose root has ended and whose parents are all in. */
  forceFlush(): Promise<void> {
    try {
      this.printAll(this.assembler.takeComplete());
    } catch {
      // Printing failed (stderr closed): nothing else to tell.
    }
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.printIncomplete();
    this.closed = true;
    return Promise.resolve();
  }

  /** Prints every trace still held, complete or not (at exit or shutdown). */
  printIncomplete(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.printAll(this.assembler.takeAll());
  }

  /** Wakes up when the next trace is due. The timer never keeps the process alive: exit hooks print what is left. */
  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const at = this.assembler.nextDue();
    if (at === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.printAll(this.assembler.takeDue(performance.now()));
      } catch {
        // see forceFlush
      }
      this.schedule();
    }, Math.max(0, at - performance.now()));
    this.timer.unref?.();
  }

  /**
   * Prints traces; one whose root never ended says so in its header ("root span not received"), spans of a trace
   * printed before come under a line naming it.
   */
  private printAll(traces: AssembledTrace[]): void {
    for (const trace of traces) {
      let text = renderTrace(trace.spans, { color: this.options.color });
      if (trace.late) text = `${lateSpansNote(trace.traceId)}\n${text}`;
      // A blank line after each trace, as `calltree view` separates them.
      this.options.write(`${text}\n\n`);
    }
  }
}

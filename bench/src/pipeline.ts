import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { useTracerProvider } from "@calltree/core/sdk";

/**
 * An exporter that counts the spans it is handed and drops them. It reports success synchronously, so what a
 * row costs is the tracing work itself and not an exporter's I/O.
 */
export class DiscardExporter implements SpanExporter {
  /** Spans handed to this exporter so far. */
  exported = 0;

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** Which SDK span processor a group runs with. */
export type ProcessorKind = "batch" | "simple";

/** The SDK pipeline a group of rows runs against. */
export interface Pipeline {
  readonly processor: ProcessorKind;
  readonly exporter: DiscardExporter;
  /** Exports what the processor still holds. */
  flush(): Promise<void>;
  /** Flushes, shuts the provider down and unregisters everything. */
  close(): Promise<void>;
}

/**
 * Turns tracing on for a group: a `BasicTracerProvider` (SDK 2.12 defaults, but calltree's attribute limit of
 * 10,000 so a 20-message chat keeps all of its attributes) with one span processor over a {@link DiscardExporter},
 * registered as the OpenTelemetry global provider with an AsyncLocalStorage context manager, and handed to
 * calltree with `useTracerProvider()`, as `register()` does. Every row of the group, calltree's and the peers',
 * exports through this one provider: the peers find it as the global provider.
 */
export function tracingOn(processor: ProcessorKind): Pipeline {
  tracingOff();
  const exporter = new DiscardExporter();
  const spanProcessor = processor === "batch" ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider({ spanProcessors: [spanProcessor], spanLimits: { attributeCountLimit: 10_000 } });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  useTracerProvider(provider);
  return {
    processor,
    exporter,
    flush: () => provider.forceFlush(),
    close: async () => {
      await provider.forceFlush();
      await provider.shutdown();
      tracingOff();
    },
  };
}

/**
 * Tracing off: no provider and no context manager registered, the state of an app that never set up
 * OpenTelemetry. What is left is the cost a library pays for leaving its instrumentation in.
 */
export function tracingOff(): void {
  useTracerProvider(undefined);
  trace.disable();
  context.disable();
}

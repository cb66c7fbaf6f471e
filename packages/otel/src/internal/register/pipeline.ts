// Exporter selection: the exporter the resolved config names, and calltree's batching processor in front of it,
// with the fault log and drop reporter that make a lost span visible.
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ResolvedConfig } from "../config.js";
import { ConsoleTraceExporter } from "../console-exporter.js";
import { CalltreeError } from "../core.js";
import { DropReporter, FaultLog, maskUrl } from "../diagnostics.js";
import type { Printer } from "../diagnostics.js";
import { MemorySpanExporter } from "../memory-exporter.js";
import { OtlpHttpSpanExporter } from "../otlp.js";
import type { OtlpConfig, OtlpTransport } from "../otlp.js";
import type { Platform } from "../platform.js";
import { CalltreeSpanProcessor } from "../span-processor.js";

/** What a registration exports through. Only the parts its exporter kind uses are set. */
export interface Pipeline {
  exporter: SpanExporter | undefined;
  /** calltree's batching processor in front of the exporter (none with the `none` exporter). */
  processor: CalltreeSpanProcessor | undefined;
  drops: DropReporter;
  faults: FaultLog | undefined;
  memory: MemorySpanExporter | undefined;
  otlpExporter: OtlpHttpSpanExporter | undefined;
  consoleExporter: ConsoleTraceExporter | undefined;
  /** The exporter finishes an export synchronously (console, file, memory): it can flush in an `exit` handler. */
  synchronous: boolean;
}

/**
 * Throws the CalltreeError for an exporter `platform` cannot run (a file where none can be written, a transport it
 * has not); otherwise returns the OTLP transport (undefined for the other exporters). Called before anything is set up.
 */
export function checkExporter(config: ResolvedConfig, platform: Platform): OtlpTransport | undefined {
  if (config.exporter.kind === "file" && platform.fileExporter === undefined) {
    throw new CalltreeError("INVALID_OPTIONS", `register(): the "file" exporter writes a file, which ${platform.name} cannot: use "otlp" with an endpoint, or "console".`);
  }
  return config.exporter.kind === "otlp" ? pickTransport(config.exporter, platform) : undefined;
}

/** The transport the `transport` option names, or the runtime's default; a CalltreeError where it has not that one. */
function pickTransport(e: OtlpConfig, platform: Platform): OtlpTransport {
  const name = e.transport ?? (Object.keys(platform.transports)[0] as "node" | "fetch");
  const make = platform.transports[name];
  if (make === undefined) {
    throw new CalltreeError(
      "INVALID_OPTIONS",
      `register(): transport "${name}" needs node:http, which ${platform.name} does not have: use transport "fetch", or leave it out.`,
    );
  }
  if (name === "fetch" && Object.keys(e.tls).length > 0) {
    throw new CalltreeError(
      "INVALID_ENVIRONMENT",
      "register(): the OTEL_EXPORTER_OTLP_*CERTIFICATE / *CLIENT_KEY files need transport \"node\" (fetch takes no TLS " +
        "files): use transport \"node\", or trust the certificate in the runtime instead.",
    );
  }
  return make(e);
}

/**
 * Makes the exporter and its processor for `config` on `platform`; `transport` is {@link checkExporter}'s (set for
 * the `otlp` exporter).
 */
export function createPipeline(config: ResolvedConfig, printer: Printer, platform: Platform, transport: OtlpTransport | undefined): Pipeline {
  let exporter: SpanExporter | undefined;
  let memory: MemorySpanExporter | undefined;
  let faults: FaultLog | undefined;
  let otlpExporter: OtlpHttpSpanExporter | undefined;
  let concurrent = 1;
  let synchronous = false;
  let consoleExporter: ConsoleTraceExporter | undefined;
  const e = config.exporter;
  switch (e.kind) {
    case "otlp": {
      faults = new FaultLog(maskUrl(e.url));
      exporter = otlpExporter = new OtlpHttpSpanExporter(e, faults, transport!);
      concurrent = Number.MAX_SAFE_INTEGER;
      break;
    }
    case "console":
      consoleExporter = new ConsoleTraceExporter({
        write: (text) => platform.write(text),
        color: e.color ?? platform.colorDefault(),
      });
      exporter = consoleExporter;
      synchronous = true;
      break;
    case "file":
      exporter = platform.fileExporter!(e.path);
      faults = new FaultLog(e.path);
      synchronous = true;
      break;
    case "memory":
      exporter = memory = new MemorySpanExporter();
      synchronous = true;
      break;
    case "custom":
      exporter = e.exporter;
      faults = new FaultLog(e.exporter.constructor?.name || "custom exporter");
      break;
    case "none":
      break;
  }
  const drops = new DropReporter(printer, faults);
  const processor = exporter === undefined ? undefined : new CalltreeSpanProcessor({
    exporter,
    // The memory exporter is read in place: spans are there as soon as they end.
    maxExportBatchSize: e.kind === "memory" ? 1 : config.batch.maxExportBatchSize,
    // The console exporter prints synchronously and groups traces itself: it gets spans at the next tick, so a span
    // that ends just after its root (a fire-and-forget call) reaches it while the trace is still held.
    scheduledDelayMillis: config.batch.enabled && e.kind !== "console" ? config.batch.scheduledDelayMillis : 0,
    maxQueueSize: config.batch.maxQueueSize,
    maxConcurrentExports: concurrent,
    maxPendingBytes: config.batch.maxPendingMegabytes * 1024 * 1024,
    exportGuardMillis: Math.max(30_000, 2 * (e.kind === "otlp" ? e.timeoutMillis : 10_000)),
    exportOnLocalRootEnd: e.kind === "console" || !config.batch.enabled,
    onDropped: (count, reason, error) => drops.add(count, reason, error),
    onExportFailed: (error) => faults?.error(error),
  });
  return { exporter, processor, drops, faults, memory, otlpExporter, consoleExporter, synchronous };
}

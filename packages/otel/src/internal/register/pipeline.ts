// Exporter selection: the exporter the resolved config names, and calltree's batching processor in front of it,
// with the fault log and drop reporter that make a lost span visible.
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ResolvedConfig } from "../config.js";
import { ConsoleTraceExporter } from "../console-exporter.js";
import { DropReporter, FaultLog, maskUrl } from "../diagnostics.js";
import type { Printer } from "../diagnostics.js";
import { JsonLinesFileExporter } from "../file-exporter.js";
import { MemorySpanExporter } from "../memory-exporter.js";
import { OtlpHttpSpanExporter } from "../otlp.js";
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

/** Whether the console tree is coloured: the option, else `NO_COLOR` / `FORCE_COLOR`, else whether stderr is a TTY. */
function colorWanted(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return process.stderr.isTTY === true;
}

/** Makes the exporter and its processor for `config`. */
export function createPipeline(config: ResolvedConfig, printer: Printer): Pipeline {
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
      exporter = otlpExporter = new OtlpHttpSpanExporter(e, faults);
      concurrent = Number.MAX_SAFE_INTEGER;
      break;
    }
    case "console":
      consoleExporter = new ConsoleTraceExporter({
        write: (text) => process.stderr.write(text),
        color: colorWanted(e.color),
      });
      exporter = consoleExporter;
      synchronous = true;
      break;
    case "file":
      exporter = new JsonLinesFileExporter(e.path);
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

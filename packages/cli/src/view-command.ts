import { createReadStream, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { basename } from "node:path";
import { fromOtlpJson, groupTraces, lateSpansNote, renderTrace, slimSpan, spansOf, traceTotals, TraceAssembler } from "@calltree/render";
import type { AssembledTrace, RenderSpan } from "@calltree/render";
import type { CliIo } from "./cli.js";
import { parse, str, renderOptionsOf, RENDER_FLAGS, RENDER_HELP, UsageError } from "./internal/args.js";
import { lines } from "./internal/lines.js";
import { pageHtml } from "./web/page.js";
import { detail } from "./web/view-model.js";

export const VIEW_HELP = `Usage: calltree view FILE [options]

Render traces stored as OTLP/JSON lines (one ExportTraceServiceRequest per line, as written by
\`calltree collect\` and by the file exporter of @calltree/otel): one tree per trace with its totals
(duration, spans, tokens, cost, errors). FILE may be - for standard input. The file is streamed, so
it can be larger than memory.

Options:
  --trace ID           only the trace with this id (or id prefix, hex)
  --json               print normalized traces as JSON, one object per line, instead of trees
  --html OUT           write the traces as one self-contained web page to OUT instead (the view of
                       \`calltree collect --ui\`; opens offline; every span is held in memory)
${RENDER_HELP}
  -h, --help           show this help

Exit codes: 0 ok, 1 unreadable file or no trace matching --trace, 2 usage error.
`;

const FLAGS = {
  ...RENDER_FLAGS,
  trace: { type: "string" },
  json: { type: "boolean" },
  html: { type: "string" },
} as const;

/**
 * Bytes read since a trace's last span after which it is printed. Exporters write a trace's spans
 * within a few batches of each other, so a trace this quiet is complete; a straggler beyond it is
 * printed as a continuation. Counting bytes (not spans or lines) bounds what is held in memory by the
 * size of the recent file, whatever the size of the spans.
 */
const WINDOW_BYTES = 16 * 1024 * 1024;
/** Above this many spans held for unfinished traces, the least recently seen one is printed early. */
const MAX_PENDING_SPANS = 200_000;
const PROGRESS_EVERY_MS = 1000;
const MAX_WARNINGS = 5;

/** `calltree view FILE`: streams the file and prints each trace once it is complete. */
export async function runView(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, FLAGS);
  if (positionals.length === 0) throw new UsageError("missing FILE (a path, or - for standard input)");
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  const file = positionals[0] as string;
  const wanted = str(values, "trace")?.trim().toLowerCase();
  if (wanted !== undefined && !/^[0-9a-f]{1,32}$/.test(wanted)) {
    throw new UsageError(`--trace takes a trace id in hex (up to 32 characters), not "${str(values, "trace")}"`);
  }
  const renderOptions = renderOptionsOf(values, io.stdout.isTTY === true);
  const json = values.json === true;
  const html = str(values, "html");
  if (html !== undefined && json) throw new UsageError("--json and --html contradict each other");
  if (html !== undefined && html.trim() === "") throw new UsageError("--html takes a file to write");
  // For --html, spans are kept whole (inputs, outputs, messages) until the file is written.
  const kept = new Map<string, RenderSpan[]>();

  let totalBytes: number | undefined;
  if (file !== "-") {
    try {
      const stat = statSync(file);
      if (stat.isDirectory()) throw new Error("it is a directory");
      totalBytes = stat.size;
    } catch (error) {
      io.stderr.write(`calltree view: cannot read ${file}: ${(error as Error).message}\n`);
      return 1;
    }
  }
  const input = file === "-" ? io.stdin : createReadStream(file, { highWaterMark: 1 << 20 });

  const started = performance.now();
  let lastProgress = started;
  let bytesRead = 0;
  let spansRead = 0;
  let tracesPrinted = 0;
  let skipped = 0;
  const assembler = new TraceAssembler({ settle: WINDOW_BYTES, quiet: WINDOW_BYTES, maxPendingSpans: MAX_PENDING_SPANS });

  // Output waits for a slow reader (a pipe into `less`, `jq`): without that, a large file's output
  // would pile up in memory.
  let blocked = false;
  const write = (text: string): void => {
    if (!io.stdout.write(text)) blocked = true;
  };
  const drained = async (): Promise<void> => {
    if (!blocked) return;
    blocked = false;
    await once(io.stdout, "drain");
  };
  const print = (batch: AssembledTrace[]): void => {
    if (batch.length === 0) return;
    if (html !== undefined) {
      for (const assembled of batch) {
        let spans = kept.get(assembled.traceId);
        if (!spans) kept.set(assembled.traceId, (spans = []));
        for (const span of assembled.spans) spans.push(span);
      }
      return;
    }
    const late = new Set(batch.filter((t) => t.late).map((t) => t.traceId));
    // Traces due together print in start order, so the output does not depend on batch boundaries.
    for (const trace of groupTraces(batch.flatMap((t) => t.spans))) {
      if (json) {
        const record = { traceId: trace.traceId, ...(late.has(trace.traceId) ? { late: true } : {}), totals: traceTotals(trace), spans: spansOf(trace) };
        write(`${JSON.stringify(record, bigintAsString)}\n`);
      } else {
        let text = renderTrace(trace, renderOptions);
        if (late.has(trace.traceId)) text = `${lateSpansNote(trace.traceId)}\n${text}`;
        write(`${tracesPrinted > 0 ? "\n" : ""}${text}\n`);
      }
      tracesPrinted++;
    }
  };
  const warn = (message: string): void => {
    skipped++;
    if (skipped <= MAX_WARNINGS) io.stderr.write(`calltree view: ${message}\n`);
  };

  try {
    for await (const line of lines(input as AsyncIterable<Buffer>)) {
      bytesRead += line.bytes;
      if (line.text.trim() === "") continue;
      let request: unknown;
      try {
        request = JSON.parse(line.text);
      } catch (error) {
        warn(`${file}:${line.number}: not JSON (${(error as Error).message}), skipped`);
        continue;
      }
      if (typeof request !== "object" || request === null || !Array.isArray((request as { resourceSpans?: unknown }).resourceSpans)) {
        warn(`${file}:${line.number}: not an OTLP/JSON trace request (no resourceSpans), skipped`);
        continue;
      }
      let spans: RenderSpan[] = fromOtlpJson(request);
      if (wanted !== undefined) spans = spans.filter((span) => span.traceId.startsWith(wanted));
      // Trees need a handful of attributes; dropping the rest (inputs, outputs) keeps memory small.
      if (!json && html === undefined) spans = spans.map(slimSpan);
      spansRead += spans.length;
      print(assembler.add(spans, bytesRead));
      print(assembler.takeDue(bytesRead));
      await drained();

      const now = performance.now();
      if (io.stderr.isTTY && now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        const of = totalBytes ? ` of ${megabytes(totalBytes)}` : "";
        io.stderr.write(`\rcalltree view: ${megabytes(bytesRead)}${of}, ${spansRead.toLocaleString("en-US")} spans…`);
      }
    }
  } catch (error) {
    if (io.stderr.isTTY && lastProgress !== started) io.stderr.write("\n");
    io.stderr.write(`calltree view: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  print(assembler.takeAll());
  await drained();
  if (html !== undefined) {
    const traces = groupTraces([...kept.values()].flat()).map(detail);
    tracesPrinted = traces.length;
    const page = pageHtml({ mode: "file", traces }, `calltree: ${basename(file === "-" ? "stdin" : file)}`);
    try {
      writeFileSync(html, page);
    } catch (error) {
      io.stderr.write(`calltree view: cannot write ${html}: ${(error as Error).message}\n`);
      return 1;
    }
    io.stderr.write(`calltree view: wrote ${traces.length.toLocaleString("en-US")} trace(s) to ${html} (${kilobytes(Buffer.byteLength(page))})\n`);
  }

  const elapsed = performance.now() - started;
  if (io.stderr.isTTY && lastProgress !== started) io.stderr.write("\r\u001b[K");
  if (elapsed >= PROGRESS_EVERY_MS || skipped > 0) {
    const skippedNote = skipped > 0 ? `; ${skipped} line(s) skipped` : "";
    io.stderr.write(
      `calltree view: read ${megabytes(bytesRead)}, ${spansRead.toLocaleString("en-US")} spans, ${tracesPrinted.toLocaleString("en-US")} traces in ${(elapsed / 1000).toFixed(2)}s${skippedNote}\n`,
    );
  }
  if (wanted !== undefined && tracesPrinted === 0) {
    io.stderr.write(`calltree view: no trace matching ${wanted} in ${file}\n`);
    return 1;
  }
  if (tracesPrinted === 0) io.stderr.write(`calltree view: no traces in ${file}\n`);
  return 0;
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

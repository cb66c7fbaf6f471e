import { resolve } from "node:path";
import { lateSpansNote, renderTrace } from "@calltree/render";
import { startCollector } from "./collector.js";
import { startWebView } from "./web/web-server.js";
import type { WebView } from "./web/web-server.js";
import type { CliIo } from "./cli.js";
import { integer, parse, str, renderOptionsOf, RENDER_FLAGS, RENDER_HELP, UsageError } from "./internal/args.js";

export const COLLECT_HELP = `Usage: calltree collect [options]

Receive traces over OTLP/HTTP at POST /v1/traces (application/x-protobuf or application/json,
optionally gzip or deflate), print each trace as a tree once its root span and children are in, and
append every request to a file as OTLP/JSON lines. Ctrl-C prints what is pending and exits.

Point an exporter at it, e.g. OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:6006 or
PHOENIX_COLLECTOR_ENDPOINT=http://127.0.0.1:6006.

Options:
  --port N             port to listen on (default 6006; 0 picks a free one)
  --host HOST          interface to bind (default 127.0.0.1, this machine only)
  --out FILE           file to append OTLP/JSON lines to (default traces.jsonl)
  --no-out             print only, store nothing
  --quiet-ms N         print a trace still missing its root N ms after its last span (default 5000)
  --max-body-mb N      answer 413 to bodies over N MiB, compressed or not (default 32)
  --ui                 also serve a live web view of the traces on http://127.0.0.1:PORT/ (this
                       machine only, whatever --host says)
  --ui-port N          port of the web view (default 6007; 0 picks a free one)
  --ui-max-traces N    traces the web view keeps; older ones are let go (default 10000)
${RENDER_HELP}
  -h, --help           show this help

Trees go to stdout; the startup line and errors go to stderr.
`;

const FLAGS = {
  ...RENDER_FLAGS,
  port: { type: "string" },
  host: { type: "string" },
  out: { type: "string" },
  "no-out": { type: "boolean" },
  "quiet-ms": { type: "string" },
  "max-body-mb": { type: "string" },
  ui: { type: "boolean" },
  "ui-port": { type: "string" },
  "ui-max-traces": { type: "string" },
} as const;

/** `calltree collect`: runs until SIGINT/SIGTERM, then prints pending traces and resolves 0. */
export async function runCollect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, FLAGS);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values["no-out"] && str(values, "out") !== undefined) throw new UsageError("--out and --no-out contradict each other");
  const renderOptions = renderOptionsOf(values, io.stdout.isTTY === true);
  const out = values["no-out"] ? undefined : resolve(str(values, "out") ?? "traces.jsonl");
  const maxBodyMb = integer(str(values, "max-body-mb"), "max-body-mb", 32, 1, 4096);
  const ui = values.ui === true;
  if (!ui && (str(values, "ui-port") !== undefined || str(values, "ui-max-traces") !== undefined)) {
    throw new UsageError("--ui-port and --ui-max-traces need --ui");
  }
  const uiPort = integer(str(values, "ui-port"), "ui-port", 6007, 0, 65535);
  const uiMaxTraces = integer(str(values, "ui-max-traces"), "ui-max-traces", 10_000, 1, 1_000_000);

  const collector = await startCollector({
    port: integer(str(values, "port"), "port", 6006, 0, 65535),
    host: str(values, "host") ?? "127.0.0.1",
    out,
    quietMs: integer(str(values, "quiet-ms"), "quiet-ms", 5000, 0),
    maxBodyBytes: maxBodyMb * 1024 * 1024,
    onError: (error) => io.stderr.write(`calltree collect: ${error.message}\n`),
  });

  let web: WebView | undefined;
  if (ui) {
    try {
      web = await startWebView({
        port: uiPort,
        maxTraces: uiMaxTraces,
        onError: (error) => io.stderr.write(`calltree collect: web view: ${error.message}\n`),
      });
    } catch (error) {
      await collector.close();
      throw error;
    }
    const view = web;
    collector.onTrace((trace, info) => view.add(trace, info.late));
  }

  let printed = false;
  collector.onTrace((trace, info) => {
    let text = renderTrace(trace, renderOptions);
    if (info.late) text = `${lateSpansNote(trace.traceId)}\n${text}`;
    io.stdout.write(`${printed ? "\n" : ""}${text}\n`);
    printed = true;
  });

  if (web) io.stderr.write(`calltree collect: web view on ${web.url}\n`);
  io.stderr.write(
    `calltree collect: listening on ${collector.tracesUrl} (OTLP/HTTP, protobuf or JSON); ${out ? `appending to ${out}` : "not storing (--no-out)"}\n`,
  );

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  // A second Ctrl-C during the flush is ignored (the close takes at most a couple of seconds).
  const ignore = (): void => {};
  process.on("SIGINT", ignore);
  process.on("SIGTERM", ignore);
  await collector.close();
  await web?.close();
  return 0;
}

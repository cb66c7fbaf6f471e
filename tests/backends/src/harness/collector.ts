// A real OpenTelemetry Collector (built by scripts/install.mjs with the Collector Builder) receiving OTLP/HTTP on
// a free port of 127.0.0.1 and forwarding to Phoenix with the otlphttp exporter. Ended by close().
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendPaths } from "./paths.js";
import { freePort, ServerProcess } from "./process.js";

/** How the Collector holds spans between receiving and forwarding them. */
export type CollectorMode =
  /** otlp receiver → batch processor → otlphttp exporter: the usual set-up. The app's export succeeds once the
   *  Collector has the spans in memory. */
  | "batch"
  /** otlp receiver → otlphttp exporter whose queue waits for the result: the app's export succeeds only once
   *  Phoenix has the spans, so a Collector crash is seen (and counted) by the app. */
  | "wait-for-result";

/** The Collector configuration for `mode`, forwarding to `tracesUrl`. What docs/backends.md shows. */
function collectorConfig(options: { port: number; tracesUrl: string; mode: CollectorMode }): string {
  const batch = options.mode === "batch";
  return `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${options.port}
processors:
  batch:
    timeout: 200ms
exporters:
  otlp_http:
    traces_endpoint: ${options.tracesUrl}
    encoding: proto
    compression: gzip
${batch ? "" : "    sending_queue:\n      enabled: true\n      wait_for_result: true\n"}service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [${batch ? "batch" : ""}]
      exporters: [otlp_http]
`;
}

/** A running Collector. */
export interface Collector {
  /** Where the app sends OTLP/HTTP: `http://127.0.0.1:PORT` (the exporter appends `/v1/traces`). */
  readonly url: string;
  readonly tracesUrl: string;
  readonly configPath: string;
  readonly process: ServerProcess;
  /** SIGKILL: the Collector crashes, holding whatever it has not forwarded. */
  kill(): Promise<void>;
  /** Starts it again on the same port and configuration. */
  restart(): Promise<void>;
  tail(lines?: number): string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the Collector forwarding to Phoenix's `tracesUrl`; resolves once its receiver accepts a request. */
export async function startCollector(options: { tracesUrl: string; mode?: CollectorMode }): Promise<Collector> {
  const paths = backendPaths();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "calltree-otelcol-"));
  const configPath = join(dir, "config.yaml");
  writeFileSync(configPath, collectorConfig({ port, tracesUrl: options.tracesUrl, mode: options.mode ?? "batch" }));
  const url = `http://127.0.0.1:${port}`;
  let current: ServerProcess;
  const launch = async () => {
    current = new ServerProcess("otelcol-calltree", paths.otelcol, ["--config", configPath], { env: process.env });
    // An empty ExportTraceServiceRequest (zero bytes of protobuf) is a valid request: 200 once the receiver is up.
    await current.waitUntil(`an OTLP/HTTP receiver on ${url}`, async () => {
      const r = await fetch(`${url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/x-protobuf" },
        body: new Uint8Array(0),
      });
      return r.ok;
    });
  };
  try {
    await launch();
  } catch (error) {
    await current!.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const close = async () => {
    await current.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    configPath,
    get process() {
      return current;
    },
    kill: () => current.kill(),
    restart: launch,
    tail: (lines) => current.tail(lines),
    close,
    [Symbol.asyncDispose]: close,
  };
}

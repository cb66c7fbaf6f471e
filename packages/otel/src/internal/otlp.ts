import http from "node:http";
import https from "node:https";
import { gzip } from "node:zlib";
import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ExporterConfig } from "./config.js";
import { classifyError } from "./diagnostics.js";
import type { FaultLog } from "./diagnostics.js";

type OtlpConfig = Extract<ExporterConfig, { kind: "otlp" }>;

/** Requests to one endpoint at once; further batches wait, already encoded, for a free connection. */
const MAX_SOCKETS = 8;
/** Largest response body read (OTLP answers are tiny; an error page can be large). */
const MAX_RESPONSE_BYTES = 64 * 1024;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5_000;
const MIN_RETRY_MS = 100;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "ENETUNREACH", "EHOSTUNREACH", "ECONNABORTED",
]);
const USER_AGENT = "calltree-otel/0.1.0 (OTLP/HTTP)";

/** An export error that says what happened on the wire: a socket error code or an HTTP status. */
class OtlpExportError extends Error {
  readonly code: string | number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, code: string | number | undefined, retryable: boolean, retryAfterMs?: number) {
    super(message);
    this.name = "OtlpExportError";
    this.code = code;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

function retryAfter(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}


const abortedError = () => new OtlpExportError("the export was abandoned (shutdown)", "aborted", false);

/**
 * OTLP over HTTP with OpenTelemetry's own encoders (`ProtobufTraceSerializer`, `JsonTraceSerializer` from
 * `@opentelemetry/otlp-transformer`) and calltree's transport:
 * - spans are encoded inside `export()`, synchronously, so a batch is held as bytes from then on;
 * - `timeoutMillis` is a deadline for the whole export, from `export()` to the last byte of the answer, retries
 *   included: a server that trickles its answer in (each byte resets a socket's idle timeout) cannot hold a
 *   request, nor one of the sockets, beyond it;
 * - retries (connection errors, timeouts, HTTP 429/502/503/504, honouring `Retry-After`) back off exponentially
 *   within that deadline; when the deadline ends a retry or its back-off, the export fails with the fault that made
 *   it retry, which is what the endpoint did (not with a timeout of calltree's own making);
 * - sockets and retry timers are unref'd: an export in progress never keeps the process alive (the exit hooks
 *   flush, bounded by `flushTimeoutMillis`), unlike the transport of `@opentelemetry/exporter-trace-otlp-*`,
 *   whose retry timers hold a process whose endpoint is down for up to 10 s;
 * - every attempt's fault is reported to `faults` at once, not only when the retries run out; requests ended by
 *   {@link OtlpHttpSpanExporter.abort} are not faults of the endpoint and are not reported.
 */
export class OtlpHttpSpanExporter implements SpanExporter {
  private readonly config: OtlpConfig;
  private readonly faults: FaultLog;
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly pending = new Set<Promise<void>>();
  /** How to end each request in progress and each back-off sleep at once (see abort()). */
  private readonly cancels = new Set<() => void>();
  /** How to end each back-off sleep now (see retryNow()). */
  private readonly sleepers = new Set<() => void>();
  private aborted = false;
  private closed = false;

  constructor(config: OtlpConfig, faults: FaultLog) {
    this.config = config;
    this.faults = faults;
    this.url = new URL(config.url);
    this.agent = this.url.protocol === "https:"
      ? new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, ...config.tls })
      : new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.closed) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("the OTLP exporter is shut down") });
      return;
    }
    let body: Uint8Array | undefined;
    try {
      body = this.config.protocol === "http/json"
        ? JsonTraceSerializer.serializeRequest(spans)
        : ProtobufTraceSerializer.serializeRequest(spans);
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    if (body === undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("the spans could not be encoded") });
      return;
    }
    const done = this.deliver(body).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: Error) => resultCallback({ code: ExportResultCode.FAILED, error }),
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.forceFlush();
    this.agent.destroy();
  }

  /**
   * Ends every request in progress and every retry waiting (after a shutdown that could not wait for them: their
   * spans are already counted as dropped). The exports fail at once, and nothing is reported as a fault: the
   * endpoint did not cause it.
   */
  abort(): void {
    this.closed = true;
    this.aborted = true;
    for (const cancel of [...this.cancels]) cancel();
    this.agent.destroy();
  }

  /**
   * Ends every back-off wait: the exports waiting to retry try again now. A flush at exit or shutdown calls it, so
   * an endpoint that is still down says so at once instead of after the back-off.
   */
  retryNow(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  /** Sends one encoded batch, retrying within the export timeout. Rejects with the last fault of the endpoint. */
  private async deliver(raw: Uint8Array): Promise<void> {
    const deadline = Date.now() + this.config.timeoutMillis;
    const body = this.config.compression === "gzip" ? await gzipAsync(raw) : raw;
    let backoff = FIRST_BACKOFF_MS;
    /** The fault that made the export retry: it, not the deadline, is why a retry that runs out of time fails. */
    let last: OtlpExportError | undefined;
    for (;;) {
      if (this.aborted) throw abortedError();
      const remaining = deadline - Date.now();
      // Timers run late when the app keeps the event loop busy: a back-off sleep can end after the deadline.
      if (remaining <= 0) throw last ?? new OtlpExportError(`no answer within ${this.config.timeoutMillis} ms`, "timeout", true);
      try {
        await this.post(body, remaining);
        return;
      } catch (error) {
        const e = error as OtlpExportError;
        if (this.aborted) throw abortedError();
        // A retry cut short by what was left of the deadline: the export failed because of the earlier fault.
        if (e.code === "timeout" && last !== undefined) throw last;
        const { key, text } = classifyError(e);
        this.faults.fault(key, text);
        if (!e.retryable || this.closed) throw e;
        last = e;
        // A server asking for an immediate retry still gets a short pause: a busy server is not hammered.
        const wait = Math.max(MIN_RETRY_MS, e.retryAfterMs ?? backoff * (0.8 + Math.random() * 0.4));
        backoff = Math.min(backoff * 1.5, MAX_BACKOFF_MS);
        if (Date.now() + wait >= deadline) throw e;
        await this.sleep(wait);
      }
    }
  }

  /** Waits `ms`, or less when abort() is called. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.cancels.delete(wake);
        this.sleepers.delete(wake);
        resolve();
      };
      // A retry never keeps the process alive on its own: at exit, the exit flush decides how long to wait.
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.cancels.add(wake);
      this.sleepers.add(wake);
    });
  }

  /** One attempt: ends with the whole answer, an error, or after `timeoutMs` whatever the socket is doing. */
  private post(body: Uint8Array, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (error?: OtlpExportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.cancels.delete(cancel);
        if (error) reject(error);
        else resolve();
      };
      const headers: Record<string, string | number> = {
        ...this.config.headers,
        "content-type": this.config.protocol === "http/json" ? "application/json" : "application/x-protobuf",
        "content-length": body.length,
        "user-agent": USER_AGENT,
      };
      if (this.config.compression === "gzip") headers["content-encoding"] = "gzip";
      const request = (this.url.protocol === "https:" ? https : http).request(this.url, { method: "POST", agent: this.agent, headers });
      const cancel = () => {
        finish(abortedError());
        request.destroy();
      };
      this.cancels.add(cancel);
      request.on("socket", (socket) => socket.unref());
      // A deadline, not the socket's idle timeout (request.setTimeout), which every byte of a dripped answer resets.
      // It also covers the wait for a free socket. A timer that fires late (the app kept the event loop busy) waits
      // one more turn, so that an answer or error already received is told rather than a timeout.
      timer = setTimeout(() => {
        setImmediate(() => {
          finish(new OtlpExportError(`no answer within ${this.config.timeoutMillis} ms`, "timeout", true));
          request.destroy();
        });
      }, timeoutMs);
      timer.unref();
      request.on("error", (error: NodeJS.ErrnoException) => {
        const code = error.code;
        finish(new OtlpExportError(error.message, code, code !== undefined && RETRYABLE_CODES.has(code)));
      });
      request.on("response", (response) => {
        let size = 0;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        response.on("error", () => finish(new OtlpExportError("the response was cut off", "ECONNRESET", true)));
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            finish();
            return;
          }
          const detail = Buffer.concat(chunks).toString("utf8").slice(0, 300).replace(/\s+/g, " ").trim();
          finish(new OtlpExportError(
            `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ""}${detail ? `: ${detail}` : ""}`,
            status,
            RETRYABLE_STATUS.has(status),
            retryAfter(response.headers["retry-after"] as string | undefined),
          ));
        });
      });
      request.end(body);
    });
  }
}

function gzipAsync(data: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => gzip(data, (error, out) => (error ? reject(error) : resolve(out))));
}

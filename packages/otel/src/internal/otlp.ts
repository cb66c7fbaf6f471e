import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { ExporterConfig } from "./config.js";
import { classifyError } from "./diagnostics.js";
import type { FaultLog } from "./diagnostics.js";

export type OtlpConfig = Extract<ExporterConfig, { kind: "otlp" }>;

/** Largest response body read (OTLP answers are tiny; an error page can be large). */
export const MAX_RESPONSE_BYTES = 64 * 1024;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5_000;
const MIN_RETRY_MS = 100;
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
export const RETRYABLE_CODES = new Set([
  "ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND", "ENETUNREACH", "EHOSTUNREACH", "ECONNABORTED",
]);
const USER_AGENT = "calltree-otel/0.1.0 (OTLP/HTTP)";

/** An export error that says what happened on the wire: a socket error code or an HTTP status. */
export class OtlpExportError extends Error {
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

/** The error of an answer that is not 2xx: its status line and the start of its body, never more. */
export function statusError(status: number, statusText: string, body: string, retryAfterHeader: string | null | undefined): OtlpExportError {
  const detail = body.slice(0, 300).replace(/\s+/g, " ").trim();
  return new OtlpExportError(
    `HTTP ${status}${statusText ? ` ${statusText}` : ""}${detail ? `: ${detail}` : ""}`,
    status,
    RETRYABLE_STATUS.has(status),
    retryAfter(retryAfterHeader ?? undefined),
  );
}

function retryAfter(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const abortedError = () => new OtlpExportError("the export was abandoned (shutdown)", "aborted", false);

/** One request of an export, as a transport sends it. */
export interface OtlpRequest {
  body: Uint8Array;
  headers: Record<string, string>;
  /**
   * Aborted when the attempt must end now: its reason is the {@link OtlpExportError} the attempt fails with (the
   * deadline passed, or the exporter was aborted). The transport stops reading or writing at once.
   */
  signal: AbortSignal;
}

/**
 * How bytes reach the endpoint: `node:http` (Node, Bun, Deno) or `fetch` (edge runtimes and Workers). A transport
 * only sends: the deadline, retries, back-off and fault reporting are {@link OtlpHttpSpanExporter}'s, the same for
 * every transport.
 */
export interface OtlpTransport {
  /**
   * One attempt: resolves when the whole 2xx answer has arrived; rejects with an {@link OtlpExportError} (a network
   * error code or an HTTP status, `retryable` set as the policy needs), or with the signal's reason once aborted.
   */
  send(request: OtlpRequest): Promise<void>;
  /** gzip. */
  gzip(data: Uint8Array): Promise<Uint8Array>;
  /** Frees connections kept for reuse; requests in progress are ended by their signals first. */
  close(): void;
  /**
   * Requests sent at once at most; further batches wait, already encoded, for a free slot (within their deadline).
   * `node:http`: its sockets per endpoint. `fetch`: none (the runtime queues its own connections).
   */
  readonly maxConcurrent: number;
}

/** Keeps a timer from holding the process open where timers can (Node, Bun, Deno); a no-op elsewhere. */
function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}

/** After the I/O already received is handled: `setImmediate` where it exists, else a zero timer. */
const nextTurn: (fn: () => void) => void = typeof globalThis.setImmediate === "function"
  ? (fn) => { unref(globalThis.setImmediate(fn)); }
  : (fn) => { unref(setTimeout(fn, 0)); };

/**
 * OTLP over HTTP with OpenTelemetry's own encoders (`ProtobufTraceSerializer`, `JsonTraceSerializer` from
 * `@opentelemetry/otlp-transformer`) and calltree's delivery policy, over a transport that only sends
 * (`node:http`: internal/otlp-node.ts; `fetch`: internal/otlp-fetch.ts):
 * - spans are encoded inside `export()`, synchronously, so a batch is held as bytes from then on;
 * - `timeoutMillis` is a deadline for the whole export, from `export()` to the last byte of the answer, retries
 *   included: a server that trickles its answer in (each byte resets a socket's idle timeout) cannot hold a
 *   request, nor one of the connections, beyond it;
 * - retries (connection errors, timeouts, HTTP 429/502/503/504, honouring `Retry-After`) back off exponentially
 *   within that deadline; when the deadline ends a retry or its back-off, the export fails with the fault that made
 *   it retry, which is what the endpoint did (not with a timeout of calltree's own making);
 * - retry and deadline timers are unref'd: an export in progress never keeps the process alive (the exit hooks
 *   flush, bounded by `flushTimeoutMillis`), unlike the transport of `@opentelemetry/exporter-trace-otlp-*`,
 *   whose retry timers hold a process whose endpoint is down for up to 10 s;
 * - every attempt's fault is reported to `faults` at once, not only when the retries run out; requests ended by
 *   {@link OtlpHttpSpanExporter.abort} are not faults of the endpoint and are not reported.
 * A failed export's spans are counted as dropped by the span processor, which sees the export fail.
 */
export class OtlpHttpSpanExporter implements SpanExporter {
  private readonly config: OtlpConfig;
  private readonly faults: FaultLog;
  private readonly transport: OtlpTransport;
  private readonly pending = new Set<Promise<void>>();
  /** How to end each request in progress and each back-off sleep at once (see abort()). */
  private readonly cancels = new Set<() => void>();
  /** How to end each back-off sleep now (see retryNow()). */
  private readonly sleepers = new Set<() => void>();
  private aborted = false;
  private closed = false;
  /** Requests being sent, and the attempts waiting for one of them to end (see maxConcurrent). */
  private active = 0;
  private readonly queued: Array<() => void> = [];

  constructor(config: OtlpConfig, faults: FaultLog, transport: OtlpTransport) {
    this.config = config;
    this.faults = faults;
    this.transport = transport;
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
    this.transport.close();
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
    this.transport.close();
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
    const gzip = this.config.compression === "gzip";
    const body = gzip ? await this.transport.gzip(raw) : raw;
    const headers: Record<string, string> = {
      ...this.config.headers,
      "content-type": this.config.protocol === "http/json" ? "application/json" : "application/x-protobuf",
      "user-agent": USER_AGENT,
    };
    if (gzip) headers["content-encoding"] = "gzip";
    let backoff = FIRST_BACKOFF_MS;
    /** The fault that made the export retry: it, not the deadline, is why a retry that runs out of time fails. */
    let last: OtlpExportError | undefined;
    for (;;) {
      if (this.aborted) throw abortedError();
      const remaining = deadline - Date.now();
      // Timers run late when the app keeps the event loop busy: a back-off sleep can end after the deadline.
      if (remaining <= 0) throw last ?? new OtlpExportError(`no answer within ${this.config.timeoutMillis} ms`, "timeout", true);
      try {
        await this.attempt(body, headers, remaining);
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
      unref(timer);
      this.cancels.add(wake);
      this.sleepers.add(wake);
    });
  }

  /** One attempt through the transport: ends with the whole answer, an error, or after `timeoutMs` whatever it does. */
  private async attempt(body: Uint8Array, headers: Record<string, string>, timeoutMs: number): Promise<void> {
    const controller = new AbortController();
    const cancel = () => controller.abort(abortedError());
    this.cancels.add(cancel);
    // A deadline, not a socket's idle timeout, which every byte of a dripped answer resets. It also covers the wait
    // for a free connection. A timer that fires late (the app kept the event loop busy) waits one more turn, so that
    // an answer or error already received is told rather than a timeout.
    const timer = setTimeout(() => nextTurn(() => {
      controller.abort(new OtlpExportError(`no answer within ${this.config.timeoutMillis} ms`, "timeout", true));
    }), timeoutMs);
    unref(timer);
    try {
      await this.acquire(controller.signal);
      try {
        await this.transport.send({ body, headers, signal: controller.signal });
      } finally {
        this.release();
      }
    } finally {
      clearTimeout(timer);
      this.cancels.delete(cancel);
    }
  }

  /** A free request slot, or the signal's reason once aborted while waiting for one. */
  private acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.transport.maxConcurrent) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const at = this.queued.indexOf(take);
        if (at >= 0) this.queued.splice(at, 1);
        reject(signal.reason);
      };
      // The slot passes from the request that ends to this one: `active` stays as it is.
      const take = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      this.queued.push(take);
      signal.addEventListener("abort", onAbort);
    });
  }

  private release(): void {
    const next = this.queued.shift();
    if (next) next();
    else this.active--;
  }
}

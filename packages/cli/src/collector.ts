import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createWriteStream } from "node:fs";
import type { WriteStream } from "node:fs";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { fromOtlpJson, groupTraces, TraceAssembler } from "@calltree/render";
import type { AssembledTrace, RenderTrace } from "@calltree/render";
import { BadRequestError, decodeRequest, encodeResponse, encodeStatus, encodingOf } from "./internal/otlp-codec.js";
import type { OtlpEncoding } from "./internal/otlp-codec.js";
import { BodyError, decoderFor, readBody } from "./internal/read-body.js";

/** Options of {@link startCollector}. Every field has a default. */
export interface CollectorOptions {
  /** TCP port; `0` picks a free one (read it back from {@link Collector.port}). Default 6006. */
  port?: number | undefined;
  /** Interface to bind. Default `127.0.0.1` (loopback only). */
  host?: string | undefined;
  /**
   * File to append every accepted request to, one OTLP/JSON `ExportTraceServiceRequest` per line (the
   * format of the `file` exporter of `@calltree/otel`, read back by `calltree view`). Default: none.
   */
  out?: string | undefined;
  /** A trace still missing its root (or a parent) is handed out this long after its last span. Default 5000 ms. */
  quietMs?: number | undefined;
  /** A trace whose root and parents are all in is handed out this long after its last span. Default 200 ms. */
  settleMs?: number | undefined;
  /** Largest body accepted, compressed and decompressed (413 beyond). Default 32 MiB. */
  maxBodyBytes?: number | undefined;
  /** Time allowed to send the request headers (slow-loris guard; answered 408). Default 10 s. */
  headersTimeoutMs?: number | undefined;
  /** Time allowed for the whole request, body included (answered 408). Default 30 s. */
  requestTimeoutMs?: number | undefined;
  /** Receives failures that do not stop the collector (a listener that threw, a failed file write). */
  onError?: ((error: Error) => void) | undefined;
}

/** Details handed to {@link Collector.onTrace} listeners along with the trace. */
export interface TraceInfo {
  /** True when this trace id was handed out before: these spans arrived after it was considered complete. */
  late: boolean;
}

/** Counters of a running collector. */
export interface CollectorStats {
  /** Requests answered 200. */
  requests: number;
  acceptedSpans: number;
  rejectedSpans: number;
}

/** A running OTLP/HTTP trace receiver ({@link startCollector}). */
export interface Collector {
  /** Base URL, e.g. `http://127.0.0.1:6006` (what `PHOENIX_COLLECTOR_ENDPOINT` expects). */
  readonly url: string;
  /** The traces endpoint, `${url}/v1/traces` (what an OTLP trace exporter's `url` expects). */
  readonly tracesUrl: string;
  readonly host: string;
  readonly port: number;
  /** The file requests are appended to, if any. */
  readonly out: string | undefined;
  readonly stats: Readonly<CollectorStats>;
  /**
   * Calls `listener` with each trace once it looks complete (see {@link CollectorOptions.settleMs} and
   * {@link CollectorOptions.quietMs}). Returns a function that removes the listener. A listener that
   * throws is reported to `onError` and does not affect the others.
   */
  onTrace(listener: (trace: RenderTrace, info: TraceInfo) => void): () => void;
  /** Hands out every pending trace now, complete or not. */
  flush(): void;
  /**
   * Stops accepting connections, lets requests in progress finish (at most 2 s), hands out every
   * pending trace and closes the file. Idempotent.
   */
  close(): Promise<void>;
}

const DEFAULTS = {
  port: 6006,
  host: "127.0.0.1",
  quietMs: 5000,
  settleMs: 200,
  maxBodyBytes: 32 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};
const TRACES_PATH = "/v1/traces";
const CLOSE_GRACE_MS = 2000;
const MAX_PENDING_SPANS = 1_000_000;
const LINGER_BYTES = 8 * 1024 * 1024;
const LINGER_MS = 2000;

/**
 * Starts a local OTLP/HTTP receiver for traces: `POST /v1/traces` with `application/x-protobuf` or
 * `application/json`, optionally gzip- or deflate-compressed. It answers as an OTLP collector does:
 * 200 with an `ExportTraceServiceResponse` in the request's encoding (`partialSuccess` counts spans
 * dropped for invalid ids), 400 for a malformed body, 413 above `maxBodyBytes`, 415 for other
 * content types or encodings, 405 for other methods, 404 for other paths, 503 when the `out` file
 * cannot be written (exporters retry), 408 to clients too slow to send headers or body. No request
 * can stop it. See docs/cli.md.
 *
 * Resolves once listening; rejects when the port cannot be bound or the `out` file cannot be opened.
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const settings = {
    port: options.port ?? DEFAULTS.port,
    host: options.host ?? DEFAULTS.host,
    quietMs: options.quietMs ?? DEFAULTS.quietMs,
    settleMs: Math.min(options.settleMs ?? DEFAULTS.settleMs, options.quietMs ?? DEFAULTS.quietMs),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    headersTimeoutMs: options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
  };
  const reportError = (error: unknown): void => {
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // The error sink itself failed; nothing is left to tell.
    }
  };

  const file = options.out === undefined ? undefined : await openAppend(options.out);
  const listeners = new Set<(trace: RenderTrace, info: TraceInfo) => void>();
  const stats: CollectorStats = { requests: 0, acceptedSpans: 0, rejectedSpans: 0 };
  const assembler = new TraceAssembler({ settle: settings.settleMs, quiet: settings.quietMs, maxPendingSpans: MAX_PENDING_SPANS });

  const emit = (traces: AssembledTrace[]): void => {
    for (const assembled of traces) {
      const [trace] = groupTraces(assembled.spans);
      if (!trace) continue;
      for (const listener of listeners) {
        try {
          listener(trace, { late: assembled.late });
        } catch (error) {
          reportError(error);
        }
      }
    }
  };

  const append = (line: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (!file || file.destroyed) return reject(new Error(`cannot write to ${options.out}: the file is closed`));
      file.write(line, (error) => (error ? reject(error) : resolve()));
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== TRACES_PATH) return answerText(req, res, 404, `not found: send OTLP traces to POST ${TRACES_PATH}\n`);
    if (req.method !== "POST") return answerText(req, res, 405, `method ${req.method} not allowed: use POST\n`, { allow: "POST" });
    const encoding = encodingOf(req.headers["content-type"]);
    if (!encoding) {
      return answerText(req, res, 415, "unsupported Content-Type: use application/x-protobuf or application/json\n");
    }
    let body: Buffer;
    try {
      const decoder = decoderFor(req.headers["content-encoding"]);
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > settings.maxBodyBytes) throw new BodyError(413, `body of ${declared} bytes is larger than ${settings.maxBodyBytes} bytes`);
      body = await readBody(req, settings.maxBodyBytes, decoder);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      return answerStatus(req, res, error.status, encoding, error.message);
    }
    let decoded;
    try {
      decoded = decodeRequest(body, encoding);
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      return answerStatus(req, res, 400, encoding, error.message);
    }
    if (file && decoded.acceptedSpans > 0) {
      try {
        await append(`${JSON.stringify(decoded.request)}\n`);
      } catch (error) {
        reportError(error);
        // 503 tells an OTLP exporter to retry later rather than drop the batch.
        return answerStatus(req, res, 503, encoding, `cannot store spans: ${(error as Error).message}`, 14);
      }
    }
    stats.requests++;
    stats.acceptedSpans += decoded.acceptedSpans;
    stats.rejectedSpans += decoded.rejectedSpans;
    emit(assembler.add(fromOtlpJson(decoded.request), performance.now()));
    const message = decoded.rejectedSpans > 0 ? `${decoded.rejectedSpans} span(s) rejected: ${decoded.rejectReason}` : undefined;
    answer(res, 200, contentTypeOf(encoding), encodeResponse(encoding, decoded.rejectedSpans, message));
  };

  const server = createServer(
    {
      // Node refuses a headers timeout longer than the request timeout.
      headersTimeout: Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs),
      requestTimeout: settings.requestTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default), too coarse for short limits.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        reportError(error);
        if (!res.headersSent) answerText(req, res, 500, "internal error\n");
        else res.destroy();
      });
    },
  );
  try {
    server.listen(settings.port, settings.host);
    await once(server, "listening");
    server.on("error", reportError);
  } catch (error) {
    file?.destroy();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new Error(`port ${settings.port} on ${settings.host} is in use: pick another with --port`, { cause: error });
    throw error;
  }

  const port = (server.address() as AddressInfo).port;
  const hostInUrl = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  const url = `http://${hostInUrl}:${port}`;
  const sweep = setInterval(
    () => emit(assembler.takeDue(performance.now())),
    Math.max(10, Math.min(250, Math.floor(Math.min(settings.settleMs, settings.quietMs) / 2))),
  );
  sweep.unref();

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    clearInterval(sweep);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(force);
    emit(assembler.takeAll());
    if (file && !file.destroyed) {
      file.end();
      await once(file, "close").catch(reportError);
    }
  };

  return {
    url,
    tracesUrl: `${url}${TRACES_PATH}`,
    host: settings.host,
    port,
    out: options.out,
    stats,
    onTrace(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush() {
      emit(assembler.takeAll());
    },
    close() {
      closing ??= close();
      return closing;
    },
  };
}

async function openAppend(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: "a" });
  try {
    await once(stream, "open");
  } catch (error) {
    throw new Error(`cannot open ${path} for appending: ${(error as Error).message}`, { cause: error });
  }
  return stream;
}

function contentTypeOf(encoding: OtlpEncoding): string {
  return encoding === "protobuf" ? "application/x-protobuf" : "application/json";
}

function answer(res: ServerResponse, status: number, contentType: string, body: Uint8Array | string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * Answers a request whose body may not have been (fully) read. Nothing more is kept, but up to
 * `LINGER_BYTES` of what the client is still sending are read and discarded for at most `LINGER_MS`,
 * so the client sees the answer instead of a connection reset; past either bound the connection is
 * cut. (Closing at once with unread data makes the kernel send a reset that can overtake the answer.)
 */
function answerEarly(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: Uint8Array | string, headers: Record<string, string> = {}): void {
  answer(res, status, contentType, body, headers);
  if (req.complete) return;
  let discarded = 0;
  const cut = (): void => {
    req.socket.destroy();
  };
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) cut();
  });
  req.on("end", () => clearTimeout(timer));
  req.on("close", () => clearTimeout(timer));
  req.resume();
}

function answerText(req: IncomingMessage, res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  answerEarly(req, res, status, "text/plain; charset=utf-8", text, headers);
}

function answerStatus(req: IncomingMessage, res: ServerResponse, status: number, encoding: OtlpEncoding, message: string, code = 3): void {
  answerEarly(req, res, status, contentTypeOf(encoding), encodeStatus(encoding, message, code));
}

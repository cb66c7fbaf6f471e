// A real OTLP/HTTP trace receiver on 127.0.0.1 whose answer to each request is scripted: a normal 200, any
// status, or one of the network faults an exporter meets in the field (a reset before or in the middle of the
// answer, bytes that are not HTTP, an answer dripped one byte at a time, a late answer, no answer at all).
// Requests it acknowledges are decoded (protobuf, JSON, gzip, deflate); requests it refuses are only counted,
// so that under a retry storm the receiver's own work does not compete for the CPU with the app under test.
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { countSpans, decodeRequest, isJson } from "./codec.js";
import { groupByTrace, spansOf } from "./spans.js";
import type { ReceivedSpan } from "./spans.js";

/** How the receiver answers one request. */
export type Behaviour =
  /** 200 in the request's encoding (`{}` for JSON, an empty protobuf body otherwise): the spans are acknowledged. */
  | { kind: "ok" }
  /**
   * Any status. With a `body`, that body as `text/plain`; without, the answer a collector gives in the request's
   * encoding (empty protobuf, `{}` or `{"error":…}` JSON). `retryAfter` sets `Retry-After`. A 2xx acknowledges the
   * spans, whatever the body.
   */
  | { kind: "status"; status: number; body?: string | Buffer; retryAfter?: string }
  /** Any status whose body echoes the request's headers and first bytes (a server that leaks what it was sent). */
  | { kind: "echo"; status: number }
  /** The body is read, then the connection is reset (TCP RST) before any byte of an answer. */
  | { kind: "reset-before-response" }
  /** A 200 status line and part of the declared body are sent, then the connection is reset. */
  | { kind: "reset-mid-response" }
  /** Bytes that are not HTTP at all, then the connection is closed. */
  | { kind: "garbage-http" }
  /** A 200 with a declared body of `bytes` bytes, sent one byte every `intervalMs`; acknowledged once complete. */
  | { kind: "drip"; intervalMs: number; bytes: number }
  /** 200 after `delayMs`. */
  | { kind: "slow"; delayMs: number }
  /** The body is read and nothing is ever answered. */
  | { kind: "hang" };

/**
 * A {@link Behaviour}, or a shorthand: a status code (answered like `{ kind: "status", status }`, with the
 * receiver's `retryAfter` on 429 and 503), `"hang"`, or `"drip"` (a 200 whose declared body of 1 MB comes one byte
 * every 50 ms: it never ends in a test's lifetime, yet the socket is never idle).
 */
export type Reply = Behaviour | number | "hang" | "drip";

/** One request the receiver acknowledged, decoded. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** Request path, e.g. `/v1/traces`. */
  path: string;
  contentType: string;
  contentEncoding: string | undefined;
  /** Raw body size on the wire. */
  bytes: number;
  /** Its spans (empty when the receiver only counts). */
  spans: ReceivedSpan[];
  /** Its span count (also when the receiver only counts). */
  spanCount: number;
}

/** Options of {@link startReceiver}. */
export interface ReceiverOptions {
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /**
   * `"spans"` (default) decodes every acknowledged request into {@link ReceivedSpan}s. `"count"` only counts its
   * spans (the bench: the receiver shares the CPU with the process it measures); `spans()`, `acknowledgedIds()` and
   * `duplicateArrivals()` then stay empty.
   */
  decode?: "spans" | "count";
}

/** A running receiver. Every fixture cleans up with `await using`. */
export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:43123` (what `register({ endpoint })` and the OTLP exporters' base take). */
  readonly origin: string;
  /** `${origin}/v1/traces`. */
  readonly url: string;
  /**
   * Decides the answer to the n-th request (0-based). Default: the next of `replies`, else `defaultReply`.
   * Assign a function to script every answer.
   */
  behaviour: (n: number) => Reply;
  /** Answers, in order, to the next requests (consumed by the default `behaviour`). */
  replies: Reply[];
  /** The answer once `replies` is used up. Default 200. */
  defaultReply: Reply;
  /** `Retry-After` sent with a shorthand 429 or 503 (none by default). */
  retryAfter: string | undefined;
  /** Requests received so far, whatever their answer. */
  readonly requestCount: number;
  /** Raw request headers of every request, in arrival order. */
  readonly headers: IncomingHttpHeaders[];
  /** Requests answered (or being answered) with a 2xx, decoded, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** Every span of `requests`, in arrival order (retries arrive again). */
  spans(): ReceivedSpan[];
  /** `spans()` grouped by trace id. */
  traces(): Map<string, ReceivedSpan[]>;
  /** Spans in `requests` (counted in both decode modes). */
  readonly spanCount: number;
  /** Bytes of every request body received (any answer). */
  readonly bytes: number;
  /** Requests answered with something else than a 2xx (including resets, garbage and no answer). */
  readonly rejected: number;
  /** Spans in the rejected requests (counted, not decoded). */
  readonly rejectedSpans: number;
  /** Bodies that could not be read as an OTLP trace request (their scripted answer still went out). */
  readonly errors: number;
  /** Distinct span ids in at least one request answered with a complete 2xx. */
  acknowledgedIds(): Set<string>;
  /** Arrivals of a span id beyond its first, in requests answered with a 2xx (retries, replays). */
  duplicateArrivals(): number;
  /**
   * Resolves with `spans()` once `count` spans have arrived in acknowledged requests; rejects with how many
   * did after `timeoutMs` (default 120 s, a guard against a hang, not a speed assertion).
   */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Resolves with `spans()` once `check(spans())` holds (checked after every request). */
  waitFor(check: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /**
   * Resolves once no client connection is open: every request whose client has gone (an ended process, say) has
   * been read and answered or abandoned by then.
   */
  idle(): Promise<void>;
  /** Forgets every request, span and count so far (the bench, between rounds). */
  reset(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The behaviour a reply stands for. */
export function behaviourOf(reply: Reply, retryAfter?: string): Behaviour {
  if (reply === "hang") return { kind: "hang" };
  if (reply === "drip") return { kind: "drip", intervalMs: 50, bytes: 1024 * 1024 };
  if (typeof reply === "number") {
    return (reply === 429 || reply === 503) && retryAfter !== undefined ? { kind: "status", status: reply, retryAfter } : { kind: "status", status: reply };
  }
  return reply;
}

/** Whether a behaviour answers with a 2xx status line it means to complete (the spans count as delivered). */
function acknowledges(b: Behaviour): boolean {
  return b.kind === "ok" || b.kind === "slow" || b.kind === "drip" || (b.kind === "status" && b.status >= 200 && b.status < 300);
}

interface SpanRecord {
  arrivals: number;
  acknowledged: boolean;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

/**
 * Starts a receiver on 127.0.0.1. `behaviour` scripts the answers: one reply for every request, or a function
 * of the request's index (0-based); default 200.
 */
export async function startReceiver(behaviour?: Reply | ((n: number) => Reply), options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  const countOnly = options.decode === "count";
  const records = new Map<string, SpanRecord>();
  const requests: ReceivedRequest[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const waiters = new Set<Waiter>();
  const idleWaiters: Array<() => void> = [];
  const state = {
    replies: [] as Reply[],
    defaultReply: 200 as Reply,
    retryAfter: undefined as string | undefined,
    requestCount: 0,
    spanCount: 0,
    bytes: 0,
    rejected: 0,
    rejectedSpans: 0,
    errors: 0,
    duplicates: 0,
  };

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const acknowledge = (spans: ReceivedSpan[]) => {
    for (const s of spans) {
      const r = records.get(s.spanId);
      if (r) r.acknowledged = true;
    }
  };

  const wake = () => {
    for (const w of [...waiters]) {
      if (w.check()) {
        waiters.delete(w);
        w.resolve();
      }
    }
  };

  /** Records an acknowledged request; the spans, or `undefined` for a body that is not a trace request. */
  const accept = (req: IncomingMessage, body: Buffer): ReceivedSpan[] => {
    const contentType = String(req.headers["content-type"] ?? "");
    const contentEncoding = req.headers["content-encoding"] as string | undefined;
    let spans: ReceivedSpan[] = [];
    let spanCount: number;
    try {
      if (countOnly) {
        spanCount = countSpans(body, contentType, contentEncoding);
      } else {
        spans = spansOf(decodeRequest(body, contentType, contentEncoding));
        spanCount = spans.length;
      }
    } catch {
      // Not a trace request: nothing arrived. The scripted answer still goes out.
      state.errors++;
      return [];
    }
    for (const s of spans) {
      const r = records.get(s.spanId);
      if (r) {
        r.arrivals++;
        state.duplicates++;
      } else {
        records.set(s.spanId, { arrivals: 1, acknowledged: false });
      }
    }
    requests.push({ headers: req.headers, path: req.url ?? "", contentType, contentEncoding, bytes: body.length, spans, spanCount });
    state.spanCount += spanCount;
    return spans;
  };

  const refuse = (req: IncomingMessage, body: Buffer) => {
    state.rejected++;
    try {
      state.rejectedSpans += countSpans(body, String(req.headers["content-type"] ?? ""), req.headers["content-encoding"] as string | undefined);
    } catch {
      state.errors++;
    }
  };

  const answer = (b: Behaviour, req: IncomingMessage, res: ServerResponse, spans: ReceivedSpan[], body: Buffer) => {
    const socket = req.socket;
    const json = isJson(req.headers["content-type"]);
    switch (b.kind) {
      case "ok":
        res.on("finish", () => acknowledge(spans));
        answerInEncoding(res, 200, json);
        return;
      case "status": {
        if (b.status >= 200 && b.status < 300) res.on("finish", () => acknowledge(spans));
        if (b.body === undefined) {
          if (b.retryAfter !== undefined) res.setHeader("retry-after", b.retryAfter);
          answerInEncoding(res, b.status, json);
          return;
        }
        const h: Record<string, string | number> = { "content-type": "text/plain", "content-length": Buffer.byteLength(b.body) };
        if (b.retryAfter !== undefined) h["retry-after"] = b.retryAfter;
        res.writeHead(b.status, h);
        res.end(b.body);
        return;
      }
      case "echo": {
        const echo = `you sent ${JSON.stringify(req.headers)} and ${body.subarray(0, 200).toString("latin1")}`;
        res.writeHead(b.status, { "content-type": "text/plain", "content-length": Buffer.byteLength(echo) });
        res.end(echo);
        return;
      }
      case "reset-before-response":
        socket.resetAndDestroy();
        return;
      case "reset-mid-response":
        res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 64 });
        res.write(Buffer.alloc(16, 0x0a));
        later(5, () => socket.resetAndDestroy());
        return;
      case "garbage-http":
        // Straight onto the socket: the HTTP layer of this server never answers.
        socket.end(Buffer.from("\u0000\u00ffSSH-2.0-OpenSSH_9.6 this is not HTTP\r\n\r\n\u0007\u0000", "latin1"));
        return;
      case "drip": {
        res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": b.bytes });
        let sent = 0;
        const tick = () => {
          if (socket.destroyed) return;
          res.write(Buffer.from([sent & 0xff]));
          sent++;
          if (sent < b.bytes) later(b.intervalMs, tick);
          else {
            res.on("finish", () => acknowledge(spans));
            res.end();
          }
        };
        later(b.intervalMs, tick);
        return;
      }
      case "slow":
        later(b.delayMs, () => {
          if (socket.destroyed) return;
          res.on("finish", () => acknowledge(spans));
          answerInEncoding(res, 200, json);
        });
        return;
      case "hang":
        return;
    }
  };

  const server = createServer((req, res) => {
    const n = state.requestCount++;
    headers.push({ ...req.headers });
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const b = behaviourOf(api.behaviour(n), state.retryAfter);
      const body = Buffer.concat(chunks);
      state.bytes += body.length;
      let spans: ReceivedSpan[] = [];
      if (acknowledges(b)) spans = accept(req, body);
      else refuse(req, body);
      wake();
      answer(b, req, res, spans, body);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const all = () => requests.flatMap((r) => r.spans);

  const waitUntil = (check: () => boolean, describe: () => string, timeoutMs: number): Promise<ReceivedSpan[]> => {
    if (check()) return Promise.resolve(all());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve(all());
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(describe()));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  let closing: Promise<void> | undefined;
  const api: OtlpReceiver = {
    origin,
    url: `${origin}/v1/traces`,
    behaviour:
      typeof behaviour === "function"
        ? behaviour
        : () => (state.replies.length > 0 ? (state.replies.shift() as Reply) : state.defaultReply),
    get replies() {
      return state.replies;
    },
    set replies(value: Reply[]) {
      state.replies = value;
    },
    get defaultReply() {
      return state.defaultReply;
    },
    set defaultReply(value: Reply) {
      state.defaultReply = value;
    },
    get retryAfter() {
      return state.retryAfter;
    },
    set retryAfter(value: string | undefined) {
      state.retryAfter = value;
    },
    get requestCount() {
      return state.requestCount;
    },
    headers,
    requests,
    spans: all,
    traces: () => groupByTrace(all()),
    get spanCount() {
      return state.spanCount;
    },
    get bytes() {
      return state.bytes;
    },
    get rejected() {
      return state.rejected;
    },
    get rejectedSpans() {
      return state.rejectedSpans;
    },
    get errors() {
      return state.errors;
    },
    acknowledgedIds: () => new Set([...records].filter(([, r]) => r.acknowledged).map(([id]) => id)),
    duplicateArrivals: () => state.duplicates,
    waitForSpans: (count, timeoutMs = 120_000) =>
      waitUntil(() => state.spanCount >= count, () => `only ${state.spanCount} of ${count} spans arrived within ${timeoutMs} ms`, timeoutMs),
    waitFor: (check, timeoutMs = 120_000) =>
      waitUntil(() => check(all()), () => `the awaited spans did not arrive within ${timeoutMs} ms; ${state.spanCount} spans did`, timeoutMs),
    idle: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    reset() {
      records.clear();
      requests.length = 0;
      headers.length = 0;
      Object.assign(state, { requestCount: 0, spanCount: 0, bytes: 0, rejected: 0, rejectedSpans: 0, errors: 0, duplicates: 0 });
    },
    close() {
      closing ??= (async () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
    [Symbol.asyncDispose]: () => api.close(),
  };
  if (behaviour !== undefined && typeof behaviour !== "function") state.defaultReply = behaviour;
  return api;
}

/** A collector's answer in the request's encoding: `{}` / `{"error":…}` for JSON, an empty protobuf body otherwise. */
function answerInEncoding(res: ServerResponse, status: number, json: boolean): void {
  res.statusCode = status;
  if (json) {
    res.setHeader("content-type", "application/json");
    res.end(status < 300 ? "{}" : JSON.stringify({ error: `status ${status}` }));
  } else {
    res.setHeader("content-type", "application/x-protobuf");
    res.end();
  }
}

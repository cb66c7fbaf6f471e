// A real OTLP/HTTP trace receiver on 127.0.0.1 whose answer to each request is scripted: a normal 200, any
// status, or one of the network faults an exporter meets in the field (a reset before or in the middle of the
// answer, bytes that are not HTTP, a garbage body, an answer dripped one byte at a time, no answer at all).
// Protobuf bodies are decoded with the OTLP trace messages this receiver reads (a subset of opentelemetry-proto v1,
// field numbers as in its .proto files; `calltree collect` holds the full set, proven against the official
// serializers in packages/cli/src/internal/otlp-proto.test.ts); JSON bodies are parsed.
// It keeps, per span id, whether a request holding it was acknowledged with a complete 2xx answer (what an
// exporter may count as exported) and how often it arrived.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs/light.js";

const keyValues = (id: number) => ({ rule: "repeated", type: "KeyValue", id });
const REQUEST = protobuf.Root.fromJSON({
  nested: {
    ExportTraceServiceRequest: { fields: { resourceSpans: { rule: "repeated", type: "ResourceSpans", id: 1 } } },
    ResourceSpans: { fields: { resource: { type: "Resource", id: 1 }, scopeSpans: { rule: "repeated", type: "ScopeSpans", id: 2 } } },
    Resource: { fields: { attributes: keyValues(1) } },
    ScopeSpans: { fields: { scope: { type: "InstrumentationScope", id: 1 }, spans: { rule: "repeated", type: "Span", id: 2 } } },
    InstrumentationScope: { fields: { name: { type: "string", id: 1 }, version: { type: "string", id: 2 } } },
    Span: {
      fields: {
        traceId: { type: "bytes", id: 1 },
        spanId: { type: "bytes", id: 2 },
        parentSpanId: { type: "bytes", id: 4 },
        name: { type: "string", id: 5 },
        startTimeUnixNano: { type: "fixed64", id: 7 },
        endTimeUnixNano: { type: "fixed64", id: 8 },
        attributes: keyValues(9),
      },
    },
    AnyValue: {
      fields: {
        stringValue: { type: "string", id: 1 },
        boolValue: { type: "bool", id: 2 },
        intValue: { type: "int64", id: 3 },
        doubleValue: { type: "double", id: 4 },
        arrayValue: { type: "ArrayValue", id: 5 },
        kvlistValue: { type: "KeyValueList", id: 6 },
        bytesValue: { type: "bytes", id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: "repeated", type: "AnyValue", id: 1 } } },
    KeyValueList: { fields: { values: keyValues(1) } },
    KeyValue: { fields: { key: { type: "string", id: 1 }, value: { type: "AnyValue", id: 2 } } },
  },
}).lookupType("ExportTraceServiceRequest");

/** How the receiver answers one request. */
export type Behaviour =
  /** 200 with an empty body: the spans are acknowledged. */
  | { kind: "ok" }
  /** Any status, with an optional body and `Retry-After`. A 2xx acknowledges the spans, whatever the body. */
  | { kind: "status"; status: number; body?: string | Buffer; retryAfter?: string }
  /** Any status whose body echoes the request's headers and first bytes (a server that leaks what it was sent). */
  | { kind: "echo"; status: number }
  /** The body is read, then the connection is reset (TCP RST) before any byte of an answer. */
  | { kind: "reset-before-response" }
  /** A 200 status line and part of the declared body are sent, then the connection is reset. */
  | { kind: "reset-mid-response" }
  /** Bytes that are not HTTP at all, then the connection is closed. */
  | { kind: "garbage-http" }
  /** A 200 with a declared body of `bytes` bytes, sent one byte every `intervalMs`. */
  | { kind: "drip"; intervalMs: number; bytes: number }
  /** 200 after `delayMs`. */
  | { kind: "slow"; delayMs: number }
  /** The body is read and nothing is ever answered. */
  | { kind: "hang" };

/** What the receiver saw of one span id. */
interface SpanRecord {
  /** Times the span arrived (retries and replays arrive again). */
  arrivals: number;
  acknowledged: boolean;
}

/** A span as the receiver decoded it. */
interface ArrivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:43123` (what `register({ endpoint })` takes). */
  readonly origin: string;
  /** Decides the answer to the n-th request (0-based). Default: every request gets `{ kind: "ok" }`. */
  behaviour: (n: number) => Behaviour;
  /** Requests received so far. */
  readonly requests: number;
  /** Distinct span ids in at least one request answered with a complete 2xx (only such requests are decoded). */
  acknowledgedIds(): Set<string>;
  /** Arrivals of a span id beyond its first, in requests answered with a 2xx (retries, replays). */
  duplicateArrivals(): number;
  /** Raw request headers, in arrival order. */
  readonly headers: Array<Record<string, string | string[] | undefined>>;
  /**
   * Resolves once no client connection is open: every request whose client has gone (an ended process, say) has
   * been read and answered or abandoned by then.
   */
  idle(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function hex(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return Buffer.from(value as Uint8Array).toString("hex");
}

type KeyValue = { key: string; value?: Record<string, unknown> };
function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) {
    const v = kv.value ?? {};
    out[kv.key] = v.stringValue ?? v.boolValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue;
  }
  return out;
}

interface RawRequest {
  resourceSpans?: Array<{
    scopeSpans?: Array<{
      spans?: Array<{ traceId: unknown; spanId: unknown; parentSpanId?: unknown; name: string; attributes?: KeyValue[] }>;
    }>;
  }>;
}

/**
 * Encodes an `ExportTraceServiceRequest` given as a plain object (ids as Buffers, times as strings or numbers)
 * into OTLP protobuf.
 */
export function encodeRequest(request: Record<string, unknown>): Uint8Array {
  return REQUEST.encode(REQUEST.fromObject(request)).finish();
}

/** The spans of one OTLP trace request body (protobuf or JSON, gzip or not). Throws on a body that is neither. */
function decodeSpans(body: Buffer, contentType: string, contentEncoding: string | undefined): ArrivedSpan[] {
  const raw = contentEncoding === "gzip" ? gunzipSync(body) : body;
  const request: RawRequest = contentType.includes("json")
    ? (JSON.parse(raw.toString("utf8")) as RawRequest)
    : (REQUEST.toObject(REQUEST.decode(raw), { longs: String, defaults: false }) as RawRequest);
  const out: ArrivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          attributes: attributesOf(s.attributes),
        });
      }
    }
  }
  return out;
}

function decodeOrNothing(body: Buffer, req: IncomingMessage): ArrivedSpan[] {
  try {
    return decodeSpans(body, String(req.headers["content-type"] ?? ""), req.headers["content-encoding"] as string | undefined);
  } catch {
    // Not a trace request: nothing arrived. The scripted answer still goes out.
    return [];
  }
}

function acknowledges(b: Behaviour): boolean {
  return b.kind === "ok" || b.kind === "slow" || b.kind === "drip" || (b.kind === "status" && b.status >= 200 && b.status < 300);
}

/** Starts a receiver on 127.0.0.1 (a free port unless `port` is given). */
export async function startReceiver(behaviour: (n: number) => Behaviour = () => ({ kind: "ok" }), port = 0): Promise<OtlpReceiver> {
  const records = new Map<string, SpanRecord>();
  const headers: OtlpReceiver["headers"] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let requests = 0;
  let duplicates = 0;

  const acknowledge = (spans: ArrivedSpan[]) => {
    for (const s of spans) {
      const r = records.get(s.spanId);
      if (r) r.acknowledged = true;
    }
  };

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const answer = (b: Behaviour, req: IncomingMessage, res: ServerResponse, spans: ArrivedSpan[], body: Buffer) => {
    const socket = req.socket;
    switch (b.kind) {
      case "ok":
        res.on("finish", () => acknowledge(spans));
        res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 0 });
        res.end();
        return;
      case "status": {
        const body = b.body ?? "";
        if (b.status >= 200 && b.status < 300) res.on("finish", () => acknowledge(spans));
        const h: Record<string, string | number> = { "content-type": "text/plain", "content-length": Buffer.byteLength(body) };
        if (b.retryAfter !== undefined) h["retry-after"] = b.retryAfter;
        res.writeHead(b.status, h);
        res.end(body);
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
          res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 0 });
          res.end();
        });
        return;
      case "hang":
        return;
    }
  };

  const server = createServer((req, res) => {
    const n = requests++;
    headers.push({ ...req.headers });
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const behaviour = api.behaviour(n);
      // Bodies that cannot be acknowledged are not decoded: under a retry storm the receiver's own work would
      // compete for the CPU with the app whose latency is measured.
      const body = Buffer.concat(chunks);
      const spans = acknowledges(behaviour) ? decodeOrNothing(body, req) : [];
      for (const s of spans) {
        const r = records.get(s.spanId);
        if (r) {
          r.arrivals++;
          duplicates++;
        } else {
          records.set(s.spanId, { arrivals: 1, acknowledged: false });
        }
      }
      answer(behaviour, req, res, spans, body);
    });
  });
  const idleWaiters: Array<() => void> = [];
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const wake of idleWaiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const api: OtlpReceiver = {
    origin: `http://127.0.0.1:${address.port}`,
    behaviour,
    get requests() {
      return requests;
    },
    headers,
    acknowledgedIds: () => new Set([...records].filter(([, r]) => r.acknowledged).map(([id]) => id)),
    duplicateArrivals: () => duplicates,
    idle: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
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
  return api;
}

// Test helper: a real OTLP/HTTP receiver on 127.0.0.1. Protobuf bodies are decoded with the official OTLP .proto
// definitions (shipped in @opentelemetry/otlp-grpc-exporter-base) through protobufjs, JSON bodies as JSON, gzip
// bodies are inflated. Each test scripts its answers (status codes, or no answer at all).
import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";

const require = createRequire(import.meta.url);
const PROTO_ROOT = join(
  dirname(require.resolve("@opentelemetry/otlp-grpc-exporter-base/package.json")),
  "build/protos",
);

let requestType: protobuf.Type | undefined;
function traceRequestType(): protobuf.Type {
  if (requestType) return requestType;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto", { keepCase: false });
  requestType = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
  return requestType;
}

/** A span as the receiver saw it, the same whether it came as protobuf or JSON. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: string;
  status: number;
  events: string[];
}

interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  contentType: string;
  contentEncoding: string | undefined;
  /** Raw body size on the wire. */
  bytes: number;
  spans: ReceivedSpan[];
}

function hex(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value; // JSON: already hex
  return Buffer.from(value as Uint8Array).toString("hex");
}

function anyValue(v: Record<string, unknown> | undefined): unknown {
  if (!v) return undefined;
  if ("stringValue" in v && v.stringValue !== undefined) return v.stringValue;
  if ("boolValue" in v && v.boolValue !== undefined) return v.boolValue;
  if ("intValue" in v && v.intValue !== undefined) return Number(v.intValue as never);
  if ("doubleValue" in v && v.doubleValue !== undefined) return Number(v.doubleValue);
  if ("arrayValue" in v && v.arrayValue) {
    return ((v.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(anyValue);
  }
  if ("kvlistValue" in v && v.kvlistValue) return keyValues((v.kvlistValue as { values?: KV[] }).values);
  return undefined;
}

type KV = { key: string; value?: Record<string, unknown> };
function keyValues(list: KV[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

interface RawRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KV[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{
        traceId: unknown; spanId: unknown; parentSpanId?: unknown; name: string; attributes?: KV[];
        status?: { code?: number | string }; events?: Array<{ name: string }>;
      }>;
    }>;
  }>;
}

/** Spans of an ExportTraceServiceRequest (decoded protobuf message or parsed JSON). */
function spansOf(request: RawRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = keyValues(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const code = s.status?.code;
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          attributes: keyValues(s.attributes),
          resource,
          scope: ss.scope?.name ?? "",
          status: typeof code === "number" ? code : code === "STATUS_CODE_ERROR" ? 2 : code === "STATUS_CODE_OK" ? 1 : Number(code ?? 0),
          events: (s.events ?? []).map((e) => e.name),
        });
      }
    }
  }
  return out;
}

function decodeBody(body: Buffer, contentType: string, contentEncoding: string | undefined): ReceivedSpan[] {
  const raw = contentEncoding === "gzip" ? gunzipSync(body) : body;
  if (contentType.includes("json")) return spansOf(JSON.parse(raw.toString("utf8")) as RawRequest);
  const type = traceRequestType();
  const message = type.decode(raw);
  return spansOf(type.toObject(message, { longs: String, defaults: false }) as RawRequest);
}

/**
 * What the server answers to a request: a status code, `"hang"` (never answers), or `"drip"` (a 200 whose declared
 * body of 1 MB comes one byte every 50 ms: it never ends, yet the socket is never idle).
 */
type Reply = number | "hang" | "drip";

export interface OtlpServer {
  url: string;
  /** Base URL without a path. */
  origin: string;
  requests: ReceivedRequest[];
  spans(): ReceivedSpan[];
  /** `Retry-After` header sent with 429 and 503 answers (none by default). */
  retryAfter: string | undefined;
  /** Requests answered with something else than 2xx, or left hanging or dripping. */
  rejected: number;
  /** Spans in the requests answered with something else than 2xx. */
  rejectedSpans: number;
  /** Answers, in order, to the next requests; afterwards `defaultReply` (200). */
  replies: Reply[];
  defaultReply: Reply;
  /** Resolves once `count` spans have arrived. */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startOtlpServer(options: { port?: number } = {}): Promise<OtlpServer> {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const drips = new Set<ReturnType<typeof setInterval>>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let total = 0;
  const state = { replies: [] as Reply[], defaultReply: 200 as Reply, retryAfter: undefined as string | undefined, rejected: 0, rejectedSpans: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = state.replies.length > 0 ? (state.replies.shift() as Reply) : state.defaultReply;
      if (reply === "drip") {
        state.rejected++;
        hanging.push(res);
        res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 1024 * 1024 });
        const drip = setInterval(() => {
          if (res.destroyed) clearInterval(drip);
          else res.write("x");
        }, 50);
        drips.add(drip);
        return;
      }
      if (reply !== "hang" && (reply < 200 || reply >= 300)) {
        state.rejected++;
        const encoding = req.headers["content-encoding"] as string | undefined;
        state.rejectedSpans += decodeBody(Buffer.concat(chunks), String(req.headers["content-type"] ?? ""), encoding).length;
      }
      if (reply === "hang") {
        state.rejected++;
        hanging.push(res);
        return;
      }
      const body = Buffer.concat(chunks);
      const contentType = String(req.headers["content-type"] ?? "");
      const contentEncoding = req.headers["content-encoding"] as string | undefined;
      if (reply >= 200 && reply < 300) {
        const spans = decodeBody(body, contentType, contentEncoding);
        requests.push({ headers: req.headers, contentType, contentEncoding, bytes: body.length, spans });
        total += spans.length;
        for (const w of [...waiters]) {
          if (total >= w.count) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      }
      res.statusCode = reply;
      if ((reply === 429 || reply === 503) && state.retryAfter !== undefined) res.setHeader("retry-after", state.retryAfter);
      if (contentType.includes("json")) {
        res.setHeader("content-type", "application/json");
        res.end(reply < 300 ? "{}" : JSON.stringify({ error: `status ${reply}` }));
      } else {
        res.setHeader("content-type", "application/x-protobuf");
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const all = () => requests.flatMap((r) => r.spans);
  const api: OtlpServer = {
    url: `${origin}/v1/traces`,
    origin,
    requests,
    spans: all,
    get replies() {
      return state.replies;
    },
    set replies(value: Reply[]) {
      state.replies = value;
    },
    get retryAfter() {
      return state.retryAfter;
    },
    set retryAfter(value: string | undefined) {
      state.retryAfter = value;
    },
    get rejected() {
      return state.rejected;
    },
    get rejectedSpans() {
      return state.rejectedSpans;
    },
    get defaultReply() {
      return state.defaultReply;
    },
    set defaultReply(value: Reply) {
      state.defaultReply = value;
    },
    waitForSpans(count, timeoutMs = 120_000) {
      if (total >= count) return Promise.resolve(all());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${total} of ${count} spans arrived within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(all()); } });
      });
    },
    async close() {
      for (const drip of drips) clearInterval(drip);
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    [Symbol.asyncDispose]() {
      return api.close();
    },
  };
  return api;
}

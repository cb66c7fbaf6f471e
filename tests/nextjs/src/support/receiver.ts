// A small OTLP/HTTP trace receiver on 127.0.0.1 for this suite: it keeps every span it is sent (protobuf, decoded
// with the official definitions generated into @opentelemetry/otlp-transformer, or JSON; gzip or not) with its
// times, and lets the test wait for a condition on them: each arrival re-checks the waiting conditions, so the test
// waits for events, never for time. The shared @calltree-internal/otlp-receiver replaces it once it is on main.
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import generated from "@opentelemetry/otlp-transformer/build/src/generated/root.js";

interface RequestType {
  decode(bytes: Uint8Array): object;
  toObject(message: object, options: Record<string, unknown>): Record<string, unknown>;
}
const REQUEST = (generated as unknown as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: RequestType } } } } };
}).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** A span as it arrived. Times are nanoseconds since the epoch. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; timeNs: bigint }>;
  /** The instrumentation scope that made it ("next.js" for Next's own spans). */
  scope: string;
  /** The resource's attributes. */
  resource: Record<string, unknown>;
}

export interface Receiver extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`, what `PHOENIX_COLLECTOR_ENDPOINT` takes. */
  readonly origin: string;
  /** Every span received, in arrival order (live). */
  readonly spans: readonly ReceivedSpan[];
  /** Content types of the requests received, in order. */
  readonly contentTypes: readonly string[];
  /** Resolves once `condition(spans)` holds, checked now and at each arrival. */
  until(condition: (spans: readonly ReceivedSpan[]) => boolean): Promise<void>;
  close(): Promise<void>;
}

type KeyValue = { key: string; value?: Record<string, unknown> };
function valueOf(v: Record<string, unknown> | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  const array = v.arrayValue as { values?: Array<Record<string, unknown>> } | undefined;
  if (array !== undefined) return (array.values ?? []).map(valueOf);
  return undefined;
}
function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = valueOf(kv.value);
  return out;
}
function hex(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  return Buffer.from(value as Uint8Array).toString("hex");
}

interface RawSpan {
  traceId: unknown; spanId: unknown; parentSpanId?: unknown; name: string;
  startTimeUnixNano: string | number; endTimeUnixNano: string | number;
  attributes?: KeyValue[]; events?: Array<{ name: string; timeUnixNano: string | number }>;
}
interface RawRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: RawSpan[] }>;
  }>;
}

/** The spans of one OTLP trace request body. Throws on a body that is neither protobuf nor JSON. */
export function decodeSpans(body: Buffer, contentType: string, contentEncoding: string | undefined): ReceivedSpan[] {
  const raw = contentEncoding === "gzip" ? gunzipSync(body) : body;
  const request: RawRequest = contentType.includes("json")
    ? (JSON.parse(raw.toString("utf8")) as RawRequest)
    : (REQUEST.toObject(REQUEST.decode(raw), { longs: String, defaults: false }) as RawRequest);
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: attributesOf(s.attributes),
          events: (s.events ?? []).map((e) => ({ name: e.name, timeNs: BigInt(e.timeUnixNano) })),
          scope: ss.scope?.name ?? "",
          resource,
        });
      }
    }
  }
  return out;
}

/** Starts a receiver on a free port of 127.0.0.1. It answers 200 to every trace request it can decode, 400 otherwise. */
export async function startReceiver(): Promise<Receiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const waiting = new Set<{ condition: (s: readonly ReceivedSpan[]) => boolean; resolve: () => void }>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (chunk: Buffer) => body.push(chunk));
    req.on("end", () => {
      const type = String(req.headers["content-type"] ?? "");
      let arrived: ReceivedSpan[];
      try {
        arrived = decodeSpans(Buffer.concat(body), type, req.headers["content-encoding"] as string | undefined);
      } catch {
        res.writeHead(400).end();
        return;
      }
      contentTypes.push(type);
      spans.push(...arrived);
      res.writeHead(200, { "content-type": type.includes("json") ? "application/json" : "application/x-protobuf" }).end();
      for (const w of waiting) {
        if (w.condition(spans)) {
          waiting.delete(w);
          w.resolve();
        }
      }
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return closed;
  };
  return {
    origin: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    until(condition) {
      if (condition(spans)) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.add({ condition, resolve }));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

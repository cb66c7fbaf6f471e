import { createServer } from "node:http";
import type { Server } from "node:http";
import { gunzipSync, inflateSync } from "node:zlib";

// An OTLP/HTTP trace receiver on 127.0.0.1 that counts the spans it is sent. Protobuf bodies are walked with
// the wire format alone (ExportTraceServiceRequest.resource_spans = 1 → ResourceSpans.scope_spans = 2 →
// ScopeSpans.spans = 2): counting needs no schema, and the receiver stays cheap on a two-core machine where it
// shares the CPU with the process it measures.

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error("truncated varint");
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
}

/** Calls `onField` with the bounds of every length-delimited field numbered `wanted` in `buf[start, end)`. */
function eachLengthField(buf: Uint8Array, start: number, end: number, wanted: number, onField: (from: number, to: number) => void): void {
  let pos = start;
  while (pos < end) {
    let key: number;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len: number;
      [len, pos] = readVarint(buf, pos);
      if (field === wanted) onField(pos, pos + len);
      pos += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** Spans in an OTLP protobuf `ExportTraceServiceRequest`. */
function countProtobufSpans(buf: Uint8Array): number {
  let count = 0;
  eachLengthField(buf, 0, buf.length, 1, (rs, rsEnd) => {
    eachLengthField(buf, rs, rsEnd, 2, (ss, ssEnd) => {
      eachLengthField(buf, ss, ssEnd, 2, () => {
        count++;
      });
    });
  });
  return count;
}

function countJsonSpans(body: Buffer): number {
  const req = JSON.parse(body.toString("utf8")) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
  let count = 0;
  for (const rs of req.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) count += ss.spans?.length ?? 0;
  return count;
}

/** A running receiver. */
export interface Receiver {
  /** Base URL to give an exporter (`/v1/traces` is where it posts). */
  readonly url: string;
  /** Spans received since the last reset, requests, bodies that could not be read. */
  readonly spans: number;
  readonly requests: number;
  readonly bytes: number;
  readonly errors: number;
  reset(): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 on a free port. */
export async function startReceiver(): Promise<Receiver> {
  let spans = 0;
  let requests = 0;
  let bytes = 0;
  let errors = 0;
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      let body = Buffer.concat(parts);
      requests++;
      bytes += body.length;
      try {
        const encoding = req.headers["content-encoding"];
        if (encoding === "gzip") body = gunzipSync(body);
        else if (encoding === "deflate") body = inflateSync(body);
        const json = (req.headers["content-type"] ?? "").includes("json");
        spans += json ? countJsonSpans(body) : countProtobufSpans(body);
        res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
        res.end(json ? "{}" : undefined);
      } catch {
        errors++;
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get spans() {
      return spans;
    },
    get requests() {
      return requests;
    },
    get bytes() {
      return bytes;
    },
    get errors() {
      return errors;
    },
    reset() {
      spans = 0;
      requests = 0;
      bytes = 0;
      errors = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

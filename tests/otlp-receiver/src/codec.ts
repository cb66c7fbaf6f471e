// OTLP trace requests in and out, for tests. Protobuf goes through protobufjs with the official OTLP `.proto`
// definitions as shipped in @opentelemetry/otlp-grpc-exporter-base@0.34.0 (the files the SDK's own gRPC exporter
// loads; packages/otel's tests used the same). Later @opentelemetry/otlp-transformer releases (0.223.x, the one
// packages/otel exports with) encode with hand-written code and ship no decoder, and the generated root of
// 0.214.0 is not a public entry point. Those .proto files predate `Span.flags` and partial success: a decoder
// skips fields it does not know, which is all a test receiver needs.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gunzipSync, inflateSync } from "node:zlib";
import protobuf from "protobufjs";

const require = createRequire(import.meta.url);
const PROTO_ROOT = join(dirname(require.resolve("@opentelemetry/otlp-grpc-exporter-base/package.json")), "build/protos");

let requestType: protobuf.Type | undefined;
function traceRequestType(): protobuf.Type {
  if (requestType) return requestType;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto", { keepCase: false });
  requestType = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
  return requestType;
}

/** An OTLP attribute list entry, as decoded from protobuf or parsed from JSON. */
export interface OtlpKeyValue {
  key: string;
  value?: Record<string, unknown>;
}

/** A span inside an `ExportTraceServiceRequest` (protobuf ids are bytes, JSON ids hex strings). */
export interface OtlpSpan {
  traceId: unknown;
  spanId: unknown;
  parentSpanId?: unknown;
  name: string;
  kind?: number | string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number | string; message?: string };
  events?: Array<{ name: string; timeUnixNano?: string | number; attributes?: OtlpKeyValue[] }>;
}

/** An `ExportTraceServiceRequest` as a plain object. */
export interface OtlpRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string; version?: string }; spans?: OtlpSpan[] }>;
  }>;
}

/** Undoes `Content-Encoding: gzip` or `deflate`; any other body is returned as it is. */
export function inflateBody(body: Uint8Array, contentEncoding: string | undefined): Buffer {
  const raw = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (contentEncoding === "gzip") return gunzipSync(raw);
  if (contentEncoding === "deflate") return inflateSync(raw);
  return raw;
}

/** Whether a `Content-Type` names OTLP/JSON (anything else is read as protobuf). */
export function isJson(contentType: string | undefined): boolean {
  return (contentType ?? "").includes("json");
}

/**
 * Decodes an OTLP trace request body (protobuf or JSON by `contentType`, gzip or deflate by `contentEncoding`)
 * into a plain `ExportTraceServiceRequest`. Int64 values come out as decimal strings, protobuf ids as bytes.
 * Throws on a body that is neither.
 */
export function decodeRequest(body: Uint8Array, contentType: string | undefined, contentEncoding?: string): OtlpRequest {
  const raw = inflateBody(body, contentEncoding);
  if (isJson(contentType)) return JSON.parse(raw.toString("utf8")) as OtlpRequest;
  const type = traceRequestType();
  return type.toObject(type.decode(raw), { longs: String, enums: Number, defaults: false }) as OtlpRequest;
}

/**
 * Encodes an `ExportTraceServiceRequest` given as a plain object (ids as bytes or Buffers, times as strings or
 * numbers) into OTLP protobuf.
 */
export function encodeRequest(request: Record<string, unknown>): Uint8Array {
  const type = traceRequestType();
  return type.encode(type.fromObject(request)).finish();
}

/**
 * The number of spans in an OTLP trace request body without decoding them: protobufjs's reader walks
 * resource_spans (1) → scope_spans (2) → spans (2) and skips everything else. Cheap enough for a receiver that
 * shares two cores with the process it measures. Throws on a body that is neither protobuf nor JSON.
 */
export function countSpans(body: Uint8Array, contentType: string | undefined, contentEncoding?: string): number {
  const raw = inflateBody(body, contentEncoding);
  if (isJson(contentType)) {
    const request = JSON.parse(raw.toString("utf8")) as OtlpRequest;
    let count = 0;
    for (const rs of request.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) count += ss.spans?.length ?? 0;
    return count;
  }
  let count = 0;
  eachField(raw, 0, raw.length, 1, (rsStart, rsEnd) =>
    eachField(raw, rsStart, rsEnd, 2, (ssStart, ssEnd) =>
      eachField(raw, ssStart, ssEnd, 2, () => {
        count++;
      }),
    ),
  );
  return count;
}

/** Calls `onField` with the bounds of each length-delimited field numbered `wanted` in `bytes[start, end)`. */
function eachField(bytes: Uint8Array, start: number, end: number, wanted: number, onField: (from: number, to: number) => void): void {
  const reader = protobuf.Reader.create(bytes.subarray(0, end));
  reader.pos = start;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === wanted && wire === 2) {
      const length = reader.uint32();
      if (reader.pos + length > end) throw new RangeError("truncated OTLP protobuf body");
      onField(reader.pos, reader.pos + length);
      reader.pos += length;
    } else {
      reader.skipType(wire);
    }
  }
}

// OTLP trace requests in and responses out, in both OTLP/HTTP encodings.
//
// Protobuf goes through the OTLP trace messages of otlp-proto.ts (opentelemetry-proto v1.x, so with
// `ExportTracePartialSuccess`, needed to answer like a collector, and `Span.flags`).
import protobuf from "protobufjs/minimal.js";
import { otlpId } from "@calltree/render";
import { ExportTraceServiceRequest, ExportTraceServiceResponse } from "./otlp-proto.js";

const TRACE_V1 = { ExportTraceServiceRequest, ExportTraceServiceResponse };

/** The protobuf → OTLP/JSON mapping: int64 as decimal strings, enums as numbers, bytes as base64. */
const TO_JSON = { longs: String, enums: Number, bytes: String, defaults: false, arrays: false, json: true };

/** The two request encodings OTLP/HTTP defines. */
export type OtlpEncoding = "protobuf" | "json";

/** A request turned into canonical OTLP/JSON (hex ids), with the spans that could not be accepted dropped. */
export interface DecodedRequest {
  /** `{ resourceSpans: [...] }`, safe to `JSON.stringify` onto one line. */
  request: { resourceSpans: unknown[] };
  acceptedSpans: number;
  rejectedSpans: number;
  /** Why spans were rejected (first reason), for the `partialSuccess` answer. */
  rejectReason?: string | undefined;
}

/** Thrown for a body that is not an OTLP trace request at all (answered with 400). */
export class BadRequestError extends Error {
  override name = "BadRequestError";
}

/** Maps a `Content-Type` header to an encoding; `undefined` for anything OTLP/HTTP does not define. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/x-protobuf") return "protobuf";
  if (mediaType === "application/json") return "json";
  return undefined;
}

/** Decodes and validates an `ExportTraceServiceRequest` body; throws {@link BadRequestError} when malformed. */
export function decodeRequest(body: Uint8Array, encoding: OtlpEncoding): DecodedRequest {
  let object: unknown;
  if (encoding === "protobuf") {
    try {
      object = TRACE_V1.ExportTraceServiceRequest.toObject(TRACE_V1.ExportTraceServiceRequest.decode(body), TO_JSON);
    } catch (error) {
      throw new BadRequestError(`invalid protobuf ExportTraceServiceRequest: ${(error as Error).message}`);
    }
  } else {
    try {
      object = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
    } catch (error) {
      throw new BadRequestError(`invalid JSON: ${(error as Error).message}`);
    }
  }
  return canonicalize(object);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function listAt(parent: Record<string, unknown>, key: string, where: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadRequestError(`${where}.${key} must be an array`);
  return value;
}

/**
 * Checks the request's shape, rewrites ids to lowercase hex (base64 is accepted on input) and drops
 * spans with a missing, malformed or all-zero trace or span id, counting them as rejected.
 */
function canonicalize(object: unknown): DecodedRequest {
  if (!isObject(object)) throw new BadRequestError("the body must be an ExportTraceServiceRequest object");
  let accepted = 0;
  let rejected = 0;
  let reason: string | undefined;
  const reject = (why: string): false => {
    rejected++;
    reason ??= why;
    return false;
  };
  const resourceSpans = listAt(object, "resourceSpans", "request");
  resourceSpans.forEach((rs, i) => {
    if (!isObject(rs)) throw new BadRequestError(`resourceSpans[${i}] must be an object`);
    listAt(rs, "scopeSpans", `resourceSpans[${i}]`).forEach((ss, j) => {
      const where = `resourceSpans[${i}].scopeSpans[${j}]`;
      if (!isObject(ss)) throw new BadRequestError(`${where} must be an object`);
      const spans = listAt(ss, "spans", where);
      ss.spans = spans.filter((span) => {
        if (!isObject(span)) return reject("a span is not an object");
        const traceId = otlpId(span.traceId, 16);
        const spanId = otlpId(span.spanId, 8);
        if (!traceId || /^0+$/.test(traceId)) return reject("a span has no valid traceId (16 bytes, hex)");
        if (!spanId || /^0+$/.test(spanId)) return reject("a span has no valid spanId (8 bytes, hex)");
        span.traceId = traceId;
        span.spanId = spanId;
        if (span.parentSpanId === undefined || span.parentSpanId === "" || span.parentSpanId === null) {
          delete span.parentSpanId;
        } else {
          const parentSpanId = otlpId(span.parentSpanId, 8);
          if (!parentSpanId) return reject("a span has a malformed parentSpanId");
          if (/^0+$/.test(parentSpanId)) delete span.parentSpanId;
          else span.parentSpanId = parentSpanId;
        }
        for (const link of Array.isArray(span.links) ? span.links : []) {
          if (!isObject(link)) continue;
          link.traceId = otlpId(link.traceId, 16) ?? link.traceId;
          link.spanId = otlpId(link.spanId, 8) ?? link.spanId;
        }
        accepted++;
        return true;
      });
    });
  });
  return { request: { ...object, resourceSpans }, acceptedSpans: accepted, rejectedSpans: rejected, rejectReason: reason };
}

/** An `ExportTraceServiceResponse` in the request's encoding, with `partialSuccess` when spans were rejected. */
export function encodeResponse(encoding: OtlpEncoding, rejectedSpans: number, errorMessage: string | undefined): Uint8Array {
  const partialSuccess = rejectedSpans > 0 ? { rejectedSpans, errorMessage: errorMessage ?? "" } : undefined;
  if (encoding === "protobuf") {
    return TRACE_V1.ExportTraceServiceResponse.encode(partialSuccess ? { partialSuccess } : {}).finish();
  }
  // int64 fields are decimal strings in OTLP/JSON.
  const body = partialSuccess ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage: partialSuccess.errorMessage } } : {};
  return Buffer.from(JSON.stringify(body));
}

/**
 * A `google.rpc.Status` (code 3 INVALID_ARGUMENT, or as given) in the request's encoding: what an OTLP
 * server returns with a 4xx. Status is not among the OTLP trace messages, so its two fields
 * (1: int32 code, 2: string message) are written directly.
 */
export function encodeStatus(encoding: OtlpEncoding, message: string, code = 3): Uint8Array {
  if (encoding === "json") return Buffer.from(JSON.stringify({ code, message }));
  return protobuf.Writer.create().uint32((1 << 3) | 0).int32(code).uint32((2 << 3) | 2).string(message).finish();
}

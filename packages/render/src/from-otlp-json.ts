import type { RenderSpan } from "./model.js";
import { makeSpan, statusCodeOf } from "./internal/make-span.js";

/**
 * Normalizes an OTLP/JSON `ExportTraceServiceRequest` (`{ resourceSpans: [...] }`), as the OTLP/HTTP
 * JSON exporter sends it and as `calltree collect` and the `file` exporter store it, one per line.
 *
 * Accepts what the OTLP/JSON encoding allows: trace and span ids as hex (base64 too, as generic
 * protobuf-JSON writers produce), times as decimal strings or numbers, enums as numbers or names,
 * and every `AnyValue` variant (`intValue` as string or number, `arrayValue`, `kvlistValue` as a plain
 * object, `bytesValue` kept as its base64 string). Parts that are not objects where an object belongs
 * are skipped, as are spans without a valid trace id or span id; it never throws on any input.
 */
export function fromOtlpJson(request: unknown): RenderSpan[] {
  const out: RenderSpan[] = [];
  for (const resourceSpans of arrayOf(field(request, "resourceSpans"))) {
    const resourceValue = field(resourceSpans, "resource");
    const resource = isObject(resourceValue) ? attributesOf(field(resourceValue, "attributes")) : undefined;
    for (const scopeSpans of arrayOf(field(resourceSpans, "scopeSpans"))) {
      const scope = field(scopeSpans, "scope");
      const scopeName = isObject(scope) ? stringOf(field(scope, "name")) : undefined;
      const scopeVersion = isObject(scope) ? stringOf(field(scope, "version")) : undefined;
      for (const span of arrayOf(field(scopeSpans, "spans"))) {
        const traceId = otlpId(field(span, "traceId"), 16);
        const spanId = otlpId(field(span, "spanId"), 8);
        if (!traceId || !spanId) continue;
        const status = field(span, "status");
        out.push(
          makeSpan({
            traceId,
            spanId,
            parentSpanId: otlpId(field(span, "parentSpanId"), 8),
            name: stringOf(field(span, "name")) ?? "",
            startTimeUnixNano: nanosOf(field(span, "startTimeUnixNano")),
            endTimeUnixNano: nanosOf(field(span, "endTimeUnixNano")),
            attributes: attributesOf(field(span, "attributes")),
            statusCode: statusCodeOf(field(status, "code")),
            statusMessage: stringOf(field(status, "message")),
            events: arrayOf(field(span, "events")).map((event) => ({
              name: stringOf(field(event, "name")) ?? "",
              timeUnixNano: nanosOf(field(event, "timeUnixNano")),
              attributes: attributesOf(field(event, "attributes")),
            })),
            resource,
            scopeName: scopeName ?? (isObject(scope) ? "" : undefined),
            scopeVersion,
          }),
        );
      }
    }
  }
  return out;
}

/**
 * A trace id (16 bytes) or span id (8 bytes) as lowercase hex, from hex or base64 text; `undefined`
 * when absent, empty or of the wrong length.
 */
export function otlpId(value: unknown, bytes: 16 | 8): string | undefined {
  if (typeof value !== "string" || value.length === 0) return undefined;
  if (value.length === bytes * 2 && HEX.test(value)) return value.toLowerCase();
  // Generic protobuf-JSON writers (protobufjs `toObject`, Go's protojson) spell bytes as base64.
  if (value.length === Math.ceil(bytes / 3) * 4 && BASE64.test(value)) {
    const decoded = Buffer.from(value, "base64");
    if (decoded.length === bytes) return decoded.toString("hex");
  }
  return undefined;
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Decimal string, number, bigint or protobufjs `Long`-like `{ low, high }` → nanoseconds. */
function nanosOf(value: unknown): bigint {
  try {
    if (typeof value === "bigint") return value;
    if (typeof value === "number") return Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
    if (typeof value === "string") return /^\d+$/.test(value) ? BigInt(value) : 0n;
    if (isObject(value) && typeof value.low === "number" && typeof value.high === "number") {
      return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
    }
  } catch {
    // Unparseable times render as 0 rather than failing the whole request.
  }
  return 0n;
}

function attributesOf(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of arrayOf(list)) {
    const key = field(kv, "key");
    // defineProperty, not assignment: a received key "__proto__" must be an attribute, not the object's prototype.
    if (typeof key === "string") {
      Object.defineProperty(out, key, { value: anyValueOf(field(kv, "value")), enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

function anyValueOf(value: unknown): unknown {
  if (!isObject(value)) return null;
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return numberOf(value.intValue);
  if ("doubleValue" in value) return numberOf(value.doubleValue);
  if ("arrayValue" in value) return arrayOf(field(value.arrayValue, "values")).map(anyValueOf);
  if ("kvlistValue" in value) return attributesOf(field(value.kvlistValue, "values"));
  if ("bytesValue" in value) return value.bytesValue;
  return null;
}

/**
 * int64 values arrive as strings (protobuf JSON) or numbers (the OTel JS exporter); both become JS
 * numbers, which is what the SDK held before export. `NaN`/`Infinity` arrive as strings too.
 */
function numberOf(value: unknown): unknown {
  if (typeof value === "number") return value;
  if (typeof value === "string") return Number(value);
  if (isObject(value) && typeof value.low === "number" && typeof value.high === "number") {
    return Number(BigInt.asIntN(64, (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)));
  }
  return value;
}

// Spans of an OTLP request in one shape, whether they came as protobuf or JSON, and helpers that group them.
import type { OtlpKeyValue, OtlpRequest } from "./codec.js";

/** An event of a received span. */
export interface ReceivedEvent {
  name: string;
  attributes: Record<string, unknown>;
}

/** A span as the receiver saw it, the same whether it came as protobuf or JSON. */
export interface ReceivedSpan {
  /** Lowercase hex. */
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** `SpanKind` as OTLP numbers it (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
  kind: number;
  /** Decimal strings (int64). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Attribute values: strings, booleans, numbers (int64 as numbers), arrays and nested records. */
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  /** Instrumentation scope name. */
  scope: string;
  /** 0 unset, 1 ok, 2 error. */
  status: number;
  statusMessage: string;
  events: ReceivedEvent[];
}

function hex(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.toLowerCase(); // JSON: already hex
  return Buffer.from(value as Uint8Array).toString("hex");
}

function anyValue(v: Record<string, unknown> | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue as never);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue) return ((v.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(anyValue);
  if (v.kvlistValue) return keyValues((v.kvlistValue as { values?: OtlpKeyValue[] }).values);
  return undefined;
}

/** An OTLP attribute list as a record. */
export function keyValues(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

function statusCode(code: number | string | undefined): number {
  if (typeof code === "number") return code;
  if (code === "STATUS_CODE_ERROR") return 2;
  if (code === "STATUS_CODE_OK") return 1;
  return Number(code ?? 0);
}

const KINDS = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];
function spanKind(kind: number | string | undefined): number {
  if (typeof kind === "number") return kind;
  const i = KINDS.indexOf(kind ?? "");
  return i >= 0 ? i : Number(kind ?? 0);
}

/** The spans of an `ExportTraceServiceRequest` (decoded protobuf or parsed JSON), in request order. */
export function spansOf(request: OtlpRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = keyValues(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: spanKind(s.kind),
          startTimeUnixNano: String(s.startTimeUnixNano ?? "0"),
          endTimeUnixNano: String(s.endTimeUnixNano ?? "0"),
          attributes: keyValues(s.attributes),
          resource,
          scope: ss.scope?.name ?? "",
          status: statusCode(s.status?.code),
          statusMessage: s.status?.message ?? "",
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: keyValues(e.attributes) })),
        });
      }
    }
  }
  return out;
}

/** Spans grouped by trace id, traces in the order their first span arrived, spans in arrival order. */
export function groupByTrace(spans: readonly ReceivedSpan[]): Map<string, ReceivedSpan[]> {
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const list = traces.get(span.traceId);
    if (list) list.push(span);
    else traces.set(span.traceId, [span]);
  }
  return traces;
}

/** A span with the spans whose parent it is, in arrival order. */
export interface SpanNode {
  span: ReceivedSpan;
  children: SpanNode[];
}

/**
 * The call trees in `spans` (one trace or many): a span whose parent is not among `spans` is a root. Roots and
 * children keep arrival order.
 */
export function treesOf(spans: readonly ReceivedSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) nodes.set(`${span.traceId}/${span.spanId}`, { span, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(`${node.span.traceId}/${node.span.parentSpanId}`) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/**
 * A tree as indented span names, one per line (two spaces per level): an assertion-friendly picture of the
 * shape of a trace.
 */
export function outline(spans: readonly ReceivedSpan[]): string {
  const lines: string[] = [];
  const walk = (node: SpanNode, depth: number) => {
    lines.push(`${"  ".repeat(depth)}${node.span.name}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of treesOf(spans)) walk(root, 0);
  return lines.join("\n");
}

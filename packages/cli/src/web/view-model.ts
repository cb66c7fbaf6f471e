import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE } from "@opentelemetry/semantic-conventions";
import { FIRST_TOKEN_EVENT } from "@calltree/core";
import { traceTotals } from "@calltree/render";
import type { RenderNode, RenderSpan, RenderTrace } from "@calltree/render";

/**
 * What the web page is given: plain JSON, computed here so the page holds no knowledge of attribute
 * names (they come from the semantic-conventions packages, as everywhere in calltree) and no value is
 * interpreted in the browser beyond being shown as text.
 */

/** One row of the trace list. */
export interface TraceSummary {
  id: string;
  name: string;
  kind?: string;
  /** Start, milliseconds since the epoch. */
  start: number;
  /** Milliseconds. */
  dur: number;
  spans: number;
  errors: number;
  tokens?: { prompt: number; completion: number; total: number };
  cost?: number;
  session?: string;
  user?: string;
  /** False when the root span never arrived. */
  hasRoot: boolean;
}

/** A chat message of an LLM span. */
interface ChatMessage {
  role: string;
  name?: string;
  content?: string;
  parts?: Array<{ type: string; text?: string; image?: string }>;
  toolCalls?: Array<{ id?: string; name?: string; arguments?: string }>;
  toolCallId?: string;
}

/** One span as the waterfall and the detail panel show it. */
interface SpanView {
  id: string;
  parent?: string;
  depth: number;
  name: string;
  kind?: string;
  /** Milliseconds after the trace's start. */
  start: number;
  /** Milliseconds. */
  dur: number;
  /** 0 unset, 1 ok, 2 error. */
  status: number;
  statusMessage?: string;
  model?: string;
  tokens?: { prompt?: number; completion?: number; total?: number };
  cost?: number;
  /** Milliseconds after the span's start at which its stream produced the first chunk. */
  firstToken?: number;
  orphan?: boolean;
  input?: { value: string; mime?: string };
  output?: { value: string; mime?: string };
  messages?: { input: ChatMessage[]; output: ChatMessage[] };
  exception?: { type?: string; message?: string; stack?: string };
  /** Every attribute, sorted by key. */
  attributes: Array<[string, unknown]>;
  events: Array<{ name: string; time: number; attributes: Array<[string, unknown]> }>;
  resource?: Array<[string, unknown]>;
  scope?: string;
}

/** A trace with every span, in tree order. */
export interface TraceDetail {
  summary: TraceSummary;
  spans: SpanView[];
}

// Bidi overrides and C0/C1 controls other than tab and newline: like the console tree, text from a span
// must not reorder or hide what is shown around it. Newlines stay, since messages and stacks are multi-line.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** A span's text made safe to show (the page adds it as text, never as markup). */
function clean(text: string): string {
  return text.replace(UNSAFE, "\ufffd");
}

function cleanValue(value: unknown): unknown {
  if (typeof value === "string") return clean(value);
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(cleanValue);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[clean(key)] = cleanValue(item);
    return out;
  }
  return value;
}

function entries(record: Record<string, unknown> | undefined): Array<[string, unknown]> {
  if (!record) return [];
  return Object.keys(record)
    .sort()
    .map((key) => [clean(key), cleanValue(record[key])]);
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return clean(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

const ms = (nanos: bigint): number => Number(nanos) / 1e6;

/** The first span in tree order that carries `key` (the root's value wins). */
function firstText(spans: RenderSpan[], key: string): string | undefined {
  for (const span of spans) {
    const value = text(span.attributes[key]);
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/** Spans in tree order with their depth (iterative: a deep tree does not overflow the stack). */
function walk(trace: RenderTrace): Array<{ node: RenderNode; depth: number }> {
  const out: Array<{ node: RenderNode; depth: number }> = [];
  const stack: Array<{ node: RenderNode; depth: number }> = [];
  for (let i = trace.roots.length - 1; i >= 0; i--) stack.push({ node: trace.roots[i] as RenderNode, depth: 0 });
  for (let item = stack.pop(); item; item = stack.pop()) {
    out.push(item);
    const children = item.node.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as RenderNode, depth: item.depth + 1 });
  }
  return out;
}

function startOf(spans: RenderSpan[]): bigint {
  let start: bigint | undefined;
  for (const span of spans) if (start === undefined || span.startTimeUnixNano < start) start = span.startTimeUnixNano;
  return start ?? 0n;
}

/** The list row of a trace. */
export function summarize(trace: RenderTrace, ordered = walk(trace).map((item) => item.node.span)): TraceSummary {
  const totals = traceTotals(trace);
  const root = trace.roots[0]?.span;
  const summary: TraceSummary = {
    id: trace.traceId,
    name: clean(root?.name ?? "(empty trace)"),
    start: Number(startOf(ordered) / 1_000_000n),
    dur: ms(totals.durationNanos),
    spans: totals.spanCount,
    errors: totals.errorCount,
    hasRoot: trace.hasRoot,
  };
  const kind = root ? text(root.attributes[SC.OPENINFERENCE_SPAN_KIND]) : undefined;
  if (kind) summary.kind = kind;
  if (totals.tokens) summary.tokens = totals.tokens;
  if (totals.cost !== undefined) summary.cost = totals.cost;
  const session = firstText(ordered, SC.SESSION_ID);
  if (session) summary.session = session;
  const user = firstText(ordered, SC.USER_ID);
  if (user) summary.user = user;
  return summary;
}

/** Messages under `prefix` (`llm.input_messages` or `llm.output_messages`), in index order. */
function messagesOf(attributes: Record<string, unknown>, prefix: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const fields of indexed(attributes, prefix)) {
    const message: ChatMessage = { role: text(fields[SC.MESSAGE_ROLE]) ?? "?" };
    const name = text(fields[SC.MESSAGE_NAME]);
    if (name) message.name = name;
    const content = text(fields[SC.MESSAGE_CONTENT]);
    if (content !== undefined) message.content = content;
    const toolCallId = text(fields[SC.MESSAGE_TOOL_CALL_ID]);
    if (toolCallId) message.toolCallId = toolCallId;
    const parts = indexed(fields, SC.MESSAGE_CONTENTS).map((part) => {
      const item: { type: string; text?: string; image?: string } = { type: text(part[SC.MESSAGE_CONTENT_TYPE]) ?? "text" };
      const partText = text(part[SC.MESSAGE_CONTENT_TEXT]);
      if (partText !== undefined) item.text = partText;
      const image = text(part[`${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`]);
      if (image !== undefined) item.image = image;
      return item;
    });
    if (parts.length > 0) message.parts = parts;
    const calls = indexed(fields, SC.MESSAGE_TOOL_CALLS).map((call) => {
      const item: { id?: string; name?: string; arguments?: string } = {};
      const id = text(call[SC.TOOL_CALL_ID]);
      if (id) item.id = id;
      const callName = text(call[SC.TOOL_CALL_FUNCTION_NAME]);
      if (callName) item.name = callName;
      const args = text(call[SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON]);
      if (args !== undefined) item.arguments = args;
      return item;
    });
    if (calls.length > 0) message.toolCalls = calls;
    out.push(message);
  }
  return out;
}

/** Groups `prefix.N.rest` keys of `fields` into one record per N, in index order. */
function indexed(fields: Record<string, unknown>, prefix: string): Array<Record<string, unknown>> {
  const byIndex = new Map<number, Record<string, unknown>>();
  const head = `${prefix}.`;
  for (const key of Object.keys(fields)) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const dot = rest.indexOf(".");
    if (dot < 0) continue;
    const index = Number(rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 0) continue;
    let item = byIndex.get(index);
    if (!item) byIndex.set(index, (item = {}));
    item[rest.slice(dot + 1)] = fields[key];
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i) as Record<string, unknown>);
}

function spanView(node: RenderNode, depth: number, traceStart: bigint): SpanView {
  const span = node.span;
  const a = span.attributes;
  const view: SpanView = {
    id: span.spanId,
    depth,
    name: clean(span.name) || "(unnamed)",
    start: ms(span.startTimeUnixNano - traceStart),
    dur: Math.max(0, ms(span.endTimeUnixNano - span.startTimeUnixNano)),
    status: span.status.code,
    attributes: entries(a),
    events: span.events.map((event) => ({
      name: clean(event.name),
      time: ms(event.timeUnixNano - span.startTimeUnixNano),
      attributes: entries(event.attributes),
    })),
  };
  if (span.parentSpanId !== undefined) view.parent = span.parentSpanId;
  if (node.orphan) view.orphan = true;
  if (span.status.message) view.statusMessage = clean(span.status.message);
  const kind = text(a[SC.OPENINFERENCE_SPAN_KIND]);
  if (kind) view.kind = kind;
  const model = text(a[SC.LLM_MODEL_NAME]);
  if (model) view.model = model;
  const tokens: NonNullable<SpanView["tokens"]> = {};
  const prompt = num(a[SC.LLM_TOKEN_COUNT_PROMPT]);
  const completion = num(a[SC.LLM_TOKEN_COUNT_COMPLETION]);
  const total = num(a[SC.LLM_TOKEN_COUNT_TOTAL]) ?? (prompt !== undefined || completion !== undefined ? (prompt ?? 0) + (completion ?? 0) : undefined);
  if (prompt !== undefined) tokens.prompt = prompt;
  if (completion !== undefined) tokens.completion = completion;
  if (total !== undefined) tokens.total = total;
  if (total !== undefined) view.tokens = tokens;
  const cost = num(a[SC.LLM_COST_TOTAL]);
  if (cost !== undefined) view.cost = cost;
  const first = span.events.find((event) => event.name === FIRST_TOKEN_EVENT);
  if (first) view.firstToken = ms(first.timeUnixNano - span.startTimeUnixNano);
  const input = text(a[SC.INPUT_VALUE]);
  if (input !== undefined) view.input = withMime(input, text(a[SC.INPUT_MIME_TYPE]));
  const output = text(a[SC.OUTPUT_VALUE]);
  if (output !== undefined) view.output = withMime(output, text(a[SC.OUTPUT_MIME_TYPE]));
  const inputMessages = messagesOf(a, SC.LLM_INPUT_MESSAGES);
  const outputMessages = messagesOf(a, SC.LLM_OUTPUT_MESSAGES);
  if (inputMessages.length + outputMessages.length > 0) view.messages = { input: inputMessages, output: outputMessages };
  const exception = span.events.find((event) => event.name === "exception");
  if (exception) {
    const found: NonNullable<SpanView["exception"]> = {};
    const type = text(exception.attributes[ATTR_EXCEPTION_TYPE]);
    if (type) found.type = type;
    const message = text(exception.attributes[ATTR_EXCEPTION_MESSAGE]);
    if (message) found.message = message;
    const stack = text(exception.attributes[ATTR_EXCEPTION_STACKTRACE]);
    if (stack) found.stack = stack;
    view.exception = found;
  }
  if (span.resource && Object.keys(span.resource).length > 0) view.resource = entries(span.resource);
  if (span.scope) view.scope = clean(`${span.scope.name}${span.scope.version ? `@${span.scope.version}` : ""}`);
  return view;
}

function withMime(value: string, mime: string | undefined): { value: string; mime?: string } {
  return mime ? { value, mime } : { value };
}

/** Everything the page shows of one trace. */
export function detail(trace: RenderTrace): TraceDetail {
  const items = walk(trace);
  const ordered = items.map((item) => item.node.span);
  const start = startOf(ordered);
  return { summary: summarize(trace, ordered), spans: items.map((item) => spanView(item.node, item.depth, start)) };
}

/** JSON for the page: bigints as strings (attribute values can hold them). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
}

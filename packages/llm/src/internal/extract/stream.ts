// Aggregates streamed LLM output into the attributes the equivalent non-streamed response gives.
// Each supported stream is rebuilt into its provider's response shape and handed to the same
// normalizer the response extractor uses, so the two paths cannot drift apart.
import type { Attributes } from "@opentelemetry/api";
import { argumentsJson } from "./messages.js";
import type { ContentPart, Message, NormalizedResponse, TokenCounts, ToolCall } from "./model.js";
import { addTokenCounts, assistantMessages, toolCall } from "./model.js";
import type { ProviderInfo, RequestModel } from "./provider.js";
import { familyOf, requestModelOf } from "./provider.js";
import {
  aiSdkUsage,
  normalizeAgentsResponse,
  normalizeAnthropicMessage,
  normalizeChatCompletion,
  normalizeCompletion,
  normalizeResponsesResponse,
  writeResponse,
} from "./response.js";
import { TextBuffer, getOrCreate, guard, isRecord, list, nonEmpty, num, read, str } from "./shape.js";

/** Collects stream chunks and turns them into OpenInference response attributes. */
export interface StreamAggregator {
  /**
   * Feeds one chunk: an OpenAI chat/legacy completion chunk, an OpenAI responses stream event,
   * an Anthropic stream event, an AI SDK `fullStream` part, or a string. The first recognized
   * chunk fixes the stream's kind; chunks of another kind are ignored afterwards. Never throws.
   */
  push(chunk: unknown): void;
  /**
   * Attributes of everything pushed so far, exactly as `extractLlmResponse` would give
   * for the complete response: callable at any time (e.g. after the stream failed halfway) and
   * more than once. `{}` when no chunk was recognized. Never throws.
   */
  attributes(): Attributes;
  /** The output messages of everything pushed so far, in neutral form (for `output.value`). Never throws. */
  messages(): readonly Message[];
  /** The model that answered, when the chunks so far name it. Never throws. */
  model(): string | undefined;
  /** How many chunks were pushed (recognized or not). */
  readonly chunks: number;
}

interface Sink {
  push(chunk: unknown): void;
  build(): { normalized: NormalizedResponse; family: ProviderInfo };
}

// ---- plain strings -------------------------------------------------------------------------

function textSink(): Sink {
  const text = new TextBuffer();
  return {
    push(chunk) {
      if (typeof chunk === "string") text.append(chunk);
    },
    build() {
      return { normalized: { messages: [{ role: "assistant", content: text.text() }] }, family: {} };
    },
  };
}

// ---- OpenAI chat completion chunks (and legacy completion chunks) --------------------------

interface CallState {
  id?: string;
  type?: string;
  name: TextBuffer;
  args: TextBuffer;
}

interface ChoiceState {
  role?: string;
  content: TextBuffer;
  refusal: TextBuffer;
  text: TextBuffer;
  finishReason?: string;
  toolCalls: Map<number, CallState>;
  functionCall?: { name: TextBuffer; args: TextBuffer };
}

function newChoice(): ChoiceState {
  return { content: new TextBuffer(), refusal: new TextBuffer(), text: new TextBuffer(), toolCalls: new Map() };
}

function newCall(): CallState {
  return { name: new TextBuffer(), args: new TextBuffer() };
}

function openAiChunkSink(legacy: boolean): Sink {
  const choices = new Map<number, ChoiceState>();
  let model: string | undefined;
  let usage: unknown;
  const family = familyOf(legacy ? "text_completion" : "chat.completion.chunk", undefined, undefined);

  return {
    push(chunk) {
      if (!isRecord(chunk)) return;
      model ??= nonEmpty(read(chunk, "model"));
      const u = read(chunk, "usage");
      // `stream_options.include_usage` sends usage once, on a final chunk with no choices.
      if (isRecord(u)) usage = u;
      for (const choice of list(read(chunk, "choices")) ?? []) {
        if (!isRecord(choice)) continue;
        const c = getOrCreate(choices, num(read(choice, "index")) ?? 0, newChoice);
        const finish = nonEmpty(read(choice, "finish_reason"));
        if (finish !== undefined) c.finishReason = finish;
        const text = str(read(choice, "text"));
        if (text !== undefined) c.text.append(text);
        const delta = read(choice, "delta");
        if (!isRecord(delta)) continue;
        const role = str(read(delta, "role"));
        if (role !== undefined) c.role = role;
        const content = str(read(delta, "content"));
        if (content !== undefined) c.content.append(content);
        const refusal = str(read(delta, "refusal"));
        if (refusal !== undefined) c.refusal.append(refusal);
        for (const tc of list(read(delta, "tool_calls")) ?? []) {
          if (!isRecord(tc)) continue;
          const call = getOrCreate(c.toolCalls, num(read(tc, "index")) ?? 0, newCall);
          const id = nonEmpty(read(tc, "id"));
          if (id !== undefined) call.id = id;
          const type = nonEmpty(read(tc, "type"));
          if (type !== undefined) call.type = type;
          const fn = read(tc, "function");
          const name = str(read(fn, "name"));
          if (name !== undefined) call.name.append(name);
          const args = str(read(fn, "arguments"));
          if (args !== undefined) call.args.append(args);
        }
        const fc = read(delta, "function_call");
        if (isRecord(fc)) {
          c.functionCall ??= { name: new TextBuffer(), args: new TextBuffer() };
          const name = str(read(fc, "name"));
          if (name !== undefined) c.functionCall.name.append(name);
          const args = str(read(fc, "arguments"));
          if (args !== undefined) c.functionCall.args.append(args);
        }
      }
    },
    build() {
      const indexes = [...choices.keys()].sort((a, b) => a - b);
      const rebuilt = indexes.map((index) => {
        const c = getOrCreate(choices, index, newChoice);
        if (legacy) return { index, text: c.text.text(), finish_reason: c.finishReason ?? null };
        const content = c.content.text();
        const message: Record<string, unknown> = {
          role: c.role ?? "assistant",
          // Tool-call-only streams open with `content: ""`; the non-streamed message says null.
          content: content.length > 0 ? content : null,
          refusal: c.refusal.touched ? c.refusal.text() : null,
        };
        if (c.toolCalls.size > 0) {
          message["tool_calls"] = [...c.toolCalls.entries()]
            .sort(([a], [b]) => a - b)
            .map(([, t]) => ({
              id: t.id,
              type: t.type ?? "function",
              function: { name: t.name.text(), arguments: t.args.text() },
            }));
        }
        if (c.functionCall !== undefined) {
          message["function_call"] = { name: c.functionCall.name.text(), arguments: c.functionCall.args.text() };
        }
        return { index, message, finish_reason: c.finishReason ?? null };
      });
      const response = { model, choices: rebuilt, usage };
      return { normalized: legacy ? normalizeCompletion(response) : normalizeChatCompletion(response), family };
    },
  };
}

// ---- OpenAI responses stream events --------------------------------------------------------

type ResponsesItem =
  | { kind: "message"; text: TextBuffer; refusal: TextBuffer }
  | { kind: "function_call"; callId?: string; name?: string; args: TextBuffer; custom: boolean }
  | { kind: "reasoning"; id?: string; summary: TextBuffer }
  | { kind: "done"; item: unknown };

function newMessageItem(): ResponsesItem {
  return { kind: "message", text: new TextBuffer(), refusal: new TextBuffer() };
}

function newReasoningItem(): ResponsesItem {
  return { kind: "reasoning", summary: new TextBuffer() };
}

/**
 * The buffer a responses `*.delta` event appends to. Text, refusal and reasoning deltas make their item when it is
 * missing; argument deltas need the call's `output_item.added`. `undefined` when the item at `index` is of another kind.
 */
function deltaBuffer(items: Map<number, ResponsesItem>, index: number, type: string): TextBuffer | undefined {
  if (type === "response.reasoning_summary_text.delta") {
    const entry = getOrCreate(items, index, newReasoningItem);
    return entry.kind === "reasoning" ? entry.summary : undefined;
  }
  if (type === "response.output_text.delta" || type === "response.refusal.delta") {
    const entry = getOrCreate(items, index, newMessageItem);
    if (entry.kind !== "message") return undefined;
    return type === "response.refusal.delta" ? entry.refusal : entry.text;
  }
  const entry = items.get(index);
  return entry?.kind === "function_call" ? entry.args : undefined;
}

function responsesSink(): Sink {
  let final: unknown;
  let model: string | undefined;
  const items = new Map<number, ResponsesItem>();
  const family = familyOf(undefined, "response.created", undefined);

  return {
    push(event) {
      if (!isRecord(event)) return;
      const type = str(read(event, "type"));
      if (type === undefined) return;
      const outputIndex = num(read(event, "output_index")) ?? 0;
      switch (type) {
        case "response.created":
        case "response.in_progress":
          model ??= nonEmpty(read(read(event, "response"), "model"));
          return;
        case "response.completed":
        case "response.incomplete":
        case "response.failed":
          // The terminal event carries the whole response: it is authoritative.
          final = read(event, "response");
          return;
        case "response.output_item.added": {
          const item = read(event, "item");
          const itemType = str(read(item, "type"));
          if (itemType === "function_call" || itemType === "custom_tool_call") {
            const entry: ResponsesItem = { kind: "function_call", args: new TextBuffer(), custom: itemType === "custom_tool_call" };
            const callId = str(read(item, "call_id"));
            if (callId !== undefined) entry.callId = callId;
            const name = str(read(item, "name"));
            if (name !== undefined) entry.name = name;
            items.set(outputIndex, entry);
          } else if (itemType === "reasoning") {
            const entry = getOrCreate(items, outputIndex, newReasoningItem);
            const id = str(read(item, "id"));
            if (entry.kind === "reasoning" && id !== undefined) entry.id = id;
          }
          return;
        }
        case "response.output_item.done":
          items.set(outputIndex, { kind: "done", item: read(event, "item") });
          return;
        case "response.output_text.delta":
        case "response.refusal.delta":
        case "response.function_call_arguments.delta":
        case "response.custom_tool_call_input.delta":
        case "response.reasoning_summary_text.delta": {
          const buffer = deltaBuffer(items, outputIndex, type);
          const delta = str(read(event, "delta"));
          if (buffer !== undefined && delta !== undefined) buffer.append(delta);
          return;
        }
        default:
          return;
      }
    },
    build() {
      if (isRecord(final)) return { normalized: normalizeResponsesResponse(final), family };
      const output: unknown[] = [];
      for (const [, item] of [...items.entries()].sort(([a], [b]) => a - b)) {
        if (item.kind === "done") output.push(item.item);
        else if (item.kind === "message") {
          const content: unknown[] = [];
          if (item.text.touched) content.push({ type: "output_text", text: item.text.text() });
          if (item.refusal.touched) content.push({ type: "refusal", refusal: item.refusal.text() });
          output.push({ type: "message", role: "assistant", content });
        } else if (item.kind === "function_call") {
          output.push(
            item.custom
              ? { type: "custom_tool_call", call_id: item.callId, name: item.name, input: item.args.text() }
              : { type: "function_call", call_id: item.callId, name: item.name, arguments: item.args.text() },
          );
        } else {
          output.push({ type: "reasoning", id: item.id, summary: [{ type: "summary_text", text: item.summary.text() }] });
        }
      }
      return { normalized: normalizeResponsesResponse({ model, output }), family };
    },
  };
}

// ---- Anthropic stream events ---------------------------------------------------------------

interface BlockState {
  type?: string;
  id?: string;
  name?: string;
  startInput?: unknown;
  text: TextBuffer;
  json: TextBuffer;
  signature: TextBuffer;
  data?: string;
}

/**
 * The input of a streamed tool_use block. Parsed and handed on as an object so it serializes
 * exactly like the non-streamed `input` (the API streams JSON with its own spacing); JSON cut
 * off mid-object (a stream that failed) is kept as the raw text received.
 */
function streamedInput(b: BlockState): unknown {
  const text = b.json.text();
  if (text.length === 0) return b.startInput;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// Anthropic `content_block_delta` types: the delta field carrying the piece, and the block buffer it goes to.
const BLOCK_DELTAS: ReadonlyMap<string, readonly [field: string, buffer: "text" | "json" | "signature"]> = new Map([
  ["text_delta", ["text", "text"]],
  ["thinking_delta", ["thinking", "text"]],
  ["input_json_delta", ["partial_json", "json"]],
  ["signature_delta", ["signature", "signature"]],
] as const);

function newBlock(): BlockState {
  return { text: new TextBuffer(), json: new TextBuffer(), signature: new TextBuffer() };
}

function anthropicSink(): Sink {
  let model: string | undefined;
  let role: string | undefined;
  let stopReason: string | undefined;
  const usage: Record<string, unknown> = {};
  const blocks = new Map<number, BlockState>();
  const family = familyOf(undefined, "message_start", undefined);

  function mergeUsage(u: unknown): void {
    if (!isRecord(u)) return;
    // `message_delta` usage is cumulative; nulls mean "not reported in this event".
    for (const key of ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"]) {
      const v = num(read(u, key));
      if (v !== undefined) usage[key] = v;
    }
    const thinking = num(read(read(u, "output_tokens_details"), "thinking_tokens"));
    if (thinking !== undefined) usage["output_tokens_details"] = { thinking_tokens: thinking };
  }

  return {
    push(event) {
      if (!isRecord(event)) return;
      const type = str(read(event, "type"));
      if (type === "message_start") {
        const message = read(event, "message");
        model ??= nonEmpty(read(message, "model"));
        role ??= str(read(message, "role"));
        mergeUsage(read(message, "usage"));
      } else if (type === "content_block_start") {
        const b = getOrCreate(blocks, num(read(event, "index")) ?? 0, newBlock);
        const block = read(event, "content_block");
        const blockType = str(read(block, "type"));
        if (blockType !== undefined) b.type = blockType;
        const id = str(read(block, "id"));
        if (id !== undefined) b.id = id;
        const name = str(read(block, "name"));
        if (name !== undefined) b.name = name;
        b.startInput = read(block, "input");
        const text = str(read(block, "text")) ?? str(read(block, "thinking"));
        if (text !== undefined && text.length > 0) b.text.append(text);
        const data = str(read(block, "data"));
        if (data !== undefined) b.data = data;
      } else if (type === "content_block_delta") {
        const b = getOrCreate(blocks, num(read(event, "index")) ?? 0, newBlock);
        const delta = read(event, "delta");
        const deltaType = str(read(delta, "type"));
        const target = deltaType === undefined ? undefined : BLOCK_DELTAS.get(deltaType);
        if (target !== undefined) {
          const t = str(read(delta, target[0]));
          if (t !== undefined) b[target[1]].append(t);
        }
      } else if (type === "message_delta") {
        const reason = nonEmpty(read(read(event, "delta"), "stop_reason"));
        if (reason !== undefined) stopReason = reason;
        mergeUsage(read(event, "usage"));
      }
    },
    build() {
      const content: unknown[] = [];
      for (const [, b] of [...blocks.entries()].sort(([a], [c]) => a - c)) {
        switch (b.type) {
          case "text":
            content.push({ type: "text", text: b.text.text() });
            break;
          case "thinking":
            content.push({ type: "thinking", thinking: b.text.text(), signature: b.signature.text() });
            break;
          case "redacted_thinking":
            content.push({ type: "redacted_thinking", data: b.data });
            break;
          case "tool_use":
          case "server_tool_use":
            content.push({ type: b.type, id: b.id, name: b.name, input: streamedInput(b) });
            break;
          default:
            break;
        }
      }
      const message = { type: "message", role: role ?? "assistant", model, content, stop_reason: stopReason, usage };
      return { normalized: normalizeAnthropicMessage(message), family };
    },
  };
}

// ---- AI SDK fullStream parts ---------------------------------------------------------------

function aiSdkSink(): Sink {
  const text = new TextBuffer();
  const reasoning = new TextBuffer();
  const calls: ToolCall[] = [];
  let model: string | undefined;
  let finishReason: string | undefined;
  let total: TokenCounts | undefined;
  let stepSum: TokenCounts | undefined;

  return {
    push(part) {
      if (!isRecord(part)) return;
      switch (str(read(part, "type"))) {
        case "text-delta": {
          // v5+ carries `text`; v4 carried `textDelta`.
          const t = str(read(part, "text")) ?? str(read(part, "textDelta"));
          if (t !== undefined) text.append(t);
          return;
        }
        case "reasoning-delta":
        case "reasoning": {
          const t = str(read(part, "text")) ?? str(read(part, "textDelta"));
          if (t !== undefined) reasoning.append(t);
          return;
        }
        case "tool-call":
          calls.push(toolCall(str(read(part, "toolCallId")), str(read(part, "toolName")), argumentsJson(read(part, "input") ?? read(part, "args"))));
          return;
        case "finish-step": {
          model = nonEmpty(read(read(part, "response"), "modelId")) ?? model;
          const u = aiSdkUsage(read(part, "usage"));
          if (u !== undefined) stepSum = stepSum === undefined ? u : addTokenCounts(stepSum, u);
          return;
        }
        case "finish": {
          finishReason = nonEmpty(read(part, "finishReason")) ?? finishReason;
          total = aiSdkUsage(read(part, "totalUsage") ?? read(part, "usage")) ?? total;
          return;
        }
        default:
          return;
      }
    },
    build() {
      const parts: ContentPart[] = [];
      if (reasoning.touched) parts.push({ type: "reasoning", text: reasoning.text() });
      if (text.touched) parts.push({ type: "text", text: text.text() });
      // A copy of the calls: later chunks add to the list, and build() may run again.
      const messages = assistantMessages(parts, calls.length > 0 ? [...calls] : calls);
      const normalized: { -readonly [K in keyof NormalizedResponse]: NormalizedResponse[K] } = { messages };
      if (model !== undefined) normalized.model = model;
      // Per-step usage adds up to the total when the stream stopped before its `finish` part.
      const usage = total ?? stepSum;
      if (usage !== undefined) normalized.usage = usage;
      if (finishReason !== undefined) normalized.finishReason = finishReason;
      return { normalized, family: {} };
    },
  };
}

// ---- OpenAI Agents SDK model stream events --------------------------------------------------

// `output_text_delta` events carry the text; `response_done` carries the whole `ModelResponse` and wins.
function agentsSink(): Sink {
  const text = new TextBuffer();
  let done: unknown;
  return {
    push(chunk) {
      const type = str(read(chunk, "type"));
      if (type === "output_text_delta") {
        const delta = str(read(chunk, "delta"));
        if (delta !== undefined) text.append(delta);
      } else if (type === "response_done") done = read(chunk, "response");
    },
    build() {
      if (done !== undefined) return { normalized: normalizeAgentsResponse(done), family: {} };
      const content = text.text();
      return { normalized: { messages: content === "" ? [] : [{ role: "assistant", content }] }, family: {} };
    },
  };
}

// ---- dispatch ------------------------------------------------------------------------------

const AI_SDK_PARTS: ReadonlySet<string> = new Set([
  "text-delta",
  "text-start",
  "text-end",
  "reasoning-delta",
  "reasoning-start",
  "reasoning-end",
  "tool-call",
  "tool-input-start",
  "tool-input-delta",
  "tool-input-end",
  "tool-result",
  "tool-error",
  "start-step",
  "finish-step",
  "start",
  "finish",
]);

// The Agents SDK's `StreamEvent`s (its `model` events wrap the provider's raw events and are not read).
const AGENTS_EVENTS: ReadonlySet<string> = new Set(["response_started", "output_text_delta", "response_done"]);

const ANTHROPIC_EVENTS: ReadonlySet<string> = new Set([
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
]);

function sinkFor(chunk: unknown): Sink | undefined {
  if (typeof chunk === "string") return textSink();
  if (!isRecord(chunk)) return undefined;
  const object = str(read(chunk, "object"));
  if (object === "chat.completion.chunk") return openAiChunkSink(false);
  if (object === "text_completion") return openAiChunkSink(true);
  const type = str(read(chunk, "type"));
  if (type !== undefined) {
    if (type.startsWith("response.")) return responsesSink();
    if (ANTHROPIC_EVENTS.has(type)) return anthropicSink();
    if (AI_SDK_PARTS.has(type)) return aiSdkSink();
    if (AGENTS_EVENTS.has(type)) return agentsSink();
    return undefined;
  }
  // OpenAI-compatible servers sometimes omit `object` on chunks.
  const first: unknown = list(read(chunk, "choices"))?.[0];
  if (isRecord(first)) return openAiChunkSink(!("delta" in first) && "text" in first);
  return undefined;
}

/**
 * Creates an aggregator for one streamed LLM response.
 *
 * Understands OpenAI chat completion chunks (content and refusal deltas, tool-call deltas merged
 * by index, function-call deltas, the usage-only final chunk of `include_usage`), OpenAI legacy
 * completion chunks, OpenAI responses events (text, refusal, reasoning-summary and
 * function-call-argument deltas; `response.completed`/`incomplete`/`failed` carry the full
 * response and win), Anthropic events (`message_start` usage, text/thinking/`input_json_delta`
 * block deltas, `message_delta` stop reason and cumulative usage), AI SDK `fullStream` parts
 * (`text-delta`, `reasoning-delta`, `tool-call`, `finish-step`, `finish` with `totalUsage`) and
 * plain strings (e.g. AI SDK `textStream`), and the OpenAI Agents SDK's model `StreamEvent`s
 * (`output_text_delta`; `response_done` carries the whole `ModelResponse` and wins).
 *
 * Pass the `request` to weigh its model in provider detection and model naming, as
 * `extractLlmResponse` does. Text is collected in pieces and joined once: aggregating N
 * chunks costs O(total size). Chunks are read, never kept or mutated.
 */
export function createStreamAggregator(options?: { readonly request?: unknown }): StreamAggregator {
  let sink: Sink | undefined;
  let count = 0;
  let requestModel: RequestModel | undefined;
  guard(() => {
    if (options?.request !== undefined) requestModel = requestModelOf(options.request);
  });
  return {
    push(chunk: unknown): void {
      count++;
      guard(() => {
        sink ??= sinkFor(chunk);
        sink?.push(chunk);
      });
    },
    attributes(): Attributes {
      const attrs: Attributes = {};
      guard(() => {
        if (sink === undefined) return;
        const { normalized, family } = sink.build();
        const context: { requestModel?: RequestModel; family?: ProviderInfo } = { family };
        if (requestModel !== undefined) context.requestModel = requestModel;
        writeResponse(attrs, normalized, context);
      });
      return attrs;
    },
    messages(): readonly Message[] {
      let out: readonly Message[] = [];
      guard(() => {
        if (sink !== undefined) out = sink.build().normalized.messages;
      });
      return out;
    },
    model(): string | undefined {
      let out: string | undefined;
      guard(() => {
        if (sink !== undefined) out = sink.build().normalized.model;
      });
      return out;
    },
    get chunks(): number {
      return count;
    },
  };
}

import type { Attributes } from "@opentelemetry/api";
import { MimeType, OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { defineKind, FIRST_TOKEN_EVENT, safeJson } from "@calltree/core/kind";
import { GEN_AI } from "./internal/genai.js";
import type { AttributeList, CallInfo, CallStart, ChildSpan, Kind } from "@calltree/core/kind";
import { z } from "zod";
import { computeCost, writeCostAttributes } from "./internal/cost/index.js";
import { createStreamAggregator, extractLlmRequest, readLlmResponse, requestAttributeList, sdkAnswerMessagesOf } from "./internal/extract/index.js";
import type { StreamAggregator } from "./internal/extract/index.js";
import {
  addTokenCounts,
  LLM_INPUT_MESSAGES_OMITTED,
  LLM_OUTPUT_MESSAGES_OMITTED,
  sayTextMessage,
  writeMessages,
  writeTokenCounts,
  writeTools,
} from "./internal/extract/model.js";
import type { Message, TokenCounts } from "./internal/extract/model.js";
import { isRecord } from "./internal/extract/shape.js";
import type { LlmTokenCount } from "./token-count.js";

// Each option is written once, its check beside its TSDoc; the options type is an interface over this shape's input
// (an interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of
// an object literal's properties, not of the type z.object() maps them to.
const llmOptionsShape = {
  /** `llm.provider`: who hosts the model (`"openai"`, `"anthropic"`, `"openrouter"`…). Beats inference. */
  provider: z.string().min(1).optional(),
  /** `llm.system`: whose AI product the model is (`"openai"`, `"anthropic"`…). Beats inference. */
  system: z.string().min(1).optional(),
  /** `llm.model_name` when neither the request nor the response names the model. */
  model: z.string().min(1).optional(),
  /** `llm.invocation_parameters` when the request does not carry them (temperature, max tokens…). */
  invocationParameters: z.record(z.string(), z.unknown()).optional(),
};

/** Options of `@llm(options)` and `llm.wrap(fn, options)`, besides the common ones (`name`, `input`, …). */
export interface LlmOptions extends z.input<z.ZodObject<typeof llmOptionsShape>> {}

/** A chat message for {@link LlmRecord}. */
export interface LlmMessage {
  role: string;
  content?: string;
  name?: string;
  toolCallId?: string;
  toolCalls?: Array<{ id?: string; name?: string; arguments?: string }>;
}

export type { LlmTokenCount };

/**
 * What `llm.record()` can add to the innermost `@llm` call. Everything is optional; what is given replaces what
 * was read automatically. Token counts without a `cost` get a cost from the price catalog when the model is known.
 */
export interface LlmRecord {
  model?: string;
  provider?: string;
  system?: string;
  invocationParameters?: Record<string, unknown>;
  inputMessages?: LlmMessage[];
  outputMessages?: LlmMessage[];
  /** Tool definitions as sent to the model (OpenAI- or Anthropic-style objects). */
  tools?: unknown[];
  tokenCount?: LlmTokenCount;
  /** Cost in USD, when you know it better than the catalog. */
  cost?: { prompt?: number; completion?: number; total?: number };
  /** A raw SDK request (OpenAI, Anthropic, Vercel AI SDK), read as if it had been an argument. */
  request?: unknown;
  /** A raw SDK response, read as if it had been the result. */
  response?: unknown;
}

/**
 * Everything one `@llm` call has learned, from whichever path saw it (arguments, result, returned stream,
 * `llm.fetch`, `record()`, nested spans). Usage is held here and written once, when the call's span closes, so a
 * nested span noticed late can still take it over and no path writes it twice.
 */
export interface LlmState {
  request?: unknown;
  /** The requested model. */
  model?: string;
  /** The model that answered, once any path knows it: it wins `llm.model_name`. */
  responseModel?: string;
  usage?: TokenCounts;
  cost?: { prompt?: number; completion?: number; total: number };
  /** The one aggregator of this call's streamed answer. */
  stream?: StreamAggregator;
  /** `llm.fetch` reads the streamed answer off the wire: chunks of the returned stream are then not counted. */
  streamFromFetch?: boolean;
  /** Usage has been written (once, when the span closes). */
  usageWritten: boolean;
  /** When `llm.fetch` saw the first event of a streamed answer. */
  firstTokenAt?: number;
  /** An LLM (or GenAI) span ran inside this call: what it carried. */
  nested?: { tokens?: TokenCounts; hasCost: boolean; model?: string };
  /** `output.value` of the answer as `llm.fetch` read it (its text, or the assistant message as JSON). */
  answer?: { value: string; mimeType: string };
  /**
   * The method returned the raw HTTP `Response` of `.asResponse()`, which the app reads on its own: its output is the
   * answer `llm.fetch` read, at close.
   */
  outputFromFetch?: boolean;
}

const DETAIL_COUNTS = ["cacheRead", "cacheWrite", "promptAudio", "reasoning", "completionAudio"] as const;
const TOKEN_PREFIX = SC.LLM_TOKEN_COUNT_TOTAL.slice(0, SC.LLM_TOKEN_COUNT_TOTAL.lastIndexOf(".") + 1);
const COST_PREFIX = `${SC.LLM_COST}.`;
const INPUT_KEYS = [SC.LLM_INPUT_MESSAGES, SC.LLM_TOOLS, SC.LLM_INVOCATION_PARAMETERS, SC.LLM_PROMPTS, LLM_INPUT_MESSAGES_OMITTED];
const OUTPUT_KEYS = [SC.LLM_OUTPUT_MESSAGES, LLM_OUTPUT_MESSAGES_OMITTED];

export function stateOf(call: CallStart<LlmOptions, LlmState>): LlmState {
  return (call.data ??= { usageWritten: false });
}

// The argument that is the model request: an SDK params object, else a lone string prompt.
function requestOf(args: readonly unknown[]): unknown {
  for (const a of args) {
    if (isRecord(a) && ("messages" in a || "input" in a || "prompt" in a || "model" in a || "system" in a)) return a;
  }
  return args.length === 1 && typeof args[0] === "string" ? args[0] : undefined;
}

function tokenCountsOf(attrs: Attributes): TokenCounts | undefined {
  if (attrs[SC.LLM_TOKEN_COUNT_PROMPT] === undefined && attrs[SC.LLM_TOKEN_COUNT_COMPLETION] === undefined && attrs[SC.LLM_TOKEN_COUNT_TOTAL] === undefined) {
    return undefined;
  }
  // No closures: this runs for every attribute set that carries usage (once per priced call at least).
  const counts: TokenCounts = {};
  let v = attrs[SC.LLM_TOKEN_COUNT_PROMPT];
  if (typeof v === "number") counts.prompt = v;
  v = attrs[SC.LLM_TOKEN_COUNT_COMPLETION];
  if (typeof v === "number") counts.completion = v;
  v = attrs[SC.LLM_TOKEN_COUNT_TOTAL];
  if (typeof v === "number") counts.total = v;
  v = attrs[U_CACHE_READ];
  if (typeof v === "number") counts.cacheRead = v;
  v = attrs[U_CACHE_WRITE];
  if (typeof v === "number") counts.cacheWrite = v;
  v = attrs[U_REASONING];
  if (typeof v === "number") counts.reasoning = v;
  v = attrs[U_PROMPT_AUDIO];
  if (typeof v === "number") counts.promptAudio = v;
  v = attrs[U_COMPLETION_AUDIO];
  if (typeof v === "number") counts.completionAudio = v;
  if (counts.prompt === undefined && counts.completion === undefined && counts.total === undefined) return undefined;
  return counts;
}

// Usage as OpenTelemetry GenAI spans carry it (Anthropic's own telemetry, AI SDK 7, other libraries).
function genAiTokenCountsOf(attrs: Attributes): TokenCounts | undefined {
  const num = (k: string) => (typeof attrs[k] === "number" ? (attrs[k] as number) : undefined);
  const prompt = num(GEN_AI.USAGE_INPUT_TOKENS) ?? num(GEN_AI.USAGE_PROMPT_TOKENS);
  const completion = num(GEN_AI.USAGE_OUTPUT_TOKENS) ?? num(GEN_AI.USAGE_COMPLETION_TOKENS);
  if (prompt === undefined && completion === undefined) return undefined;
  const counts: TokenCounts = {};
  if (prompt !== undefined) counts.prompt = prompt;
  if (completion !== undefined) counts.completion = completion;
  const cacheRead = num(GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS);
  const cacheWrite = num(GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS);
  const reasoning = num(GEN_AI.USAGE_REASONING_OUTPUT_TOKENS);
  if (cacheRead !== undefined) counts.cacheRead = cacheRead;
  if (cacheWrite !== undefined) counts.cacheWrite = cacheWrite;
  if (reasoning !== undefined) counts.reasoning = reasoning;
  return counts;
}

// A token count or cost detail without the counts or total (written by hand): checked by the keys calltree writes.
// A walk over the attribute set's keys with one Set lookup each: 14 keyed loads of absent keys cost 180-200 ns a call,
// this 30-50 ns (measured on attribute sets of 1 to 6 keys, the usual sizes).
function hasUsageKey(attrs: Attributes): boolean {
  for (const key in attrs) if (USAGE_DETAIL_KEYS.has(key) && attrs[key] !== undefined) return true;
  return false;
}
const U_CACHE_READ = SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ;
const U_CACHE_WRITE = SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE;
const U_PROMPT_AUDIO = SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_AUDIO;
const U_REASONING = SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING;
const U_COMPLETION_AUDIO = SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_AUDIO;
const USAGE_DETAIL_KEYS: ReadonlySet<string> = new Set([
  U_CACHE_READ, U_CACHE_WRITE, U_PROMPT_AUDIO, U_REASONING, U_COMPLETION_AUDIO,
  SC.LLM_COST_PROMPT, SC.LLM_COST_COMPLETION, SC.LLM_COST_INPUT, SC.LLM_COST_OUTPUT,
  SC.LLM_COST_PROMPT_DETAILS_CACHE_READ, SC.LLM_COST_PROMPT_DETAILS_CACHE_WRITE, SC.LLM_COST_PROMPT_DETAILS_AUDIO,
  SC.LLM_COST_COMPLETION_DETAILS_REASONING, SC.LLM_COST_COMPLETION_DETAILS_AUDIO,
]);

// Keys under any of `prefixes` (each given with its trailing dot, or as an exact key).
function under(key: string, exact: readonly string[], dotted: readonly string[]): boolean {
  for (let i = 0; i < dotted.length; i++) if (key === exact[i] || key.startsWith(dotted[i]!)) return true;
  return false;
}
const INPUT_DOTTED = INPUT_KEYS.map((k) => `${k}.`);
const OUTPUT_DOTTED = OUTPUT_KEYS.map((k) => `${k}.`);

/**
 * Every attribute set this kind writes passes here: usage is taken into the call's state (written once, at the
 * end), the answering model wins `llm.model_name`, and `captureInput`/`captureOutput: false` remove the LLM data of
 * that side entirely. Core then bounds every string by the capture limit and masks (the hide flags). `noUsage`: the
 * set is known to hold no token count or cost (a request's, a lone text message's, a response read with its usage
 * apart).
 */
export function prepare(attrs: Attributes, call: CallStart<LlmOptions, LlmState>, noUsage = false): Attributes {
  const state = stateOf(call);
  const options = call.options;
  // A request (or a lone message) carries no usage: its hundred keys need not be searched for any.
  const counts = noUsage ? undefined : tokenCountsOf(attrs);
  if (counts !== undefined) state.usage = counts;
  const costed = !noUsage && typeof attrs[SC.LLM_COST_TOTAL] === "number";
  if (costed) {
    const cost: { prompt?: number; completion?: number; total: number } = { total: attrs[SC.LLM_COST_TOTAL] as number };
    if (typeof attrs[SC.LLM_COST_PROMPT] === "number") cost.prompt = attrs[SC.LLM_COST_PROMPT] as number;
    if (typeof attrs[SC.LLM_COST_COMPLETION] === "number") cost.completion = attrs[SC.LLM_COST_COMPLETION] as number;
    state.cost = cost;
  }
  if (typeof attrs[SC.LLM_MODEL_NAME] === "string" || state.responseModel !== undefined) {
    const answered = state.responseModel;
    if (answered !== undefined) {
      attrs[SC.LLM_MODEL_NAME] = answered;
      if (state.model !== undefined && state.model !== answered) {
        attrs[SC.LLM_REQUEST_MODEL_NAME] = state.model;
        attrs[SC.LLM_RESPONSE_MODEL_NAME] = answered;
      }
    }
  }
  // The options are static attributes of every span already: only a value read from the call needs overriding.
  if (options.provider !== undefined && attrs[SC.LLM_PROVIDER] !== undefined) attrs[SC.LLM_PROVIDER] = options.provider;
  if (options.system !== undefined && attrs[SC.LLM_SYSTEM] !== undefined) attrs[SC.LLM_SYSTEM] = options.system;
  const noInput = options.captureInput === false;
  const noOutput = options.captureOutput === false;
  // Usage keys come only with the counts or the cost they carry (a request brings none): else nothing to drop.
  if (counts === undefined && !costed && !noInput && !noOutput && (noUsage || !hasUsageKey(attrs))) return attrs;
  // One pass: usage leaves (it is written once, at close), a withheld side leaves, strings are bounded.
  for (const key in attrs) {
    if (key.startsWith(TOKEN_PREFIX) || key.startsWith(COST_PREFIX)) {
      delete attrs[key];
      continue;
    }
    if ((noInput && under(key, INPUT_KEYS, INPUT_DOTTED)) || (noOutput && under(key, OUTPUT_KEYS, OUTPUT_DOTTED))) {
      delete attrs[key];
      continue;
    }
    // Strings longer than the capture limit are cut by core, as for every kind (JSON text stays valid JSON).
  }
  return attrs;
}

/**
 * {@link prepare} for a request's attributes at the start of a call, as the list the engine writes pair by pair. A
 * request carries no usage; what prepare() would change in it is the provider and system the options name, set in
 * place. A side withheld (`captureInput`/`captureOutput: false`), or a model known to have answered already, takes
 * the object form and prepare() itself.
 */
function prepareRequest(list: AttributeList, call: CallStart<LlmOptions, LlmState>): Attributes | AttributeList {
  const options = call.options;
  if (options.captureInput === false || options.captureOutput === false || stateOf(call).responseModel !== undefined) {
    return prepare(list.toAttributes(), call, true);
  }
  if (options.provider !== undefined) replaceValue(list, SC.LLM_PROVIDER, options.provider);
  if (options.system !== undefined) replaceValue(list, SC.LLM_SYSTEM, options.system);
  return list;
}

// Sets every value of `key` already in `list` to `value` (none is added: see prepare()).
function replaceValue(list: AttributeList, key: string, value: string): void {
  const keys = list.keys;
  for (let i = 0; i < keys.length; i++) if (keys[i] === key) list.values[i] = value;
}

// The model that answered, when `llm.fetch` inside the call learned it, as prepare() writes it (a text answer names
// none), through set().
function sayAnsweredModel(call: CallInfo<LlmOptions, LlmState>, state: LlmState): void {
  const answered = state.responseModel;
  if (answered === undefined) return;
  call.set(SC.LLM_MODEL_NAME, answered);
  if (state.model !== undefined && state.model !== answered) {
    call.set(SC.LLM_REQUEST_MODEL_NAME, state.model);
    call.set(SC.LLM_RESPONSE_MODEL_NAME, answered);
  }
}

/** Learns the model that answered from a response (or stream) and the request's model. */
export function noteModels(state: LlmState, request: unknown, answered: string | undefined): void {
  if (request !== undefined && isRecord(request) && typeof request["model"] === "string") state.model ??= request["model"];
  if (answered !== undefined) state.responseModel = answered;
}

/**
 * Usage (token counts and cost), written once, when the call's span closes: after the result or stream end, after
 * every `llm.fetch` body the span waited for, and after every span that ended inside the call. It lives on exactly
 * one span: the innermost that has it. When a span inside this call (an auto-instrumentation's, an SDK's own GenAI
 * span, a nested `@llm`) carries token counts, this span carries none; if that span has no cost, this one carries
 * the cost of its counts (calltree cannot write on another library's span), so summing tokens and cost over a
 * trace counts each once.
 */
function usageAttributes(call: CallStart<LlmOptions, LlmState>): Attributes | undefined {
  const state = call.data;
  if (state === undefined || state.usageWritten) return undefined;
  state.usageWritten = true;
  // Nothing learned (a call answered with plain text, an unknown SDK): no object, no pricing closure.
  if (state.usage === undefined && state.cost === undefined && state.nested?.tokens === undefined) return undefined;
  const attrs: Attributes = {};
  const model = state.responseModel ?? state.model ?? call.options.model;
  const provider = call.options.provider;
  const price = (tokens: TokenCounts, m: string | undefined) => {
    if (m === undefined) return;
    const cost = computeCost({ model: m, ...(provider !== undefined ? { provider } : {}), tokens });
    if (cost !== undefined) writeCostAttributes(attrs, cost);
  };
  const nested = state.nested;
  if (nested?.tokens !== undefined) {
    // Sub-counts the nested span does not carry (AI SDK 7's GenAI spans have no reasoning count) but this call
    // read for the same usage stay here, without prompt, completion or total: each is then counted once.
    const own = state.usage;
    let priced = nested.tokens;
    if (own !== undefined && own.prompt === nested.tokens.prompt && own.completion === nested.tokens.completion) {
      const missing: TokenCounts = {};
      for (const key of DETAIL_COUNTS) if (own[key] !== undefined && own[key] !== 0 && !nested.tokens[key]) missing[key] = own[key];
      if (Object.keys(missing).length > 0) {
        writeTokenCounts(attrs, missing);
        priced = { ...nested.tokens, ...missing };
      }
    }
    if (!nested.hasCost) price(priced, nested.model ?? model);
    return attrs;
  }
  if (state.usage !== undefined) writeTokenCounts(attrs, state.usage);
  if (state.cost !== undefined) {
    attrs[SC.LLM_COST_TOTAL] = state.cost.total;
    if (state.cost.prompt !== undefined) attrs[SC.LLM_COST_PROMPT] = state.cost.prompt;
    if (state.cost.completion !== undefined) attrs[SC.LLM_COST_COMPLETION] = state.cost.completion;
  } else if (state.usage !== undefined) price(state.usage, model);
  return attrs;
}

/**
 * `output.value` of an answer read into messages (a stream, an SDK result whose JSON is not the answer, what
 * `llm.fetch` read): its text, else its messages (tool calls) as readable JSON.
 */
export function answerOutput(messages: readonly Message[]): { value: string; mimeType: string } | undefined {
  const first = messages[0];
  if (first === undefined) return undefined;
  if (messages.length === 1 && typeof first.content === "string" && (first.toolCalls ?? []).length === 0) {
    return { value: first.content, mimeType: MimeType.TEXT };
  }
  const readable = messages.map((m) => ({
    role: m.role ?? "assistant",
    ...(m.content !== undefined ? { content: m.content } : {}),
    ...(m.contents !== undefined ? { contents: m.contents } : {}),
    ...(m.toolCalls !== undefined && m.toolCalls.length > 0
      ? { tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) }
      : {}),
  }));
  return { value: safeJson(readable.length === 1 ? readable[0] : readable), mimeType: MimeType.JSON };
}

/** Attributes of the call's streamed answer so far (from whichever path fed its one aggregator). */
export function streamAttributes(call: CallStart<LlmOptions, LlmState>): Attributes {
  const state = stateOf(call);
  const aggregator = state.stream;
  if (aggregator === undefined) return {};
  noteModels(state, state.request, aggregator.model());
  const attrs = aggregator.attributes();
  if (call.options.captureOutput !== false) {
    const out = answerOutput(aggregator.messages());
    if (out !== undefined) {
      state.answer = out;
      attrs[SC.OUTPUT_VALUE] = out.value;
      attrs[SC.OUTPUT_MIME_TYPE] = out.mimeType;
    }
  }
  return prepare(attrs, call);
}

// The HTTP `Response` itself (the openai and Anthropic SDKs' `.asResponse()`), in runtimes with or without a global
// `Response` class (duck-typed: a status, headers and a body reader).
function isRawResponse(value: unknown): boolean {
  if (typeof Response === "function" && value instanceof Response) return true;
  return isRecord(value) && typeof value["status"] === "number" && isRecord(value["headers"]) && typeof value["json"] === "function" && "body" in value;
}

function recordAttributes(data: LlmRecord, call: CallStart<LlmOptions, LlmState>): Attributes {
  const state = stateOf(call);
  const attrs: Attributes = {};
  if (data.request !== undefined) {
    Object.assign(attrs, extractLlmRequest(data.request));
    state.request = data.request;
    noteModels(state, data.request, undefined);
  }
  if (data.response !== undefined) {
    const read = readLlmResponse(data.response, state.request);
    noteModels(state, state.request, read.model);
    Object.assign(attrs, read.attributes);
  }
  if (data.model !== undefined) {
    attrs[SC.LLM_MODEL_NAME] = data.model;
    state.responseModel = data.model;
  }
  if (data.provider !== undefined) attrs[SC.LLM_PROVIDER] = data.provider;
  if (data.system !== undefined) attrs[SC.LLM_SYSTEM] = data.system;
  if (data.invocationParameters !== undefined) attrs[SC.LLM_INVOCATION_PARAMETERS] = safeJson(data.invocationParameters);
  const toMessage = (m: LlmMessage): Message => ({
    role: m.role,
    ...(m.content !== undefined ? { content: m.content } : {}),
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.toolCallId !== undefined ? { toolCallId: m.toolCallId } : {}),
    ...(m.toolCalls !== undefined ? { toolCalls: m.toolCalls } : {}),
  });
  if (data.inputMessages !== undefined) writeMessages(attrs, SC.LLM_INPUT_MESSAGES, data.inputMessages.map(toMessage));
  if (data.outputMessages !== undefined) writeMessages(attrs, SC.LLM_OUTPUT_MESSAGES, data.outputMessages.map(toMessage));
  if (data.tools !== undefined) writeTools(attrs, data.tools.map((t) => ({ jsonSchema: safeJson(t) })));
  if (data.tokenCount !== undefined) writeTokenCounts(attrs, data.tokenCount);
  if (data.cost !== undefined) {
    if (data.cost.prompt !== undefined) attrs[SC.LLM_COST_PROMPT] = data.cost.prompt;
    if (data.cost.completion !== undefined) attrs[SC.LLM_COST_COMPLETION] = data.cost.completion;
    attrs[SC.LLM_COST_TOTAL] = data.cost.total ?? ((data.cost.prompt ?? 0) + (data.cost.completion ?? 0));
  }
  return prepare(attrs, call);
}

// The end of the call as the hooks see it: the first-token time `llm.fetch` saw when the engine saw
// no chunk (the method read the stream itself).
function settleAttributes<A extends Attributes | undefined>(attrs: A, call: CallInfo<LlmOptions, LlmState>, engineSawChunks: boolean): A {
  const state = stateOf(call);
  if (!engineSawChunks && state.firstTokenAt !== undefined) {
    try {
      call.span.addEvent(FIRST_TOKEN_EVENT, undefined, state.firstTokenAt);
    } catch {
      // The span refused the event; the call goes on.
    }
    state.firstTokenAt = undefined;
  }
  return attrs;
}

const kind = defineKind<LlmOptions, LlmRecord, LlmState>({
  name: "llm",
  spanKind: OpenInferenceSpanKind.LLM,
  options: z.object(llmOptionsShape),
  staticAttributes(options) {
    const attrs: Attributes = {};
    if (options.provider !== undefined) attrs[SC.LLM_PROVIDER] = options.provider;
    if (options.system !== undefined) attrs[SC.LLM_SYSTEM] = options.system;
    if (options.model !== undefined) attrs[SC.LLM_MODEL_NAME] = options.model;
    if (options.invocationParameters !== undefined && options.captureInput !== false) {
      attrs[SC.LLM_INVOCATION_PARAMETERS] = safeJson(options.invocationParameters);
    }
    return attrs;
  },
  onStart(call) {
    const state = stateOf(call);
    const request = requestOf(call.args);
    if (request === undefined) return undefined;
    state.request = request;
    // A lone string prompt: one user message, no model to learn.
    if (typeof request === "string") {
      sayTextMessage(call, SC.LLM_INPUT_MESSAGES, "user", request);
      return undefined;
    }
    noteModels(state, request, undefined);
    return prepareRequest(requestAttributeList(request), call);
  },
  onResult(result, call) {
    const state = stateOf(call);
    // `.withResponse()` of the openai SDK resolves to { data, response }.
    const value = isRecord(result) && "data" in result && "response" in result ? result["data"] : result;
    if (typeof value === "string") {
      // The method's own answer text: the output message, never a reason to forget the model that answered (a
      // string names none; `llm.fetch` inside the method may have learned it).
      sayTextMessage(call, SC.LLM_OUTPUT_MESSAGES, "assistant", value);
      sayAnsweredModel(call, state);
      return settleAttributes(undefined, call, false);
    }
    // Usage comes apart: it is written once, at close (see usageAttributes), so it is not written into the
    // attributes here only to be read back out of them and deleted by prepare().
    const read = readLlmResponse(value, state.request, true);
    noteModels(state, state.request, read.model);
    if (read.usage !== undefined) state.usage = read.usage;
    const attrs = read.attributes;
    if (isRawResponse(value)) state.outputFromFetch = true;
    else if (call.options.captureOutput !== false && call.options.output === undefined) {
      // An AI SDK result, a responses `Response`, a LangChain `AIMessage`, an Agents SDK model response: its JSON
      // repeats the answer (steps, content, `output_text`) or is the SDK's own record; the output is the answer.
      const messages = sdkAnswerMessagesOf(value);
      const out = messages !== undefined ? answerOutput(messages) : undefined;
      if (out !== undefined) {
        attrs[SC.OUTPUT_VALUE] = out.value;
        attrs[SC.OUTPUT_MIME_TYPE] = out.mimeType;
      }
    }
    return settleAttributes(prepare(attrs, call, true), call, false);
  },
  onChunk(chunk, call) {
    const state = stateOf(call);
    // Each wire event is counted once: when llm.fetch reads the answer off the wire, the returned stream's
    // chunks are the same events again. (An SDK layer reading its own stream, e.g. openai@7's normalizing
    // iterator or Anthropic's telemetry wrapper, is an inner layer core does not count.)
    if (state.streamFromFetch === true) return;
    (state.stream ??= createStreamAggregator(state.request !== undefined ? { request: state.request } : undefined)).push(chunk);
  },
  onStreamEnd(call) {
    const state = stateOf(call);
    const attrs = streamAttributes(call);
    return settleAttributes(attrs, call, state.stream !== undefined || state.streamFromFetch === true);
  },
  onError(_error, call) {
    const attrs = stateOf(call).stream !== undefined ? streamAttributes(call) : {};
    return settleAttributes(attrs, call, true);
  },
  onChildSpan(child: ChildSpan, call) {
    const attrs = child.attributes;
    const isLlm = attrs[SC.OPENINFERENCE_SPAN_KIND] === OpenInferenceSpanKind.LLM;
    const genAi = genAiTokenCountsOf(attrs);
    if (!isLlm && genAi === undefined && attrs[GEN_AI.OPERATION_NAME] === undefined) return;
    // An agent's or workflow's GenAI span (AI SDK 7's `invoke_agent`) sums the model calls nested in it, which are
    // seen too: its usage is not another call's.
    const operation = attrs[GEN_AI.OPERATION_NAME];
    if (!isLlm && (operation === "invoke_agent" || operation === "invoke_workflow")) return;
    const state = stateOf(call);
    const nested = (state.nested ??= { hasCost: false });
    const tokens = tokenCountsOf(attrs) ?? genAi;
    if (tokens !== undefined) nested.tokens = nested.tokens === undefined ? tokens : addTokenCounts(nested.tokens, tokens);
    if (typeof attrs[SC.LLM_COST_TOTAL] === "number") nested.hasCost = true;
    const model = attrs[SC.LLM_MODEL_NAME] ?? attrs[GEN_AI.RESPONSE_MODEL] ?? attrs[GEN_AI.REQUEST_MODEL];
    if (typeof model === "string") nested.model = model;
  },
  onClose(call) {
    const attrs = usageAttributes(call);
    const state = call.data as LlmState | undefined;
    // `.asResponse()`: the app got the raw `Response` (serialized as `{}`) and read the answer itself; what the model
    // answered is what `llm.fetch` read of it, known only now that its copy of the body has been read.
    if (state?.outputFromFetch === true && state.answer !== undefined && call.options.captureOutput !== false && call.options.output === undefined) {
      const out: Attributes = attrs ?? {};
      out[SC.OUTPUT_VALUE] = state.answer.value;
      out[SC.OUTPUT_MIME_TYPE] = state.answer.mimeType;
      return out;
    }
    return attrs;
  },
  record: recordAttributes,
});

export { kind as llmKind };
export type LlmKind = Kind<LlmOptions, LlmRecord>;

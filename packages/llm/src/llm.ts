import type { Attributes } from "@opentelemetry/api";
import { MimeType, OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { defineKind, safeJson, truncateText } from "@calltree/core";
import type { CallInfo, ChildSpan, Kind } from "@calltree/core";
import { z } from "zod";
import { computeCost, costAttributes } from "./internal/cost/index.js";
import { createStreamAggregator, extractLlmRequest, extractLlmResponse } from "./internal/extract/index.js";
import type { StreamAggregator } from "./internal/extract/index.js";
import { writeMessages, writeTokenCounts, writeTools } from "./internal/extract/model.js";
import type { Message, TokenCounts } from "./internal/extract/model.js";
import { isRecord } from "./internal/extract/shape.js";

/** Options of `@llm(options)` and `llm.wrap(fn, options)`, besides the common ones (`name`, `input`, …). */
export interface LlmOptions {
  /** `llm.provider`: who hosts the model (`"openai"`, `"anthropic"`, `"openrouter"`…). Beats inference. */
  provider?: string;
  /** `llm.system`: whose AI product the model is (`"openai"`, `"anthropic"`…). Beats inference. */
  system?: string;
  /** `llm.model_name` when neither the request nor the response names the model. */
  model?: string;
  /** `llm.invocation_parameters` when the request does not carry them (temperature, max tokens…). */
  invocationParameters?: Record<string, unknown>;
}

/** A chat message for {@link LlmRecord}. */
export interface LlmMessage {
  role: string;
  content?: string;
  name?: string;
  toolCallId?: string;
  toolCalls?: Array<{ id?: string; name?: string; arguments?: string }>;
}

/** Token counts for {@link LlmRecord}, in OpenInference terms (prompt includes cache tokens). */
export interface LlmTokenCount {
  prompt?: number;
  completion?: number;
  total?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  promptAudio?: number;
  completionAudio?: number;
}

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

interface LlmData {
  request?: unknown;
  model?: string;
  aggregator?: StreamAggregator;
  /** An LLM span (e.g. an auto-instrumentation's) started inside this call: it carries the tokens. */
  nestedLlm?: boolean;
}

const TOKEN_PREFIX = SC.LLM_TOKEN_COUNT_TOTAL.slice(0, SC.LLM_TOKEN_COUNT_TOTAL.lastIndexOf(".") + 1);
const COST_PREFIX = `${SC.LLM_COST}.`;

function dataOf(call: CallInfo<LlmOptions>): LlmData {
  return (call.data ??= {}) as LlmData;
}


// The argument that is the model request: an SDK params object, else a lone string prompt.
function requestOf(args: readonly unknown[]): unknown {
  for (const a of args) {
    if (isRecord(a) && ("messages" in a || "input" in a || "prompt" in a || "model" in a || "system" in a)) return a;
  }
  return args.length === 1 && typeof args[0] === "string" ? args[0] : undefined;
}

function tokenCountsOf(attrs: Attributes): TokenCounts | undefined {
  const num = (k: string) => (typeof attrs[k] === "number" ? (attrs[k] as number) : undefined);
  const counts: TokenCounts = {};
  const set = (key: keyof TokenCounts, k: string) => {
    const v = num(k);
    if (v !== undefined) counts[key] = v;
  };
  set("prompt", SC.LLM_TOKEN_COUNT_PROMPT);
  set("completion", SC.LLM_TOKEN_COUNT_COMPLETION);
  set("cacheRead", SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ);
  set("cacheWrite", SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE);
  set("reasoning", SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING);
  set("promptAudio", SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_AUDIO);
  set("completionAudio", SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_AUDIO);
  return counts.prompt === undefined && counts.completion === undefined ? undefined : counts;
}

// Finishes attributes read from a response: user options beat inference, cost is added from the catalog, and
// token counts are left to a nested LLM span when there is one (so Phoenix's trace totals count them once).
export function finishAttributes(attrs: Attributes, call: CallInfo<LlmOptions>): Attributes {
  const data = dataOf(call);
  const options = call.options;
  if (options.provider !== undefined) attrs[SC.LLM_PROVIDER] = options.provider;
  if (options.system !== undefined) attrs[SC.LLM_SYSTEM] = options.system;
  if (data.nestedLlm === true) {
    for (const key of Object.keys(attrs)) {
      if (key.startsWith(TOKEN_PREFIX) || key.startsWith(COST_PREFIX)) delete attrs[key];
    }
    return attrs;
  }
  const counts = tokenCountsOf(attrs);
  if (counts !== undefined && attrs[SC.LLM_COST_TOTAL] === undefined) {
    const model = (attrs[SC.LLM_MODEL_NAME] as string | undefined) ?? data.model ?? options.model;
    if (model !== undefined) {
      const provider = (attrs[SC.LLM_PROVIDER] as string | undefined) ?? options.provider;
      const cost = computeCost({ model, ...(provider !== undefined ? { provider } : {}), tokens: counts });
      if (cost !== undefined) Object.assign(attrs, costAttributes(cost));
    }
  }
  return attrs;
}

function outputText(attrs: Attributes): string | undefined {
  const content = attrs[`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`];
  return typeof content === "string" ? content : undefined;
}

function outputMessagesJson(attrs: Attributes): string | undefined {
  const prefix = `${SC.LLM_OUTPUT_MESSAGES}.`;
  const picked: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) if (k.startsWith(prefix)) picked[k.slice(prefix.length)] = v;
  return Object.keys(picked).length > 0 ? safeJson(picked) : undefined;
}

function recordAttributes(data: LlmRecord, call: CallInfo<LlmOptions>): Attributes {
  let attrs: Attributes = {};
  if (data.request !== undefined) {
    Object.assign(attrs, extractLlmRequest(data.request));
    dataOf(call).request = data.request;
  }
  if (data.response !== undefined) Object.assign(attrs, extractLlmResponse(data.response, dataOf(call).request));
  if (data.model !== undefined) attrs[SC.LLM_MODEL_NAME] = data.model;
  if (data.provider !== undefined) attrs[SC.LLM_PROVIDER] = data.provider;
  if (data.system !== undefined) attrs[SC.LLM_SYSTEM] = data.system;
  if (data.invocationParameters !== undefined) attrs[SC.LLM_INVOCATION_PARAMETERS] = safeJson(data.invocationParameters);
  const toMessage = (m: LlmMessage): Message => ({
    role: m.role,
    ...(m.content !== undefined ? { content: truncateText(m.content) } : {}),
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
    const total = data.cost.total ?? ((data.cost.prompt ?? 0) + (data.cost.completion ?? 0));
    attrs[SC.LLM_COST_TOTAL] = total;
  }
  if (data.model !== undefined) dataOf(call).model = data.model;
  attrs = finishAttributes(attrs, call);
  return attrs;
}

const optionsSchema = z.object({
  provider: z.string().min(1).optional(),
  system: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  invocationParameters: z.record(z.string(), z.unknown()).optional(),
});

const kind = defineKind<LlmOptions, LlmRecord>({
  name: "llm",
  spanKind: OpenInferenceSpanKind.LLM,
  options: optionsSchema,
  staticAttributes(options) {
    const attrs: Attributes = {};
    if (options.provider !== undefined) attrs[SC.LLM_PROVIDER] = options.provider;
    if (options.system !== undefined) attrs[SC.LLM_SYSTEM] = options.system;
    if (options.model !== undefined) attrs[SC.LLM_MODEL_NAME] = options.model;
    if (options.invocationParameters !== undefined) {
      attrs[SC.LLM_INVOCATION_PARAMETERS] = safeJson(options.invocationParameters);
    }
    return attrs;
  },
  onStart(call) {
    const request = requestOf(call.args);
    if (request === undefined) return undefined;
    const data = dataOf(call);
    data.request = request;
    const attrs = extractLlmRequest(request);
    if (typeof attrs[SC.LLM_MODEL_NAME] === "string") data.model = attrs[SC.LLM_MODEL_NAME] as string;
    if (call.options.provider !== undefined) attrs[SC.LLM_PROVIDER] = call.options.provider;
    if (call.options.system !== undefined) attrs[SC.LLM_SYSTEM] = call.options.system;
    return attrs;
  },
  onResult(result, call) {
    // `.withResponse()` of the openai SDK resolves to { data, response }.
    const value = isRecord(result) && "data" in result && "response" in result ? result["data"] : result;
    const attrs = finishAttributes(extractLlmResponse(value, dataOf(call).request), call);
    if (typeof value === "string") {
      writeMessages(attrs, SC.LLM_OUTPUT_MESSAGES, [{ role: "assistant", content: truncateText(value) }]);
    }
    return attrs;
  },
  onChunk(chunk, call) {
    const data = dataOf(call);
    (data.aggregator ??= createStreamAggregator()).push(chunk);
  },
  onStreamEnd(call) {
    const aggregator = dataOf(call).aggregator;
    if (aggregator === undefined) return undefined;
    const attrs = finishAttributes(aggregator.attributes(), call);
    if (call.options.captureOutput !== false) {
      const text = outputText(attrs);
      if (text !== undefined) {
        attrs[SC.OUTPUT_VALUE] = truncateText(text);
        attrs[SC.OUTPUT_MIME_TYPE] = MimeType.TEXT;
      } else {
        const json = outputMessagesJson(attrs);
        if (json !== undefined) {
          attrs[SC.OUTPUT_VALUE] = json;
          attrs[SC.OUTPUT_MIME_TYPE] = MimeType.JSON;
        }
      }
    }
    return attrs;
  },
  onChildSpan(child: ChildSpan, call) {
    if (child.attributes[SC.OPENINFERENCE_SPAN_KIND] === OpenInferenceSpanKind.LLM) dataOf(call).nestedLlm = true;
  },
  record: recordAttributes,
});

export { kind as llmKind };
export type LlmKind = Kind<LlmOptions, LlmRecord>;

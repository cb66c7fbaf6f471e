// Attributes of an LLM response: output messages with tool calls, token counts (with cache,
// audio and reasoning details), the model that answered, finish reason, provider and system.
import type { Attributes } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { argumentsJson, normalizePart, openAiToolCalls, responsesReasoningPart } from "./messages.js";
import type { ContentPart, Message, Mutable, NormalizedResponse, TokenCounts, ToolCall } from "./model.js";
import { assistantMessages, contentOf, toolCall, writeMessages, writeTokenCounts } from "./model.js";
import type { ProviderInfo, RequestModel } from "./provider.js";
import { familyOf, requestModelOf, resolveProvider } from "./provider.js";
import type { Rec } from "./shape.js";
import { guard, isRecord, list, nonEmpty, num, pickDefined, read, str } from "./shape.js";

// Token counts with only the fields a usage record had.
const counts: (entries: Mutable<TokenCounts>) => TokenCounts = pickDefined;

/**
 * OpenAI usage, chat/legacy (`prompt_tokens`, `prompt_tokens_details.cached_tokens`, ...) or
 * responses (`input_tokens`, `input_tokens_details.cached_tokens`, ...). OpenAI's prompt count
 * already includes cached tokens.
 */
function openAiUsage(usage: unknown): TokenCounts | undefined {
  if (!isRecord(usage)) return undefined;
  const pd = read(usage, "prompt_tokens_details") ?? read(usage, "input_tokens_details");
  const cd = read(usage, "completion_tokens_details") ?? read(usage, "output_tokens_details");
  return counts({
    prompt: num(read(usage, "prompt_tokens")) ?? num(read(usage, "input_tokens")),
    completion: num(read(usage, "completion_tokens")) ?? num(read(usage, "output_tokens")),
    total: num(read(usage, "total_tokens")),
    cacheRead: num(read(pd, "cached_tokens")),
    cacheWrite: num(read(pd, "cache_write_tokens")),
    promptAudio: num(read(pd, "audio_tokens")),
    reasoning: num(read(cd, "reasoning_tokens")),
    completionAudio: num(read(cd, "audio_tokens")),
  });
}

/**
 * Anthropic usage. `input_tokens` excludes cache reads and writes, so they are folded back into
 * the prompt count as the OpenInference spec asks (`prompt_details.*` are sub-counts of prompt).
 */
function anthropicUsage(usage: unknown): TokenCounts | undefined {
  if (!isRecord(usage)) return undefined;
  const input = num(read(usage, "input_tokens"));
  const cacheRead = num(read(usage, "cache_read_input_tokens"));
  const cacheWrite = num(read(usage, "cache_creation_input_tokens"));
  return counts({
    prompt: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
    completion: num(read(usage, "output_tokens")),
    cacheRead,
    cacheWrite,
    reasoning: num(read(read(usage, "output_tokens_details"), "thinking_tokens")),
  });
}

/**
 * AI SDK `LanguageModelUsage` (v5/v6: `inputTokens` includes cached tokens; details under
 * `inputTokenDetails`/`outputTokenDetails`, with the deprecated flat `cachedInputTokens` and
 * `reasoningTokens` as fallbacks; v4's `promptTokens`/`completionTokens` too).
 */
export function aiSdkUsage(usage: unknown): TokenCounts | undefined {
  if (!isRecord(usage)) return undefined;
  const inDetails = read(usage, "inputTokenDetails");
  const outDetails = read(usage, "outputTokenDetails");
  return counts({
    prompt: num(read(usage, "inputTokens")) ?? num(read(usage, "promptTokens")),
    completion: num(read(usage, "outputTokens")) ?? num(read(usage, "completionTokens")),
    total: num(read(usage, "totalTokens")),
    cacheRead: num(read(inDetails, "cacheReadTokens")) ?? num(read(usage, "cachedInputTokens")),
    cacheWrite: num(read(inDetails, "cacheWriteTokens")),
    reasoning: num(read(outDetails, "reasoningTokens")) ?? num(read(usage, "reasoningTokens")),
  });
}

function withDefined(base: { messages: Message[] }, extra: { model?: string | undefined; usage?: TokenCounts | undefined; finishReason?: string | undefined }): NormalizedResponse {
  const out: Mutable<NormalizedResponse> = { messages: base.messages };
  if (extra.model !== undefined) out.model = extra.model;
  if (extra.usage !== undefined) out.usage = extra.usage;
  if (extra.finishReason !== undefined) out.finishReason = extra.finishReason;
  return out;
}

/** The message of a `ChatCompletion` choice; `undefined` when it has none. */
function chatChoiceMessage(choice: Rec): Message | undefined {
  const m = read(choice, "message");
  if (!isRecord(m)) return undefined;
  const out: Mutable<Message> = { role: str(read(m, "role")) ?? "assistant" };
  // A refusal is the visible answer when there is no content.
  const content = str(read(m, "content")) ?? str(read(m, "refusal"));
  if (content !== undefined) out.content = content;
  const calls = openAiToolCalls(read(m, "tool_calls"));
  if (calls.length > 0) out.toolCalls = calls;
  const fc = read(m, "function_call");
  if (isRecord(fc)) {
    const name = str(read(fc, "name"));
    const args = argumentsJson(read(fc, "arguments"));
    out.functionCall = { ...(name === undefined ? {} : { name }), ...(args === undefined ? {} : { arguments: args }) };
  }
  return out;
}

/** A legacy `Completion` choice's `text` as an assistant message. */
function completionChoiceMessage(choice: Rec): Message {
  const text = str(read(choice, "text"));
  return text === undefined ? { role: "assistant" } : { role: "assistant", content: text };
}

/** An OpenAI response with `choices`: one output message per choice (as `messageOf` reads it), finish reason of the first. */
function normalizeChoices(r: unknown, messageOf: (choice: Rec) => Message | undefined): NormalizedResponse {
  const messages: Message[] = [];
  let finishReason: string | undefined;
  for (const choice of list(read(r, "choices")) ?? []) {
    if (!isRecord(choice)) continue;
    finishReason ??= nonEmpty(read(choice, "finish_reason"));
    const message = messageOf(choice);
    if (message !== undefined) messages.push(message);
  }
  return withDefined({ messages }, { model: nonEmpty(read(r, "model")), usage: openAiUsage(read(r, "usage")), finishReason });
}

/** OpenAI `ChatCompletion`: one output message per choice, finish reason of the first. */
export function normalizeChatCompletion(r: unknown): NormalizedResponse {
  return normalizeChoices(r, chatChoiceMessage);
}

/** OpenAI legacy `Completion`: each choice's `text` as an assistant message. */
export function normalizeCompletion(r: unknown): NormalizedResponse {
  return normalizeChoices(r, completionChoiceMessage);
}

/**
 * OpenAI responses `Response`: its output items as one assistant message (text and reasoning
 * parts in order, function/custom/MCP calls as tool calls). Finish reason: the incomplete reason
 * when there is one, else the status.
 */
export function normalizeResponsesResponse(r: unknown): NormalizedResponse {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  for (const item of list(read(r, "output")) ?? []) {
    const type = str(read(item, "type"));
    if (type === "message") {
      for (const c of list(read(item, "content")) ?? []) {
        const p = normalizePart(c);
        if (p?.kind === "part") parts.push(p.part);
      }
    } else if (type === "function_call" || type === "custom_tool_call" || type === "mcp_call") {
      calls.push(
        toolCall(
          str(read(item, type === "mcp_call" ? "id" : "call_id")),
          str(read(item, "name")),
          type === "custom_tool_call" ? str(read(item, "input")) : argumentsJson(read(item, "arguments")),
        ),
      );
    } else if (type === "reasoning") {
      parts.push(responsesReasoningPart(item));
    }
  }
  const messages = assistantMessages(parts, calls);
  const finishReason = nonEmpty(read(read(r, "incomplete_details"), "reason")) ?? nonEmpty(read(r, "status"));
  return withDefined({ messages }, { model: nonEmpty(read(r, "model")), usage: openAiUsage(read(r, "usage")), finishReason });
}

/** Reads content blocks or parts into `parts` and tool `calls` (tool results and unknown items are skipped). */
function readParts(items: readonly unknown[], parts: ContentPart[], calls: ToolCall[]): void {
  for (const item of items) {
    const p = normalizePart(item);
    if (p?.kind === "part") parts.push(p.part);
    else if (p?.kind === "call") calls.push(p.call);
  }
}

/** Anthropic `Message`: content blocks (text, thinking, tool_use) as one message. */
export function normalizeAnthropicMessage(r: unknown): NormalizedResponse {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  readParts(list(read(r, "content")) ?? [], parts, calls);
  const role = str(read(r, "role")) ?? "assistant";
  const messages: Message[] = [{ role, ...contentOf(parts), ...(calls.length > 0 ? { toolCalls: calls } : {}) }];
  return withDefined(
    { messages },
    { model: nonEmpty(read(r, "model")), usage: anthropicUsage(read(r, "usage")), finishReason: nonEmpty(read(r, "stop_reason")) },
  );
}

/**
 * AI SDK `generateText` result (a class whose fields are getters): the final step's `content`
 * (or `text`/`reasoningText`/`toolCalls` when there is no `content`), `totalUsage` (all steps)
 * or `usage`, `response.modelId`, `finishReason`. Each getter is read at most once.
 */
function normalizeAiSdkResult(r: unknown): NormalizedResponse {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  const content = list(read(r, "content"));
  if (content !== undefined) {
    readParts(content, parts, calls);
  } else {
    const reasoning = str(read(r, "reasoningText"));
    if (reasoning !== undefined) parts.push({ type: "reasoning", text: reasoning });
    const text = str(read(r, "text"));
    if (text !== undefined) parts.push({ type: "text", text });
    for (const call of list(read(r, "toolCalls")) ?? []) {
      const p = normalizePart(isRecord(call) && read(call, "type") === undefined ? { ...call, type: "tool-call" } : call);
      if (p?.kind === "call") calls.push(p.call);
    }
  }
  const messages = assistantMessages(parts, calls);
  const totalUsage = read(r, "totalUsage");
  const usage = aiSdkUsage(isRecord(totalUsage) ? totalUsage : read(r, "usage"));
  return withDefined(
    { messages },
    { model: nonEmpty(read(read(r, "response"), "modelId")), usage, finishReason: nonEmpty(read(r, "finishReason")) },
  );
}

/**
 * OpenAI Agents SDK usage (`Usage`/`RequestUsage`: `inputTokens`, `outputTokens`, `totalTokens`, with
 * `inputTokensDetails`/`outputTokensDetails` as one record or a list of records in the wire's snake_case).
 * `inputTokens` includes cached tokens, as OpenAI's does.
 */
function agentsUsage(usage: unknown): TokenCounts | undefined {
  if (!isRecord(usage)) return undefined;
  const detail = (details: unknown, key: string): number | undefined => {
    const each = list(details) ?? (details === undefined ? [] : [details]);
    let sum: number | undefined;
    for (const d of each) {
      const n = num(read(d, key));
      if (n !== undefined) sum = (sum ?? 0) + n;
    }
    return sum;
  };
  const inDetails = read(usage, "inputTokensDetails");
  const outDetails = read(usage, "outputTokensDetails");
  return counts({
    prompt: num(read(usage, "inputTokens")),
    completion: num(read(usage, "outputTokens")),
    total: num(read(usage, "totalTokens")),
    cacheRead: detail(inDetails, "cached_tokens"),
    reasoning: detail(outDetails, "reasoning_tokens"),
  });
}

/**
 * OpenAI Agents SDK `ModelResponse` (what a `Model`'s `getResponse` resolves to, and the `response` of a streamed
 * `response_done` event): its output items as one assistant message (`output_text`/`refusal` parts, `reasoning`
 * items, `function_call` items as tool calls) and its `Usage`. It names no model.
 */
export function normalizeAgentsResponse(r: unknown): NormalizedResponse {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  for (const item of list(read(r, "output")) ?? []) {
    const type = str(read(item, "type"));
    if (type === "function_call") {
      calls.push(toolCall(str(read(item, "callId")) ?? str(read(item, "call_id")), str(read(item, "name")), argumentsJson(read(item, "arguments"))));
    } else if (type === "reasoning") {
      for (const c of list(read(item, "content")) ?? []) {
        const text = str(read(c, "text"));
        if (text !== undefined) parts.push({ type: "reasoning", text });
      }
    } else if ((type === undefined || type === "message") && read(item, "role") === "assistant") {
      for (const c of list(read(item, "content")) ?? []) {
        const ctype = str(read(c, "type"));
        if (ctype === "output_text") {
          const text = str(read(c, "text"));
          if (text !== undefined) parts.push({ type: "text", text });
        } else if (ctype === "refusal") {
          const text = str(read(c, "refusal"));
          if (text !== undefined) parts.push({ type: "text", text });
        }
      }
    }
  }
  const messages = assistantMessages(parts, calls);
  return withDefined({ messages }, { model: nonEmpty(read(read(r, "providerData"), "model")), usage: agentsUsage(read(r, "usage")) });
}

/**
 * A LangChain `AIMessage` (or `AIMessageChunk`), as `chatModel.invoke()` gives it: `content` (text or parts),
 * `tool_calls` (`args` an object), `usage_metadata` (`input_tokens` includes cache reads, as OpenAI's) and
 * `response_metadata` (`model_name`, `finish_reason`).
 */
function normalizeLangChainMessage(r: unknown): NormalizedResponse {
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  const content = read(r, "content");
  const text = str(content);
  if (text !== undefined) {
    if (text !== "") parts.push({ type: "text", text });
  } else {
    for (const item of list(content) ?? []) {
      const p = normalizePart(item);
      if (p?.kind === "part") parts.push(p.part);
    }
  }
  for (const c of list(read(r, "tool_calls")) ?? []) {
    calls.push(toolCall(str(read(c, "id")), str(read(c, "name")), argumentsJson(read(c, "args"))));
  }
  const messages = assistantMessages(parts, calls);
  const u = read(r, "usage_metadata");
  const usage = isRecord(u)
    ? counts({
      prompt: num(read(u, "input_tokens")),
      completion: num(read(u, "output_tokens")),
      total: num(read(u, "total_tokens")),
      cacheRead: num(read(read(u, "input_token_details"), "cache_read")),
      cacheWrite: num(read(read(u, "input_token_details"), "cache_creation")),
      reasoning: num(read(read(u, "output_token_details"), "reasoning")),
    })
    : undefined;
  const meta = read(r, "response_metadata");
  return withDefined(
    { messages },
    { model: nonEmpty(read(meta, "model_name")) ?? nonEmpty(read(meta, "model")), usage, finishReason: nonEmpty(read(meta, "finish_reason")) ?? nonEmpty(read(meta, "stop_reason")) },
  );
}

/** A LangChain AI message: serializable (`lc_namespace`) with type `ai`. */
function isLangChainMessage(response: Record<string, unknown>): boolean {
  return "lc_namespace" in response && "content" in response && read(response, "type") === "ai";
}

/** An Agents SDK `ModelResponse`: `output` items and a camelCase `usage`, no `object`. */
function isAgentsResponse(response: Record<string, unknown>): boolean {
  return "output" in response && "usage" in response && !("object" in response) && isRecord(read(response, "usage")) && "inputTokens" in (read(response, "usage") as object);
}

/** Recognizes a response by shape and normalizes it; `undefined` for unknown shapes. */
function normalizeAny(response: unknown): { normalized: NormalizedResponse; family: ProviderInfo } | undefined {
  if (typeof response === "string") {
    return { normalized: { messages: [{ role: "assistant", content: response }] }, family: {} };
  }
  if (!isRecord(response)) return undefined;
  const object = str(read(response, "object"));
  if (object !== undefined) {
    const family = familyOf(object, undefined, undefined);
    if (object === "chat.completion") return { normalized: normalizeChatCompletion(response), family };
    if (object === "text_completion") return { normalized: normalizeCompletion(response), family };
    if (object === "response") return { normalized: normalizeResponsesResponse(response), family };
    return undefined;
  }
  // `in` walks the prototype chain without calling getters (the AI SDK result is all getters).
  if ("type" in response && "content" in response) {
    const type = str(read(response, "type"));
    if (type === "message") {
      // Anthropic messages always come from the assistant; the role is checked by the normalizer.
      return { normalized: normalizeAnthropicMessage(response), family: familyOf(undefined, type, "assistant") };
    }
  }
  if ("choices" in response) {
    // OpenAI-compatible servers sometimes omit `object`.
    const choices = list(read(response, "choices"));
    const first: unknown = choices?.[0];
    const view = { choices, model: read(response, "model"), usage: read(response, "usage") };
    if (isRecord(first) && "message" in first) return { normalized: normalizeChatCompletion(view), family: {} };
    if (isRecord(first) && "text" in first) return { normalized: normalizeCompletion(view), family: {} };
    return undefined;
  }
  if (isLangChainMessage(response)) return { normalized: normalizeLangChainMessage(response), family: {} };
  if (isAiSdkResult(response)) return { normalized: normalizeAiSdkResult(response), family: {} };
  if (isAgentsResponse(response)) return { normalized: normalizeAgentsResponse(response), family: {} };
  return undefined;
}

function isAiSdkResult(response: Record<string, unknown>): boolean {
  return "finishReason" in response && ("content" in response || "text" in response || "toolCalls" in response);
}

/**
 * The answer messages of a result whose own JSON repeats the answer or is an SDK's bookkeeping: an AI SDK
 * `generateText` result (a class of getters whose JSON repeats the text in its steps, content and response
 * messages), an OpenAI responses `Response` (the openai SDK adds `output_text`, the text again), an Agents SDK
 * `ModelResponse` or a LangChain `AIMessage` (serialized as LangChain's constructor record). `undefined` for chat completions and Anthropic messages, whose JSON is the answer once, as the
 * API sent it, and what OpenInference records as `output.value`; and for unknown shapes.
 */
export function sdkAnswerMessagesOf(response: unknown): readonly Message[] | undefined {
  let messages: readonly Message[] | undefined;
  guard(() => {
    if (!isRecord(response)) return;
    if (!(isAiSdkResult(response) || isAgentsResponse(response) || isLangChainMessage(response) || read(response, "object") === "response")) return;
    messages = normalizeAny(response)?.normalized.messages;
  });
  return messages;
}

/** The answer messages of any response shape read here; `undefined` for unknown shapes. */
export function answerMessagesOf(response: unknown): readonly Message[] | undefined {
  let messages: readonly Message[] | undefined;
  guard(() => {
    messages = normalizeAny(response)?.normalized.messages;
  });
  return messages;
}

/** How a normalized response is written; shared with the stream aggregator. */
export function writeResponse(
  attrs: Attributes,
  normalized: NormalizedResponse,
  context: { readonly requestModel?: RequestModel; readonly family?: ProviderInfo },
  withUsage = true,
): void {
  guard(() => writeMessages(attrs, SC.LLM_OUTPUT_MESSAGES, normalized.messages));
  guard(() => {
    if (withUsage && normalized.usage !== undefined) writeTokenCounts(attrs, normalized.usage);
  });
  // One spelling whichever path read the call: the AI SDK's `tool-calls` is the wire's `tool_calls`.
  if (normalized.finishReason !== undefined) attrs[SC.LLM_FINISH_REASON] = normalized.finishReason.replace(/-/g, "_");
  guard(() => {
    const requested = context.requestModel?.name;
    const answered = normalized.model;
    // The spec: `llm.model_name` is the model that answered when known, else the requested one;
    // request/response names are recorded separately only when the two differ.
    if (answered !== undefined) {
      attrs[SC.LLM_MODEL_NAME] = answered;
      if (requested !== undefined && requested !== answered) {
        attrs[SC.LLM_REQUEST_MODEL_NAME] = requested;
        attrs[SC.LLM_RESPONSE_MODEL_NAME] = answered;
      }
    } else if (requested !== undefined) {
      attrs[SC.LLM_MODEL_NAME] = requested;
    }
    const evidence: { requestModel?: RequestModel; responseModel?: string; responseFamily?: ProviderInfo } = {};
    if (context.requestModel !== undefined) evidence.requestModel = context.requestModel;
    if (answered !== undefined) evidence.responseModel = answered;
    if (context.family !== undefined) evidence.responseFamily = context.family;
    const info = resolveProvider(evidence);
    if (info.provider !== undefined) attrs[SC.LLM_PROVIDER] = info.provider;
    if (info.system !== undefined) attrs[SC.LLM_SYSTEM] = info.system;
  });
}

/**
 * Reads an LLM response into OpenInference attributes.
 *
 * Accepts an OpenAI `ChatCompletion`, responses `Response`, legacy `Completion`, an Anthropic
 * `Message`, an AI SDK `generateText` result, an OpenAI Agents SDK `ModelResponse`, a LangChain
 * `AIMessage`, or a plain string (the answer text).
 *
 * Produces `llm.output_messages.*` (role, content or ordered contents with reasoning, tool
 * calls `message.tool_calls.K.tool_call.{id,function.name,function.arguments}`),
 * `llm.token_count.{prompt,completion,total}` with `prompt_details.{cache_read,cache_write,audio}`
 * and `completion_details.{reasoning,audio}`, `llm.finish_reason`, `llm.model_name` (the model
 * that answered) and `llm.provider`/`llm.system`.
 *
 * Pass the `request` too when it is at hand: its model then counts for provider detection (a
 * router prefix such as `openrouter/…` names the host) and, when the requested and answering
 * models differ, both are kept as `llm.request.model_name`/`llm.response.model_name`, with
 * `llm.model_name` the answering one (the spec's rule); with no response model, the requested
 * one becomes `llm.model_name`.
 *
 * Never throws and never mutates its input; each field is read at most once. Non-numeric token
 * counts are skipped; a missing total is prompt + completion. Unknown shapes give `{}`.
 */
export function extractLlmResponse(response: unknown, request?: unknown): Attributes {
  return readLlmResponse(response, request).attributes;
}

/** What {@link readLlmResponse} read. */
export interface ResponseReading {
  readonly attributes: Attributes;
  /** The model that answered; `undefined` for a plain string or an unknown shape. */
  readonly model: string | undefined;
  /**
   * The token counts, given apart when `usageApart` was asked for (then `attributes` has no `llm.token_count.*`):
   * only when the response names a prompt, completion or total count, as `llm.token_count.*` would.
   */
  readonly usage?: TokenCounts;
}

/**
 * {@link extractLlmResponse} and the model that answered, from one reading of the response: a chat completion is
 * normalized once per call, not once for its model and again for its attributes. With `usageApart` the token counts
 * come apart from the attributes, for a caller that writes them later (`@llm` writes usage once, at close): they
 * are then neither written into the attributes nor read back out of them.
 */
export function readLlmResponse(response: unknown, request?: unknown, usageApart = false): ResponseReading {
  const attributes: Attributes = {};
  let model: string | undefined;
  let usage: TokenCounts | undefined;
  guard(() => {
    const found = normalizeAny(response);
    if (found === undefined) return;
    const normalized = found.normalized;
    model = normalized.model;
    const context: { requestModel?: RequestModel; family?: ProviderInfo } = { family: found.family };
    if (request !== undefined) context.requestModel = requestModelOf(request);
    writeResponse(attributes, normalized, context, !usageApart);
    const counts = normalized.usage;
    if (usageApart && counts !== undefined && (counts.prompt !== undefined || counts.completion !== undefined || counts.total !== undefined)) {
      usage = counts;
    }
  });
  return usage === undefined ? { attributes, model } : { attributes, model, usage };
}

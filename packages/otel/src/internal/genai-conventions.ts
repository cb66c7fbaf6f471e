import type { Attributes, AttributeValue, Context } from "@opentelemetry/api";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";

import type { Conventions } from "../options.js";

export const CONVENTIONS = ["openinference", "genai", "both"] as const satisfies readonly Conventions[];

// OpenTelemetry GenAI (`gen_ai.*`) names, the values of `@opentelemetry/semantic-conventions/incubating`'s
// ATTR_GEN_AI_* / GEN_AI_OPERATION_NAME_VALUE_* constants. They are kept here because that entry has no types under
// the CommonJS build's module resolution (as in @calltree/llm's genai.ts); genai-conventions.test.ts proves each
// equals the package's constant.
export const GEN_AI = Object.freeze({
  OPERATION_NAME: "gen_ai.operation.name",
  PROVIDER_NAME: "gen_ai.provider.name",
  SYSTEM: "gen_ai.system",
  REQUEST_MODEL: "gen_ai.request.model",
  RESPONSE_MODEL: "gen_ai.response.model",
  RESPONSE_FINISH_REASONS: "gen_ai.response.finish_reasons",
  USAGE_INPUT_TOKENS: "gen_ai.usage.input_tokens",
  USAGE_OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  USAGE_CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  USAGE_CACHE_CREATION_INPUT_TOKENS: "gen_ai.usage.cache_creation.input_tokens",
  USAGE_REASONING_OUTPUT_TOKENS: "gen_ai.usage.reasoning.output_tokens",
  CONVERSATION_ID: "gen_ai.conversation.id",
  INPUT_MESSAGES: "gen_ai.input.messages",
  OUTPUT_MESSAGES: "gen_ai.output.messages",
  TOOL_NAME: "gen_ai.tool.name",
  TOOL_DESCRIPTION: "gen_ai.tool.description",
  AGENT_NAME: "gen_ai.agent.name",
});

export const GEN_AI_OPERATION = Object.freeze({
  CHAT: "chat",
  EMBEDDINGS: "embeddings",
  EXECUTE_TOOL: "execute_tool",
  INVOKE_AGENT: "invoke_agent",
});

/** The OpenInference kinds whose spans get `gen_ai.operation.name`, and which operation. */
const OPERATION_OF_KIND: Readonly<Record<string, string>> = {
  [OpenInferenceSpanKind.LLM]: GEN_AI_OPERATION.CHAT,
  [OpenInferenceSpanKind.EMBEDDING]: GEN_AI_OPERATION.EMBEDDINGS,
  [OpenInferenceSpanKind.TOOL]: GEN_AI_OPERATION.EXECUTE_TOOL,
  [OpenInferenceSpanKind.AGENT]: GEN_AI_OPERATION.INVOKE_AGENT,
};

/** One-to-one copies: OpenInference key → GenAI key. */
const SCALARS: ReadonlyArray<readonly [string, string]> = [
  [SC.LLM_PROVIDER, GEN_AI.PROVIDER_NAME],
  [SC.LLM_SYSTEM, GEN_AI.SYSTEM],
  [SC.LLM_TOKEN_COUNT_PROMPT, GEN_AI.USAGE_INPUT_TOKENS],
  [SC.LLM_TOKEN_COUNT_COMPLETION, GEN_AI.USAGE_OUTPUT_TOKENS],
  [SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ, GEN_AI.USAGE_CACHE_READ_INPUT_TOKENS],
  [SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE, GEN_AI.USAGE_CACHE_CREATION_INPUT_TOKENS],
  [SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING, GEN_AI.USAGE_REASONING_OUTPUT_TOKENS],
  [SC.SESSION_ID, GEN_AI.CONVERSATION_ID],
  [SC.TOOL_NAME, GEN_AI.TOOL_NAME],
  [SC.TOOL_DESCRIPTION, GEN_AI.TOOL_DESCRIPTION],
  [SC.AGENT_NAME, GEN_AI.AGENT_NAME],
];

/**
 * The OpenInference keys that "genai" alone removes once they are written as `gen_ai.*` (the message families by
 * prefix). Span kind, `input.*`/`output.*`, `session.id`, cost and everything without a GenAI name stay: many
 * `gen_ai.*` readers (Langfuse) read those too.
 */
const REPLACED: ReadonlySet<string> = new Set([
  SC.LLM_MODEL_NAME, SC.LLM_REQUEST_MODEL_NAME, SC.LLM_RESPONSE_MODEL_NAME, SC.LLM_PROVIDER, SC.LLM_SYSTEM,
  SC.LLM_TOKEN_COUNT_PROMPT, SC.LLM_TOKEN_COUNT_COMPLETION, SC.LLM_TOKEN_COUNT_TOTAL,
  SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ, SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE,
  SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING, SC.LLM_FINISH_REASON,
]);
const REPLACED_PREFIXES = [`${SC.LLM_INPUT_MESSAGES}.`, `${SC.LLM_OUTPUT_MESSAGES}.`];

interface Part {
  type: string;
  [key: string]: unknown;
}
interface GenAiMessage {
  role: string;
  parts: Part[];
  name?: string;
  finish_reason?: string;
}

/**
 * Rebuilds the messages of a flattened `llm.input_messages` / `llm.output_messages` family in the shape of the
 * GenAI conventions (`{ role, parts: [{ type: "text", content } | { type: "tool_call", id, name, arguments } |
 * { type: "tool_call_response", id, response } | { type: "uri", modality: "image", uri }] }`).
 */
function messagesOf(attributes: Attributes, family: string): GenAiMessage[] | undefined {
  const prefix = `${family}.`;
  const byIndex = new Map<number, Map<string, AttributeValue>>();
  for (const key in attributes) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf(".");
    const index = Number(rest.slice(0, dot));
    const value = attributes[key];
    if (dot < 0 || !Number.isInteger(index) || value === undefined) continue;
    let fields = byIndex.get(index);
    if (fields === undefined) byIndex.set(index, (fields = new Map()));
    fields.set(rest.slice(dot + 1), value);
  }
  if (byIndex.size === 0) return undefined;
  const messages: GenAiMessage[] = [];
  for (const index of [...byIndex.keys()].sort((a, b) => a - b)) {
    const f = byIndex.get(index) as Map<string, AttributeValue>;
    const role = String(f.get(SC.MESSAGE_ROLE) ?? "user");
    const parts: Part[] = [];
    const toolCallId = f.get(SC.MESSAGE_TOOL_CALL_ID);
    const content = f.get(SC.MESSAGE_CONTENT);
    if (content !== undefined) {
      parts.push(role === "tool" && toolCallId !== undefined
        ? { type: "tool_call_response", id: String(toolCallId), response: String(content) }
        : { type: "text", content: String(content) });
    }
    for (const j of indices(f, `${SC.MESSAGE_CONTENTS}.`)) {
      const p = `${SC.MESSAGE_CONTENTS}.${j}.`;
      const type = f.get(`${p}${SC.MESSAGE_CONTENT_TYPE}`);
      const text = f.get(`${p}${SC.MESSAGE_CONTENT_TEXT}`);
      const image = f.get(`${p}${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`);
      if (text !== undefined) parts.push({ type: "text", content: String(text) });
      else if (image !== undefined) parts.push({ type: "uri", modality: "image", uri: String(image) });
      else if (type !== undefined) parts.push({ type: String(type) });
    }
    for (const k of indices(f, `${SC.MESSAGE_TOOL_CALLS}.`)) {
      const p = `${SC.MESSAGE_TOOL_CALLS}.${k}.`;
      const args = f.get(`${p}${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`);
      parts.push({
        type: "tool_call",
        id: f.get(`${p}${SC.TOOL_CALL_ID}`),
        name: f.get(`${p}${SC.TOOL_CALL_FUNCTION_NAME}`),
        arguments: typeof args === "string" ? parseJson(args) : args,
      });
    }
    const name = f.get(SC.MESSAGE_NAME);
    messages.push(name === undefined ? { role, parts } : { role, parts, name: String(name) });
  }
  return messages;
}

function indices(fields: Map<string, AttributeValue>, prefix: string): number[] {
  const seen = new Set<number>();
  for (const key of fields.keys()) {
    if (!key.startsWith(prefix)) continue;
    const n = Number(key.slice(prefix.length).split(".")[0]);
    if (Number.isInteger(n)) seen.add(n);
  }
  return [...seen].sort((a, b) => a - b);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The `gen_ai.*` attributes for a span's OpenInference attributes. Keys the span already has (another library's
 * own GenAI telemetry) are never overwritten. Pure: exported for tests.
 */
function genAiAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  const put = (key: string, value: AttributeValue | undefined): void => {
    if (value !== undefined && attributes[key] === undefined) out[key] = value;
  };
  const kind = attributes[SC.OPENINFERENCE_SPAN_KIND];
  const operation = typeof kind === "string" ? OPERATION_OF_KIND[kind] : undefined;
  if (operation !== undefined) put(GEN_AI.OPERATION_NAME, operation);
  for (const [from, to] of SCALARS) put(to, attributes[from]);
  // OpenInference's llm.model_name is the answering model when known; the request model has its own key.
  const model = attributes[SC.LLM_MODEL_NAME];
  put(GEN_AI.REQUEST_MODEL, attributes[SC.LLM_REQUEST_MODEL_NAME] ?? model);
  put(GEN_AI.RESPONSE_MODEL, attributes[SC.LLM_RESPONSE_MODEL_NAME] ?? model);
  const finish = attributes[SC.LLM_FINISH_REASON];
  if (finish !== undefined) put(GEN_AI.RESPONSE_FINISH_REASONS, Array.isArray(finish) ? finish : [String(finish)]);
  const input = messagesOf(attributes, SC.LLM_INPUT_MESSAGES);
  if (input !== undefined) put(GEN_AI.INPUT_MESSAGES, JSON.stringify(input));
  const output = messagesOf(attributes, SC.LLM_OUTPUT_MESSAGES);
  if (output !== undefined) {
    if (typeof finish === "string" && output.length > 0) (output[output.length - 1] as GenAiMessage).finish_reason = finish;
    put(GEN_AI.OUTPUT_MESSAGES, JSON.stringify(output));
  }
  return out;
}

/** True for an OpenInference key that "genai" alone replaces with its `gen_ai.*` counterpart. */
function isReplacedKey(key: string): boolean {
  return REPLACED.has(key) || REPLACED_PREFIXES.some((p) => key.startsWith(p));
}

type MutableSpan = Span & { readonly attributes: Attributes };

/**
 * Writes `gen_ai.*` attributes from the OpenInference ones just before each span ends (OpenTelemetry's `onEnding`,
 * while the span still takes attributes and its limits still apply), so every exporter and every processor after
 * it — Langfuse's among them — sees the same attributes. One place, reading what the kinds already wrote: capture
 * limits and masking were applied upstream. With "genai" the replaced OpenInference keys are removed at onEnd,
 * after core's processor has read them and before the exporting processor queues the span.
 */
export class GenAiConventionsProcessor implements SpanProcessor {
  constructor(private readonly conventions: Exclude<Conventions, "openinference">) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    try {
      const added = genAiAttributes((span as MutableSpan).attributes);
      if (Object.keys(added).length > 0) span.setAttributes(added);
    } catch {
      // Never reaches the app's span.end().
    }
  }

  /**
   * With "genai", removes the replaced OpenInference keys. Not at onEnding: core's processor, before this one, reads
   * a nested span's OpenInference usage in its onEnd (the parent @llm span's bookkeeping) and must still find it.
   */
  onEnd(span: ReadableSpan): void {
    if (this.conventions !== "genai") return;
    try {
      // The SDK has no way to remove an attribute; the span's own attribute object is the only place to do it.
      const attributes = span.attributes as Record<string, unknown>;
      for (const key of Object.keys(attributes)) if (isReplacedKey(key)) delete attributes[key];
    } catch {
      // Never reaches the app's span.end().
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

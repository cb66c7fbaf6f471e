// The provider-neutral shape every extractor normalizes into, and the one writer that flattens it
// into OpenInference attributes. Keeping a single writer means a request, a response and a
// streamed response of any provider produce keys of exactly the same form.
import type { Attributes } from "@opentelemetry/api";
// Audio leaves are exported as constants but not included in the `SemanticConventions` object.
import { AUDIO_MIME_TYPE, AUDIO_URL, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";

/** One item of a message's ordered content (`message.contents.N.message_content.*`). */
export interface ContentPart {
  /** `text`, `image`, `audio` or `reasoning` (the values the OpenInference spec names). */
  readonly type: string;
  readonly text?: string;
  /** Image or audio location: an http(s) URL or a `data:` URI. */
  readonly url?: string;
  /** MIME type of an audio part. */
  readonly mimeType?: string;
  /** Provider id of the item (OpenAI reasoning item id). */
  readonly id?: string;
  /** Anthropic thinking `signature`. */
  readonly signature?: string;
  /** Anthropic `redacted_thinking.data`. */
  readonly data?: string;
  /** OpenAI reasoning `encrypted_content`. */
  readonly encryptedContent?: string;
}

/** A tool call made by the model (`message.tool_calls.N.tool_call.*`). */
export interface ToolCall {
  readonly id?: string;
  readonly name?: string;
  /** The arguments as JSON text (or the raw input of a custom tool). */
  readonly arguments?: string;
}

/** A chat message in provider-neutral form. */
export interface Message {
  readonly role?: string;
  /** Plain text content; used when the content is a single string. */
  readonly content?: string;
  /** Ordered content parts; used when the content is a list (multimodal, reasoning, ...). */
  readonly contents?: readonly ContentPart[];
  /** Name of the participant, or of the tool/function that produced a tool message. */
  readonly name?: string;
  /** Id of the tool call a tool message answers. */
  readonly toolCallId?: string;
  readonly toolCalls?: readonly ToolCall[];
  /** The deprecated OpenAI `function_call` of an assistant message. */
  readonly functionCall?: { readonly name?: string; readonly arguments?: string };
}

/** A tool advertised to the model (`llm.tools.N.tool.*`). */
export interface ToolDefinition {
  /** The tool definition as sent, as JSON text. */
  readonly jsonSchema?: string;
  readonly name?: string;
  readonly description?: string;
}

/** Token usage in OpenInference terms. Every count is optional and only finite numbers are kept. */
export interface TokenCounts {
  /** All prompt tokens, cache reads and writes included. */
  prompt?: number;
  completion?: number;
  total?: number;
  cacheRead?: number;
  cacheWrite?: number;
  promptAudio?: number;
  reasoning?: number;
  completionAudio?: number;
}

/** What a response (or an aggregated stream) says, before it is flattened. */
export interface NormalizedResponse {
  readonly model?: string;
  readonly messages: readonly Message[];
  readonly usage?: TokenCounts;
  readonly finishReason?: string;
}

function set(attrs: Attributes, key: string, value: string | number | undefined): void {
  if (value !== undefined) attrs[key] = value;
}

function writeMessage(attrs: Attributes, prefix: string, message: Message): void {
  set(attrs, `${prefix}.${SC.MESSAGE_ROLE}`, message.role);
  set(attrs, `${prefix}.${SC.MESSAGE_CONTENT}`, message.content);
  set(attrs, `${prefix}.${SC.MESSAGE_NAME}`, message.name);
  set(attrs, `${prefix}.${SC.MESSAGE_TOOL_CALL_ID}`, message.toolCallId);
  const contents = (message.contents ?? []).slice(0, MAX_PARTS);
  for (let j = 0; j < contents.length; j++) {
    const part = contents[j];
    if (part === undefined) continue;
    const p = `${prefix}.${SC.MESSAGE_CONTENTS}.${j}`;
    set(attrs, `${p}.${SC.MESSAGE_CONTENT_TYPE}`, part.type);
    set(attrs, `${p}.${SC.MESSAGE_CONTENT_TEXT}`, part.text);
    if (part.type === "image") set(attrs, `${p}.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`, part.url);
    if (part.type === "audio") {
      set(attrs, `${p}.${SC.MESSAGE_CONTENT_AUDIO}.${AUDIO_URL}`, part.url);
      set(attrs, `${p}.${SC.MESSAGE_CONTENT_AUDIO}.${AUDIO_MIME_TYPE}`, part.mimeType);
    }
    set(attrs, `${p}.${SC.MESSAGE_CONTENT_ID}`, part.id);
    set(attrs, `${p}.${SC.MESSAGE_CONTENT_SIGNATURE}`, part.signature);
    set(attrs, `${p}.${SC.MESSAGE_CONTENT_DATA}`, part.data);
    set(attrs, `${p}.${SC.MESSAGE_CONTENT_ENCRYPTED_CONTENT}`, part.encryptedContent);
  }
  const calls = (message.toolCalls ?? []).slice(0, MAX_PARTS);
  for (let k = 0; k < calls.length; k++) {
    const call = calls[k];
    if (call === undefined) continue;
    const p = `${prefix}.${SC.MESSAGE_TOOL_CALLS}.${k}`;
    set(attrs, `${p}.${SC.TOOL_CALL_ID}`, call.id);
    set(attrs, `${p}.${SC.TOOL_CALL_FUNCTION_NAME}`, call.name);
    set(attrs, `${p}.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}`, call.arguments);
  }
  if (message.functionCall !== undefined) {
    set(attrs, `${prefix}.${SC.MESSAGE_FUNCTION_CALL_NAME}`, message.functionCall.name);
    set(attrs, `${prefix}.${SC.MESSAGE_FUNCTION_CALL_ARGUMENTS_JSON}`, message.functionCall.arguments);
  }
}

/** How many input messages a long conversation left out of `llm.input_messages.*` (see {@link MAX_MESSAGES}). */
export const LLM_INPUT_MESSAGES_OMITTED = "calltree.llm.input_messages_omitted";
/** How many output messages were left out of `llm.output_messages.*`. */
export const LLM_OUTPUT_MESSAGES_OMITTED = "calltree.llm.output_messages_omitted";
/**
 * Most messages written per list: the first 8 (system prompt, the task) and the latest ones. A 1,500-round-trip tool conversation would otherwise pass the span's attribute limit, and the SDK would
 * then drop what matters most (token counts, cost, output).
 */
export const MAX_MESSAGES = 64;
const HEAD_MESSAGES = 8;
/** Most content parts and tool calls written per message. */
const MAX_PARTS = 32;

/** Writes `messages` under `llm.input_messages` or `llm.output_messages`, capped (first and last kept). */
export function writeMessages(
  attrs: Attributes,
  key: typeof SC.LLM_INPUT_MESSAGES | typeof SC.LLM_OUTPUT_MESSAGES,
  messages: readonly Message[],
): void {
  const n = messages.length;
  const omitted = n > MAX_MESSAGES ? n - MAX_MESSAGES : 0;
  const omittedKey = key === SC.LLM_INPUT_MESSAGES ? LLM_INPUT_MESSAGES_OMITTED : LLM_OUTPUT_MESSAGES_OMITTED;
  if (omitted > 0) attrs[omittedKey] = omitted;
  let out = 0;
  for (let i = 0; i < n; i++) {
    if (omitted > 0 && i >= HEAD_MESSAGES && i < HEAD_MESSAGES + omitted) continue;
    const message = messages[i];
    if (message !== undefined) writeMessage(attrs, `${key}.${out}`, message);
    out++;
  }
}

/** Writes `llm.tools.N.tool.{json_schema,name,description}`. */
export function writeTools(attrs: Attributes, tools: readonly ToolDefinition[]): void {
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (tool === undefined) continue;
    const p = `${SC.LLM_TOOLS}.${i}`;
    set(attrs, `${p}.${SC.TOOL_JSON_SCHEMA}`, tool.jsonSchema);
    set(attrs, `${p}.${SC.TOOL_NAME}`, tool.name);
    set(attrs, `${p}.${SC.TOOL_DESCRIPTION}`, tool.description);
  }
}

/**
 * Writes `llm.token_count.*`. A missing total is derived from prompt + completion when both are
 * known, because cost and the console view need it and every provider defines it that way.
 */
export function writeTokenCounts(attrs: Attributes, counts: TokenCounts): void {
  const total =
    counts.total ??
    (counts.prompt !== undefined && counts.completion !== undefined
      ? counts.prompt + counts.completion
      : undefined);
  set(attrs, SC.LLM_TOKEN_COUNT_PROMPT, counts.prompt);
  set(attrs, SC.LLM_TOKEN_COUNT_COMPLETION, counts.completion);
  set(attrs, SC.LLM_TOKEN_COUNT_TOTAL, total);
  set(attrs, SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ, counts.cacheRead);
  set(attrs, SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE, counts.cacheWrite);
  set(attrs, SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_AUDIO, counts.promptAudio);
  set(attrs, SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING, counts.reasoning);
  set(attrs, SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_AUDIO, counts.completionAudio);
}

/** Adds `b` into `a` field by field (multi-step AI SDK streams report usage per step). */
export function addTokenCounts(a: TokenCounts, b: TokenCounts): TokenCounts {
  const out: TokenCounts = {};
  for (const key of [
    "prompt",
    "completion",
    "total",
    "cacheRead",
    "cacheWrite",
    "promptAudio",
    "reasoning",
    "completionAudio",
  ] as const) {
    const x = a[key];
    const y = b[key];
    if (x !== undefined || y !== undefined) out[key] = (x ?? 0) + (y ?? 0);
  }
  return out;
}

/**
 * Collapses ordered parts into the simplest form: text-only parts become one `content` string,
 * anything else (reasoning, images) stays an ordered `contents` list.
 */
export function contentOf(parts: readonly ContentPart[]): Pick<Message, "content" | "contents"> {
  if (parts.length === 0) return {};
  if (parts.every((p) => p.type === "text")) return { content: parts.map((p) => p.text ?? "").join("") };
  return { contents: parts };
}

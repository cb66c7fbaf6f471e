// The provider-neutral shape every extractor normalizes into, and the one writer that flattens it
// into OpenInference attributes. Keeping a single writer means a request, a response and a
// streamed response of any provider produce keys of exactly the same form.
import type { LlmTokenCount } from "../../token-count.js";
import type { Attributes } from "@opentelemetry/api";
import { AttributeList } from "@calltree/core/kind";
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

/** `T` with its fields writable, for building a value field by field. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A tool call with only its defined fields, always in the order id, name, arguments (no intermediate object). */
export function toolCall(id: string | undefined, name: string | undefined, args: string | undefined): ToolCall {
  const call: Mutable<ToolCall> = {};
  if (id !== undefined) call.id = id;
  if (name !== undefined) call.name = name;
  if (args !== undefined) call.arguments = args;
  return call;
}

/** Token usage in OpenInference terms: the one token-count type of this package (public as `LlmTokenCount`). */
export type TokenCounts = LlmTokenCount;

/** What a response (or an aggregated stream) says, before it is flattened. */
export interface NormalizedResponse {
  readonly model?: string;
  readonly messages: readonly Message[];
  readonly usage?: TokenCounts;
  readonly finishReason?: string;
}

/** Attributes written by {@link put} so far: what a message costs is the difference across its writing. */
let writes = 0;

/**
 * Where the writers below put attributes: an object, or an {@link AttributeList} (what `@llm`'s `onStart` returns
 * for a request: its fifty-odd keys would make an object V8 keeps as a hash table, slow to build and to walk).
 */
export type AttributeSink = Attributes | AttributeList;

/** Puts `key` in `attrs` unless `value` is `undefined`. */
export function put(attrs: AttributeSink, key: string, value: string | number | undefined): void {
  if (value !== undefined) {
    if (attrs instanceof AttributeList) attrs.set(key, value);
    else attrs[key] = value;
    writes++;
  }
}

// The attribute keys of message `i` of a list, built once and kept for the first CACHED_MESSAGES indices (each
// with at most MAX_PARTS parts and tool calls): writing a message then builds no key text.
interface PartKeys {
  type: string;
  text: string;
  image: string;
  audioUrl: string;
  audioMime: string;
  id: string;
  signature: string;
  data: string;
  encrypted: string;
}
interface CallKeys {
  id: string;
  name: string;
  arguments: string;
}
interface MessageKeys {
  prefix: string;
  role: string;
  content: string;
  name: string;
  toolCallId: string;
  functionName: string;
  functionArguments: string;
  parts: PartKeys[];
  calls: CallKeys[];
}

function messageKeys(prefix: string): MessageKeys {
  return {
    prefix,
    role: `${prefix}.${SC.MESSAGE_ROLE}`,
    content: `${prefix}.${SC.MESSAGE_CONTENT}`,
    name: `${prefix}.${SC.MESSAGE_NAME}`,
    toolCallId: `${prefix}.${SC.MESSAGE_TOOL_CALL_ID}`,
    functionName: `${prefix}.${SC.MESSAGE_FUNCTION_CALL_NAME}`,
    functionArguments: `${prefix}.${SC.MESSAGE_FUNCTION_CALL_ARGUMENTS_JSON}`,
    parts: [],
    calls: [],
  };
}

function partKeys(keys: MessageKeys, prefix: string, j: number): PartKeys {
  let k = keys.parts[j];
  if (k === undefined) {
    const p = `${prefix}.${SC.MESSAGE_CONTENTS}.${j}`;
    k = {
      type: `${p}.${SC.MESSAGE_CONTENT_TYPE}`,
      text: `${p}.${SC.MESSAGE_CONTENT_TEXT}`,
      image: `${p}.${SC.MESSAGE_CONTENT_IMAGE}.${SC.IMAGE_URL}`,
      audioUrl: `${p}.${SC.MESSAGE_CONTENT_AUDIO}.${AUDIO_URL}`,
      audioMime: `${p}.${SC.MESSAGE_CONTENT_AUDIO}.${AUDIO_MIME_TYPE}`,
      id: `${p}.${SC.MESSAGE_CONTENT_ID}`,
      signature: `${p}.${SC.MESSAGE_CONTENT_SIGNATURE}`,
      data: `${p}.${SC.MESSAGE_CONTENT_DATA}`,
      encrypted: `${p}.${SC.MESSAGE_CONTENT_ENCRYPTED_CONTENT}`,
    };
    keys.parts[j] = k;
  }
  return k;
}

function callKeys(keys: MessageKeys, prefix: string, j: number): CallKeys {
  let k = keys.calls[j];
  if (k === undefined) {
    const p = `${prefix}.${SC.MESSAGE_TOOL_CALLS}.${j}`;
    k = { id: `${p}.${SC.TOOL_CALL_ID}`, name: `${p}.${SC.TOOL_CALL_FUNCTION_NAME}`, arguments: `${p}.${SC.TOOL_CALL_FUNCTION_ARGUMENTS_JSON}` };
    keys.calls[j] = k;
  }
  return k;
}

const keyTables = new Map<string, MessageKeys[]>();

/** Message indices whose keys are kept; a longer conversation builds the rest's keys as it writes them. */
const CACHED_MESSAGES = 256;

function keysOf(list: string, i: number): MessageKeys {
  if (i >= CACHED_MESSAGES) return messageKeys(`${list}.${i}`);
  let table = keyTables.get(list);
  if (table === undefined) keyTables.set(list, (table = []));
  return (table[i] ??= messageKeys(`${list}.${i}`));
}

// The keys of the first message of each list, for a lone text message (a string prompt, a string answer).
const FIRST_INPUT = keysOf(SC.LLM_INPUT_MESSAGES, 0);
const FIRST_OUTPUT = keysOf(SC.LLM_OUTPUT_MESSAGES, 0);

/**
 * Says one text message as the only message of `list` (what {@link writeMessages} writes for it) through a hook's
 * `call.set`, without the general writer or an object: a string prompt or answer is the common case of a nested
 * `@llm` call.
 */
export function sayTextMessage(
  call: { set(key: string, value: string): void },
  list: typeof SC.LLM_INPUT_MESSAGES | typeof SC.LLM_OUTPUT_MESSAGES,
  role: string,
  content: string,
): void {
  const keys = list === SC.LLM_INPUT_MESSAGES ? FIRST_INPUT : FIRST_OUTPUT;
  call.set(keys.role, role);
  call.set(keys.content, content);
}

/** Writes one message; returns how many attributes it wrote. */
function writeMessage(attrs: AttributeSink, keys: MessageKeys, message: Message): number {
  const before = writes;
  const prefix = keys.prefix;
  put(attrs, keys.role, message.role);
  put(attrs, keys.content, message.content);
  put(attrs, keys.name, message.name);
  put(attrs, keys.toolCallId, message.toolCallId);
  const contents = message.contents;
  if (contents !== undefined) {
    const n = Math.min(contents.length, MAX_PARTS);
    for (let j = 0; j < n; j++) {
      const part = contents[j];
      if (part === undefined) continue;
      const k = partKeys(keys, prefix, j);
      put(attrs, k.type, part.type);
      put(attrs, k.text, part.text);
      if (part.type === "image") put(attrs, k.image, part.url);
      if (part.type === "audio") {
        put(attrs, k.audioUrl, part.url);
        put(attrs, k.audioMime, part.mimeType);
      }
      put(attrs, k.id, part.id);
      put(attrs, k.signature, part.signature);
      put(attrs, k.data, part.data);
      put(attrs, k.encrypted, part.encryptedContent);
    }
  }
  const calls = message.toolCalls;
  if (calls !== undefined) {
    const n = Math.min(calls.length, MAX_PARTS);
    for (let j = 0; j < n; j++) {
      const call = calls[j];
      if (call === undefined) continue;
      const k = callKeys(keys, prefix, j);
      put(attrs, k.id, call.id);
      put(attrs, k.name, call.name);
      put(attrs, k.arguments, call.arguments);
    }
  }
  if (message.functionCall !== undefined) {
    put(attrs, keys.functionName, message.functionCall.name);
    put(attrs, keys.functionArguments, message.functionCall.arguments);
  }
  return writes - before;
}

/** How many input messages a long conversation left out of `llm.input_messages.*` (see {@link MESSAGE_ATTRIBUTES}). */
export const LLM_INPUT_MESSAGES_OMITTED = "calltree.llm.input_messages_omitted";
/** How many output messages were left out of `llm.output_messages.*`. */
export const LLM_OUTPUT_MESSAGES_OMITTED = "calltree.llm.output_messages_omitted";
/**
 * Most attributes the messages of one list may take on a span: input messages, then output messages. A list that
 * would take more keeps its first messages (the system prompt, the task) and as many of the latest as fit, and
 * says how many it left out. Without the cap a 1,500-round-trip tool conversation would pass the span's attribute
 * limit (10,000 with `register()`), and the SDK would then drop what matters most: token counts, cost, output.
 */
export const MESSAGE_ATTRIBUTES = { input: 6_000, output: 1_000 } as const;
const HEAD_MESSAGES = 8;
/** Most content parts and tool calls written per message. */
const MAX_PARTS = 32;

/** Writes `messages` under `llm.input_messages` or `llm.output_messages`, within {@link MESSAGE_ATTRIBUTES}. */
export function writeMessages(
  attrs: AttributeSink,
  key: typeof SC.LLM_INPUT_MESSAGES | typeof SC.LLM_OUTPUT_MESSAGES,
  messages: readonly Message[],
): void {
  const n = messages.length;
  const budget = key === SC.LLM_INPUT_MESSAGES ? MESSAGE_ATTRIBUTES.input : MESSAGE_ATTRIBUTES.output;
  // Every message, as a conversation of usual length needs; what each cost decides the cut when it did not fit.
  const costs: number[] = new Array(n);
  const mark = attrs instanceof AttributeList ? attrs.length : 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
    const message = messages[i];
    costs[i] = message === undefined ? 0 : writeMessage(attrs, keysOf(key, i), message);
    used += costs[i]!;
  }
  if (used <= budget) return;
  // What was written goes, and what fits is written again: a list takes back its pairs since the mark (the messages
  // were the last written), an object loses its keys of this list.
  if (attrs instanceof AttributeList) attrs.truncate(mark);
  else {
    const prefix = `${key}.`;
    for (const k of Object.keys(attrs)) if (k.startsWith(prefix)) delete attrs[k];
  }
  used = 0;
  let head = 0;
  while (head < n && head < HEAD_MESSAGES && used + costs[head]! <= budget) used += costs[head++]!;
  let tail = n;
  while (tail > head && used + costs[tail - 1]! <= budget) used += costs[--tail]!;
  put(attrs, key === SC.LLM_INPUT_MESSAGES ? LLM_INPUT_MESSAGES_OMITTED : LLM_OUTPUT_MESSAGES_OMITTED, tail - head);
  let out = 0;
  for (let i = 0; i < n; i++) {
    if (i === head) i = tail;
    if (i >= n) break;
    const message = messages[i];
    if (message !== undefined) writeMessage(attrs, keysOf(key, out), message);
    out++;
  }
}

// The keys of tool `i`, built once (tool lists are short; a long one costs one array entry per index).
const toolKeys: Array<readonly [string, string, string]> = [];
function toolKeysOf(i: number): readonly [string, string, string] {
  const p = `${SC.LLM_TOOLS}.${i}`;
  return [`${p}.${SC.TOOL_JSON_SCHEMA}`, `${p}.${SC.TOOL_NAME}`, `${p}.${SC.TOOL_DESCRIPTION}`];
}

/** Writes `llm.tools.N.tool.{json_schema,name,description}`. */
export function writeTools(attrs: AttributeSink, tools: readonly ToolDefinition[]): void {
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (tool === undefined) continue;
    const k = i < 128 ? (toolKeys[i] ??= toolKeysOf(i)) : toolKeysOf(i);
    put(attrs, k[0], tool.jsonSchema);
    put(attrs, k[1], tool.name);
    put(attrs, k[2], tool.description);
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
  put(attrs, SC.LLM_TOKEN_COUNT_PROMPT, counts.prompt);
  put(attrs, SC.LLM_TOKEN_COUNT_COMPLETION, counts.completion);
  put(attrs, SC.LLM_TOKEN_COUNT_TOTAL, total);
  put(attrs, SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ, counts.cacheRead);
  put(attrs, SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE, counts.cacheWrite);
  put(attrs, SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_AUDIO, counts.promptAudio);
  put(attrs, SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING, counts.reasoning);
  put(attrs, SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_AUDIO, counts.completionAudio);
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

/** The one assistant message of an answer made of `parts` and tool `calls`; none when both are empty. */
export function assistantMessages(parts: readonly ContentPart[], calls: readonly ToolCall[]): Message[] {
  if (parts.length === 0 && calls.length === 0) return [];
  return [{ role: "assistant", ...contentOf(parts), ...(calls.length > 0 ? { toolCalls: calls } : {}) }];
}

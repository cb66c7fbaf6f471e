// Normalizes chat messages and content parts of every supported request (and Anthropic/OpenAI
// output blocks) into `Message`s. The part vocabularies of OpenAI chat, OpenAI responses,
// Anthropic and the AI SDK barely overlap, so one reader dispatching on `type` serves them all.
import type { ContentPart, Message, Mutable, ToolCall } from "./model.js";
import { toolCall } from "./model.js";
import { hasRedactedJsonKey, REDACTED } from "@calltree/core/kind";
import { isRecord, list, nonEmpty, pickDefined, read, safeJson, str } from "./shape.js";
import type { Rec } from "./shape.js";

/** What one content part of a message turns into. */
type PartResult =
  | { readonly kind: "part"; readonly part: ContentPart }
  | { readonly kind: "call"; readonly call: ToolCall }
  | { readonly kind: "result"; readonly message: Message };

function textPart(text: string | undefined): PartResult | undefined {
  return text === undefined ? undefined : { kind: "part", part: { type: "text", text } };
}

function imagePart(url: string | undefined): PartResult | undefined {
  return url === undefined ? undefined : { kind: "part", part: { type: "image", url } };
}

function reasoningPart(part: ContentPart): PartResult {
  return { kind: "part", part: pickDefined(part) };
}

function callPart(id: string | undefined, name: string | undefined, args: string | undefined): PartResult {
  return { kind: "call", call: toolCall(id, name, args) };
}

/** A tool result as a message of its own (role `tool`), with its defined fields only. */
function toolMessage(toolCallId: string | undefined, name: string | undefined, content: string | undefined): Message {
  return pickDefined({ role: "tool", toolCallId, name, content });
}

/**
 * Arguments of a tool call as JSON text: strings pass through (already JSON, or a raw custom input), unless they
 * are JSON with a secret-looking key, which then comes back through core's capture with that value redacted.
 */
export function argumentsJson(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== "string") return safeJson(input);
  const trimmed = input.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return input;
  // Serializing again can only bring a `"[REDACTED]"` the text lacks through a redacted key, or through an escape
  // (`\u005b…`) that spells the marker: with neither (both read off the text), it is kept as sent, without being
  // parsed or written out a second time.
  if (!input.includes("\\") && !hasRedactedJsonKey(input)) return input;
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    return input; // Partial or raw arguments: kept as sent.
  }
  const captured = safeJson(parsed);
  return captured !== undefined && captured.includes(`"${REDACTED}"`) && !input.includes(`"${REDACTED}"`) ? captured : input;
}

function base64Of(bytes: unknown): string | undefined {
  // Buffer is absent outside Node; without it binary images are simply not recorded.
  const B = (globalThis as { Buffer?: { from(data: Uint8Array): { toString(enc: string): string } } }).Buffer;
  if (B === undefined) return undefined;
  if (bytes instanceof Uint8Array) return B.from(bytes).toString("base64");
  if (bytes instanceof ArrayBuffer) return B.from(new Uint8Array(bytes)).toString("base64");
  return undefined;
}

/**
 * URL of AI SDK `DataContent | URL`: URLs and `http(s):`/`data:` strings as they are, other
 * strings are base64 (which the spec accepts for `image.url`), bytes become a `data:` URI.
 */
function dataContentUrl(data: unknown, mediaType: string | undefined): string | undefined {
  if (data instanceof URL) return data.href;
  if (typeof data === "string") {
    if (/^(https?:|data:|gs:|s3:)/i.test(data) || mediaType === undefined) return data;
    return `data:${mediaType};base64,${data}`;
  }
  const b64 = base64Of(data);
  if (b64 === undefined) return undefined;
  return `data:${mediaType ?? "application/octet-stream"};base64,${b64}`;
}

/** Anthropic image/document `source`: `url` sources by URL, `base64` sources as a data URI. */
function anthropicSourceUrl(source: unknown): string | undefined {
  const type = str(read(source, "type"));
  if (type === "url") return str(read(source, "url"));
  if (type === "base64") {
    const data = str(read(source, "data"));
    const mediaType = str(read(source, "media_type"));
    if (data === undefined) return undefined;
    return mediaType === undefined ? data : `data:${mediaType};base64,${data}`;
  }
  return undefined;
}

/** Text of a tool result: a string, or the text blocks of a block list joined. */
function toolResultText(content: unknown): string | undefined {
  const s = str(content);
  if (s !== undefined) return s;
  const blocks = list(content);
  if (blocks === undefined) return content === undefined ? undefined : safeJson(content);
  const texts: string[] = [];
  for (const block of blocks) {
    const text = str(read(block, "text"));
    if (text !== undefined) texts.push(text);
  }
  return texts.length > 0 ? texts.join("") : safeJson(content);
}

/** AI SDK `ToolResultOutput` (or the v4 `result` field) as text. */
function aiSdkToolOutput(part: unknown): string | undefined {
  const output = read(part, "output");
  if (output === undefined) return argumentsJson(read(part, "result"));
  const type = str(read(output, "type"));
  const value = read(output, "value");
  switch (type) {
    case "text":
    case "error-text":
      return str(value);
    case "json":
    case "error-json":
      return safeJson(value);
    case "execution-denied":
      return str(read(output, "reason")) ?? "";
    case "content":
      return toolResultText(value);
    default:
      return safeJson(output);
  }
}

/** Normalizes one content part of any supported family. Unknown parts yield `undefined`. */
export function normalizePart(part: unknown): PartResult | undefined {
  if (typeof part === "string") return textPart(part);
  if (!isRecord(part)) return undefined;
  const type = str(read(part, "type"));
  switch (type) {
    case "text":
    case "input_text":
    case "output_text":
      return textPart(str(read(part, "text")));
    case "refusal":
      return textPart(str(read(part, "refusal")));
    case "image_url":
      // OpenAI chat: `{ image_url: { url } }` (older SDKs also accepted a bare string).
      {
        const imageUrl = read(part, "image_url");
        return imagePart(str(imageUrl) ?? str(read(imageUrl, "url")));
      }
    case "input_image":
      return imagePart(str(read(part, "image_url")));
    case "image": {
      const source = read(part, "source");
      if (source !== undefined) return imagePart(anthropicSourceUrl(source));
      return imagePart(dataContentUrl(read(part, "image"), str(read(part, "mediaType"))));
    }
    case "input_audio": {
      const audio = read(part, "input_audio");
      const data = str(read(audio, "data"));
      const format = str(read(audio, "format"));
      if (data === undefined) return undefined;
      const mimeType = format === undefined ? undefined : `audio/${format}`;
      const url = mimeType === undefined ? data : `data:${mimeType};base64,${data}`;
      return { kind: "part", part: pickDefined({ type: "audio", url, mimeType }) };
    }
    case "file": {
      // AI SDK file parts that are images or audio are recorded as such; documents are not
      // representable in OpenInference message contents and are left out.
      const mediaType = str(read(part, "mediaType"));
      if (mediaType?.startsWith("image/") === true) {
        return imagePart(dataContentUrl(read(part, "data"), mediaType));
      }
      if (mediaType?.startsWith("audio/") === true) {
        const url = dataContentUrl(read(part, "data"), mediaType);
        return url === undefined ? undefined : { kind: "part", part: { type: "audio", url, mimeType: mediaType } };
      }
      return undefined;
    }
    case "thinking":
      return reasoningPart({ type: "reasoning", text: str(read(part, "thinking")), signature: nonEmpty(read(part, "signature")) });
    case "redacted_thinking":
      return reasoningPart({ type: "reasoning", data: str(read(part, "data")) });
    case "reasoning":
      return reasoningPart({ type: "reasoning", text: str(read(part, "text")) });
    case "tool_use":
    case "server_tool_use":
      return callPart(str(read(part, "id")), str(read(part, "name")), argumentsJson(read(part, "input")));
    case "tool-call":
      return callPart(str(read(part, "toolCallId")), str(read(part, "toolName")), argumentsJson(read(part, "input") ?? read(part, "args")));
    case "tool_result":
      return { kind: "result", message: toolMessage(str(read(part, "tool_use_id")), undefined, toolResultText(read(part, "content"))) };
    case "tool-result":
      return { kind: "result", message: toolMessage(str(read(part, "toolCallId")), str(read(part, "toolName")), aiSdkToolOutput(part)) };
    default:
      return undefined;
  }
}

/** OpenAI chat `tool_calls` of an assistant message (function and custom tools). */
export function openAiToolCalls(value: unknown): ToolCall[] {
  const out: ToolCall[] = [];
  for (const call of list(value) ?? []) {
    if (!isRecord(call)) continue;
    const fn = read(call, "function");
    const custom = read(call, "custom");
    if (isRecord(custom)) out.push(toolCall(str(read(call, "id")), str(read(custom, "name")), str(read(custom, "input"))));
    else out.push(toolCall(str(read(call, "id")), str(read(fn, "name")), argumentsJson(read(fn, "arguments"))));
  }
  return out;
}

/**
 * One message record of any family. Tool results packed inside a message (Anthropic
 * `tool_result` blocks of a user message, AI SDK `tool-result` parts) become messages of their
 * own with role `tool`, so each carries its `tool_call_id` the way OpenInference expects.
 */
function normalizeMessage(message: Rec, into: Message[]): void {
  const role = str(read(message, "role"));
  const content = read(message, "content");
  const out: Mutable<Message> = {};
  if (role !== undefined) out.role = role;
  const name = str(read(message, "name"));
  if (name !== undefined) out.name = name;
  const toolCallId = str(read(message, "tool_call_id"));
  if (toolCallId !== undefined) out.toolCallId = toolCallId;

  // `tool_calls` is read only when present, and the lists below are made only when a part needs them: most
  // messages of a chat are plain text (this runs for every message of every request).
  const rawCalls = read(message, "tool_calls");
  let calls: ToolCall[] | undefined = rawCalls === undefined ? undefined : openAiToolCalls(rawCalls);
  let results: Message[] | undefined;
  const text = str(content);
  if (text !== undefined) {
    out.content = text;
  } else {
    const parts: ContentPart[] = [];
    for (const item of list(content) ?? []) {
      const r = normalizePart(item);
      if (r === undefined) continue;
      if (r.kind === "part") parts.push(r.part);
      else if (r.kind === "call") (calls ??= []).push(r.call);
      else (results ??= []).push(r.message);
    }
    if (parts.length > 0) out.contents = parts;
  }
  if (calls !== undefined && calls.length > 0) out.toolCalls = calls;
  const fc = read(message, "function_call");
  if (isRecord(fc)) {
    out.functionCall = pickDefined({ name: str(read(fc, "name")), arguments: argumentsJson(read(fc, "arguments")) });
  }
  if (results === undefined) {
    into.push(out);
    return;
  }
  // A message that held nothing but tool results is fully replaced by them.
  const keepMain = out.contents !== undefined || out.toolCalls !== undefined || out.content !== undefined;
  // Tool results answer earlier calls: they go before the user's text (Anthropic requires them
  // first), and after an assistant's own calls (provider-executed tools in the AI SDK).
  if (keepMain && role === "assistant") into.push(out);
  for (const r of results) into.push(r);
  if (keepMain && role !== "assistant") into.push(out);
}

/**
 * Normalizes a list of chat messages (OpenAI chat, Anthropic, AI SDK `ModelMessage`s) or OpenAI
 * responses input items (messages, `function_call`, `function_call_output`, `reasoning`, ...).
 * Strings become user messages (legacy completion prompts). Unknown items are skipped.
 */
export function normalizeMessages(items: readonly unknown[]): Message[] {
  const out: Message[] = [];
  // Consecutive responses `function_call` items are one assistant turn.
  let callTurn: { calls: ToolCall[] } | undefined;
  for (const item of items) {
    if (typeof item === "string") {
      out.push({ role: "user", content: item });
      callTurn = undefined;
      continue;
    }
    if (!isRecord(item)) continue;
    const type = str(read(item, "type"));
    if (type === "function_call" || type === "custom_tool_call") {
      const call = toolCall(
        str(read(item, "call_id")),
        str(read(item, "name")),
        type === "function_call" ? argumentsJson(read(item, "arguments")) : str(read(item, "input")),
      );
      if (callTurn === undefined) {
        callTurn = { calls: [call] };
        out.push({ role: "assistant", toolCalls: callTurn.calls });
      } else {
        callTurn.calls.push(call);
      }
      continue;
    }
    callTurn = undefined;
    if (type === "function_call_output" || type === "custom_tool_call_output") {
      out.push(toolMessage(str(read(item, "call_id")), undefined, toolResultText(read(item, "output"))));
      continue;
    }
    if (type === "reasoning") {
      const part = responsesReasoningPart(item);
      out.push({ role: "assistant", contents: [part] });
      continue;
    }
    if (type !== undefined && type !== "message") continue;
    if (read(item, "role") === undefined && read(item, "content") === undefined) continue;
    normalizeMessage(item, out);
  }
  return out;
}

/** An OpenAI responses `reasoning` item as a reasoning part (summary texts concatenated). */
export function responsesReasoningPart(item: unknown): ContentPart {
  const texts: string[] = [];
  for (const s of list(read(item, "summary")) ?? []) {
    const t = str(read(s, "text"));
    if (t !== undefined) texts.push(t);
  }
  if (texts.length === 0) {
    for (const c of list(read(item, "content")) ?? []) {
      const t = str(read(c, "text"));
      if (t !== undefined) texts.push(t);
    }
  }
  return pickDefined({
    type: "reasoning",
    text: texts.length > 0 ? texts.join("") : undefined,
    id: nonEmpty(read(item, "id")),
    encryptedContent: nonEmpty(read(item, "encrypted_content")),
  });
}

/** A `system`/`instructions` value: a string, a list of text blocks, or system message(s). */
export function normalizeSystem(value: unknown): Message[] {
  const text = str(value);
  if (text !== undefined) return [{ role: "system", content: text }];
  if (isRecord(value)) return normalizeMessages([value]);
  const items = list(value);
  if (items === undefined || items.length === 0) return [];
  if (items.every((i) => isRecord(i) && read(i, "role") !== undefined)) return normalizeMessages(items);
  const parts: ContentPart[] = [];
  for (const item of items) {
    const r = normalizePart(item);
    if (r?.kind === "part") parts.push(r.part);
  }
  return parts.length > 0 ? [{ role: "system", contents: parts }] : [];
}

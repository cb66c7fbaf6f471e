// Attributes of an LLM request: model, provider, invocation parameters, input messages, tools.
import type { Attributes } from "@opentelemetry/api";
import { AttributeList } from "@calltree/core/kind";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { normalizeMessages, normalizeSystem } from "./messages.js";
import type { AttributeSink, Message } from "./model.js";
import { put, writeMessages, writeTools } from "./model.js";
import { requestModelOf, resolveProvider } from "./provider.js";
import { guard, isPlainObject, isRecord, list, safeJson, snapshot, str } from "./shape.js";
import type { Rec } from "./shape.js";
import { normalizeTools } from "./tools.js";

// Request fields that are recorded elsewhere (model, messages, tools), that are plumbing rather
// than model parameters (signals, headers, telemetry, AI SDK hooks), or that may hold secrets.
// `model` stays: it is an invocation parameter too (a string; an AI SDK model object is skipped below).
const NOT_PARAMETERS: ReadonlySet<string> = new Set([
  "messages",
  "input",
  "prompt",
  "system",
  "instructions",
  "tools",
  "functions",
  "headers",
  "abortSignal",
  "signal",
  "stopWhen",
  "prepareStep",
  "output",
  "_internal",
  "experimental_prepareStep",
  "experimental_repairToolCall",
  "experimental_download",
  "experimental_telemetry",
  "experimental_context",
  "experimental_output",
  "experimental_include",
  "experimental_transform",
  "experimental_toolApprovalSecret",
]);

/**
 * The request's model parameters as JSON: every field except those above, functions (callbacks
 * such as `onChunk`) and class instances (`AbortSignal`, schema objects). `undefined` when none.
 */
function invocationParameters(r: Rec): string | undefined {
  const params: Record<string, unknown> = {};
  let any = false;
  // Keys, not entries: no pair array per field (this runs for every request).
  const keys = Object.keys(r);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = r[key];
    if (NOT_PARAMETERS.has(key) || value === undefined) continue;
    if (key === "model" && typeof value !== "string") continue;
    if (typeof value === "function" || typeof value === "symbol") continue;
    if (typeof value === "object" && value !== null && !Array.isArray(value) && !isPlainObject(value)) continue;
    params[key] = value;
    any = true;
  }
  return any ? safeJson(params) : undefined;
}

/** A `prompt` (legacy completions: string or string[]; AI SDK: string or ModelMessage[]). */
function promptMessages(prompt: unknown): Message[] {
  const text = str(prompt);
  if (text !== undefined) return [{ role: "user", content: text }];
  const items = list(prompt);
  // Token-id prompts (number[] / number[][]) cannot be shown as text and are skipped.
  return items === undefined ? [] : normalizeMessages(items.filter((i) => typeof i === "string" || isRecord(i)));
}

/** Every input message of a request, system/instructions first. */
function requestMessages(r: Rec): Message[] {
  const out: Message[] = [];
  out.push(...normalizeSystem(r["system"]));
  out.push(...normalizeSystem(r["instructions"]));
  out.push(...promptMessages(r["prompt"]));
  out.push(...normalizeMessages(list(r["messages"]) ?? []));
  const input = r["input"];
  const inputText = str(input);
  if (inputText !== undefined) out.push({ role: "user", content: inputText });
  else out.push(...normalizeMessages(list(input) ?? []));
  return out;
}

/**
 * Reads an LLM request into OpenInference attributes.
 *
 * Accepts the request of OpenAI chat completions (`messages`, `tools`, `functions`), OpenAI
 * responses (`input` string or items, `instructions`), OpenAI legacy completions (`prompt`),
 * Anthropic messages (`system`, content blocks with images, `tool_use`/`tool_result`), the
 * options of the AI SDK's `generateText`/`streamText` (`model` object or gateway string,
 * `system`, `prompt`, `messages`, `tools` keyed by name), or a plain string prompt.
 *
 * Produces `llm.model_name`, `llm.provider`/`llm.system` when the model identifies them,
 * `llm.invocation_parameters` (JSON of all other request fields minus callbacks, signals,
 * headers and SDK plumbing), `llm.input_messages.*` and `llm.tools.*`. Anthropic `tool_result`
 * blocks and AI SDK `tool-result` parts become separate `tool` messages with their
 * `tool_call_id`.
 *
 * Never throws and never mutates `request`; each own field is read once. Unknown shapes give
 * `{}`; a malformed part is skipped. Values are not truncated: the caller's capture limits do that.
 */
export function extractLlmRequest(request: unknown): Attributes {
  const attrs: Attributes = {};
  writeRequest(attrs, request);
  return attrs;
}

/** {@link extractLlmRequest} as an {@link AttributeList}: the same pairs, for `@llm`'s `onStart`. */
export function requestAttributeList(request: unknown): AttributeList {
  const list = new AttributeList();
  writeRequest(list, request);
  return list;
}

function writeRequest(attrs: AttributeSink, request: unknown): void {
  guard(() => {
    if (typeof request === "string") {
      writeMessages(attrs, SC.LLM_INPUT_MESSAGES, [{ role: "user", content: request }]);
      return;
    }
    if (!isRecord(request)) return;
    const r = snapshot(request);
    guard(() => {
      const model = requestModelOf(r);
      put(attrs, SC.LLM_MODEL_NAME, model.name);
      const info = resolveProvider({ requestModel: model });
      put(attrs, SC.LLM_PROVIDER, info.provider);
      put(attrs, SC.LLM_SYSTEM, info.system);
    });
    guard(() => put(attrs, SC.LLM_INVOCATION_PARAMETERS, invocationParameters(r)));
    guard(() => writeMessages(attrs, SC.LLM_INPUT_MESSAGES, requestMessages(r)));
    guard(() => writeTools(attrs, normalizeTools(r["tools"], r["functions"])));
  });
}

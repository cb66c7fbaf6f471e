// The OpenAI Agents SDK's `ModelRequest` as an OpenAI responses request, so the one request extractor reads it:
// `systemInstructions` are the `instructions`, its input items are the responses API's (in camelCase: `callId`;
// `function_call_result` is `function_call_output`; `input_image.image` is `image_url`), its function tools and
// handoffs are function tools, and its model settings the request's parameters.
import { isRecord, list, read, str } from "./shape.js";
import type { Rec } from "./shape.js";

// ModelSettings fields and the responses request fields they are sent as.
const SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ["temperature", "temperature"],
  ["topP", "top_p"],
  ["frequencyPenalty", "frequency_penalty"],
  ["presencePenalty", "presence_penalty"],
  ["toolChoice", "tool_choice"],
  ["parallelToolCalls", "parallel_tool_calls"],
  ["truncation", "truncation"],
  ["maxTokens", "max_output_tokens"],
  ["store", "store"],
  ["reasoning", "reasoning"],
  ["text", "text"],
];

function outputText(output: unknown): string | undefined {
  const text = str(output);
  if (text !== undefined) return text;
  if (isRecord(output)) return str(read(output, "text")) ?? JSON.stringify(output);
  const items = list(output);
  if (items !== undefined) return items.map((o) => str(read(o, "text")) ?? "").join("");
  return undefined;
}

function contentPart(part: unknown): unknown {
  if (!isRecord(part)) return part;
  if (read(part, "type") === "input_image") {
    const image = read(part, "image");
    return { type: "input_image", image_url: typeof image === "string" ? image : undefined };
  }
  return part;
}

function inputItem(item: unknown): Rec | undefined {
  if (!isRecord(item)) return undefined;
  const type = str(read(item, "type"));
  if (type === "function_call") {
    return { type, call_id: read(item, "callId") ?? read(item, "call_id"), name: read(item, "name"), arguments: read(item, "arguments") };
  }
  if (type === "function_call_result") {
    return { type: "function_call_output", call_id: read(item, "callId") ?? read(item, "call_id"), output: outputText(read(item, "output")) };
  }
  if (type === "reasoning") {
    return { type, summary: (list(read(item, "content")) ?? []).map((c) => ({ type: "summary_text", text: str(read(c, "text")) ?? "" })) };
  }
  const role = str(read(item, "role"));
  if ((type === undefined || type === "message") && role !== undefined) {
    const content = read(item, "content");
    return { role, content: typeof content === "string" ? content : (list(content) ?? []).map(contentPart) };
  }
  return undefined;
}

/** True for an Agents SDK `ModelRequest` (its `input`, `modelSettings` and `tools`). */
export function isAgentsRequest(request: unknown): boolean {
  return isRecord(request) && "input" in request && "modelSettings" in request && "tools" in request;
}

/**
 * The Agents SDK `ModelRequest` as an OpenAI responses request body, naming `model` when given. Never throws; keys
 * it does not know (signals, tracing flags, the output type, provider data) are left out.
 */
export function agentsRequest(request: unknown, model: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (model !== undefined) out["model"] = model;
  if (!isRecord(request)) return out;
  const instructions = str(read(request, "systemInstructions"));
  if (instructions !== undefined) out["instructions"] = instructions;
  const input = read(request, "input");
  out["input"] = typeof input === "string" ? input : (list(input) ?? []).map(inputItem).filter((i) => i !== undefined);
  const settings = read(request, "modelSettings");
  for (const [from, to] of SETTINGS) {
    const v = read(settings, from);
    if (v !== undefined && v !== null) out[to] = v;
  }
  const tools: unknown[] = [];
  for (const t of list(read(request, "tools")) ?? []) {
    if (read(t, "type") === "function") tools.push({ type: "function", name: read(t, "name"), description: read(t, "description"), parameters: read(t, "parameters") });
    else if (isRecord(t)) tools.push({ type: read(t, "type"), name: read(t, "name") });
  }
  for (const h of list(read(request, "handoffs")) ?? []) {
    tools.push({ type: "function", name: read(h, "toolName"), description: read(h, "toolDescription"), parameters: read(h, "inputJsonSchema") });
  }
  if (tools.length > 0) out["tools"] = tools;
  const previous = str(read(request, "previousResponseId"));
  if (previous !== undefined) out["previous_response_id"] = previous;
  return out;
}

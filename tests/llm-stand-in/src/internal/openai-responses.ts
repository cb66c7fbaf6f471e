// POST /v1/responses in the wire shapes of the openai SDK's types: the non-streamed Response and the
// streamed event sequence (created, in_progress, output item / content part / text or function-call
// argument deltas, completed), which the SDK's `responses.stream()` accumulator accepts.
import type OpenAI from "openai";
import {
  decide,
  isRecord,
  textOf,
  usageOf,
  type Conversation,
  type Decision,
  type TokenUsage,
  type ToolChoice,
  type ToolDef,
  type Turn,
} from "./conversation.js";
import { unixSeconds, type Exchange } from "./exchange.js";
import { sendError, sendJson, SseWriter } from "./http.js";
import { chunkText, slice } from "./text.js";

type Responses = OpenAI.Responses.Response;
// `output_text` is a convenience the SDK computes on the client; the API does not send it.
type WireResponse = Omit<Responses, "output_text">;
type StreamEvent = OpenAI.Responses.ResponseStreamEvent;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function responsesConversation(body: Record<string, unknown>, model: string): Conversation {
  const turns: Turn[] = [];
  if (typeof body.instructions === "string") turns.push({ role: "system", text: body.instructions });
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : body.input;
  for (const item of Array.isArray(input) ? input : []) {
    if (!isRecord(item)) continue;
    if (item.type === "function_call") {
      turns.push({
        role: "assistant",
        text: "",
        toolCalls: [{ id: String(item.call_id ?? ""), name: String(item.name ?? ""), arguments: String(item.arguments ?? "") }],
      });
    } else if (item.type === "function_call_output") {
      turns.push({ role: "tool", text: textOf(item.output), toolCallId: String(item.call_id ?? "") });
    } else if (typeof item.role === "string") {
      const role = item.role === "system" || item.role === "developer" ? "system" : item.role === "assistant" ? "assistant" : "user";
      turns.push({ role, text: textOf(item.content) });
    }
  }
  const tools: ToolDef[] = (Array.isArray(body.tools) ? body.tools : []).flatMap((tool) =>
    isRecord(tool) && tool.type === "function" && typeof tool.name === "string"
      ? [{ name: tool.name, parameters: tool.parameters }]
      : [],
  );
  return { api: "openai.responses", model, turns, tools, toolChoice: responsesToolChoice(body.tool_choice), body };
}

function responsesToolChoice(choice: unknown): ToolChoice {
  if (choice === "none" || choice === "required" || choice === "auto") return choice;
  if (isRecord(choice) && choice.type === "function" && typeof choice.name === "string") return { name: choice.name };
  return "auto";
}

function responsesUsage(usage: TokenUsage): OpenAI.Responses.ResponseUsage {
  return {
    input_tokens: usage.prompt,
    input_tokens_details: { cached_tokens: usage.cached, cache_write_tokens: usage.cacheCreation },
    output_tokens: usage.completion,
    output_tokens_details: { reasoning_tokens: usage.reasoning },
    total_tokens: usage.prompt + usage.completion,
  };
}

/** One output item: the message, or one function call (`index` into the decision's calls). */
interface Item { itemId: string; callId: string; index: number }

function outputItem(decision: Decision, item: Item, done: boolean): OpenAI.Responses.ResponseOutputItem {
  const status = done ? "completed" : "in_progress";
  if (decision.type === "text") {
    return {
      id: item.itemId,
      type: "message",
      role: "assistant",
      status,
      content: done ? [{ type: "output_text", text: decision.text, annotations: [], logprobs: [] }] : [],
    };
  }
  const call = decision.calls[item.index]!;
  return { id: item.itemId, type: "function_call", call_id: item.callId, name: call.name, arguments: done ? call.arguments : "", status };
}

export async function responses(ex: Exchange): Promise<void> {
  const { body } = ex;
  if (typeof body.model !== "string" || body.input === undefined) {
    sendError(ex.res, "openai", 400, "Missing required parameters: 'model' and 'input'.", ex.headers);
    return;
  }
  const model = body.model;
  const conversation = responsesConversation(body, model);
  const decision = decide(conversation, ex.reply, ex.parallelToolCalls && body.parallel_tool_calls !== false);
  const usage = usageOf(conversation.turns, decision, ex.usage);
  const id = ex.nextId("resp_standin_");
  // Each function call is its own output item.
  const items: Item[] = decision.type === "text"
    ? [{ itemId: ex.nextId("msg_standin_"), callId: "", index: 0 }]
    : decision.calls.map((_, index) => ({ itemId: ex.nextId("fc_standin_"), callId: ex.nextId("call_standin_"), index }));
  const createdAt = unixSeconds();

  const response = (status: "in_progress" | "completed", output: OpenAI.Responses.ResponseOutputItem[]): WireResponse => ({
    id,
    object: "response",
    created_at: createdAt,
    status,
    ...(status === "completed" ? { completed_at: unixSeconds() } : {}),
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === "string" ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === "number" ? body.max_output_tokens : null,
    metadata: isRecord(body.metadata) ? (body.metadata as Record<string, string>) : {},
    model,
    output,
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: typeof body.previous_response_id === "string" ? body.previous_response_id : null,
    temperature: typeof body.temperature === "number" ? body.temperature : 1,
    tool_choice: (body.tool_choice ?? "auto") as Responses["tool_choice"],
    tools: (Array.isArray(body.tools) ? body.tools : []) as Responses["tools"],
    top_p: typeof body.top_p === "number" ? body.top_p : 1,
    truncation: "disabled",
    ...(status === "completed" ? { usage: responsesUsage(usage) } : {}),
  });

  const finals = items.map((item) => outputItem(decision, item, true));
  if (body.stream !== true) {
    sendJson(ex.res, 200, response("completed", finals), ex.headers);
    return;
  }

  const events: Array<DistributiveOmit<StreamEvent, "sequence_number">> = [
    { type: "response.created", response: response("in_progress", []) as Responses },
    { type: "response.in_progress", response: response("in_progress", []) as Responses },
  ];
  items.forEach((item, output_index) => {
    const itemId = item.itemId;
    events.push({ type: "response.output_item.added", output_index, item: outputItem(decision, item, false) });
    if (decision.type === "text") {
      const where = { item_id: itemId, output_index, content_index: 0 } as const;
      events.push({ type: "response.content_part.added", ...where, part: { type: "output_text", text: "", annotations: [], logprobs: [] } });
      for (const delta of chunkText(decision.text)) events.push({ type: "response.output_text.delta", ...where, delta, logprobs: [] });
      events.push({ type: "response.output_text.done", ...where, text: decision.text, logprobs: [] });
      events.push({ type: "response.content_part.done", ...where, part: { type: "output_text", text: decision.text, annotations: [], logprobs: [] } });
    } else {
      const call = decision.calls[item.index]!;
      for (const delta of slice(call.arguments, 8)) {
        events.push({ type: "response.function_call_arguments.delta", item_id: itemId, output_index, delta });
      }
      events.push({ type: "response.function_call_arguments.done", item_id: itemId, output_index, name: call.name, arguments: call.arguments });
    }
    events.push({ type: "response.output_item.done", output_index, item: finals[output_index]! });
  });
  events.push({ type: "response.completed", response: response("completed", finals) as Responses });

  const sse = new SseWriter(ex.res, ex.fault, ex.headers);
  let sequence = 0;
  for (const event of events) {
    if (!(await sse.event({ ...event, sequence_number: sequence++ }, event.type))) return;
  }
  sse.end();
}

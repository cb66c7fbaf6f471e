// POST /v1/messages in the wire shapes of the Anthropic SDK's types: a Message, or the event stream
// message_start, content_block_start/delta/stop, message_delta (with usage) and message_stop.
import type Anthropic from "@anthropic-ai/sdk";
import {
  decide,
  isRecord,
  textOf,
  usageOf,
  type Conversation,
  type TokenUsage,
  type ToolChoice,
  type ToolDef,
  type Turn,
} from "./conversation.js";
import type { Exchange } from "./exchange.js";
import { sendError, sendJson, SseWriter } from "./http.js";
import { chunkText, slice } from "./text.js";

function messagesConversation(body: Record<string, unknown>, model: string): Conversation {
  const turns: Turn[] = [];
  const system = textOf(body.system);
  if (system !== "") turns.push({ role: "system", text: system });
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(message)) continue;
    const blocks: unknown[] = typeof message.content === "string" ? [{ type: "text", text: message.content }] : Array.isArray(message.content) ? message.content : [];
    const text = textOf(blocks.filter((b) => isRecord(b) && b.type === "text"));
    if (message.role === "assistant") {
      const toolCalls = blocks.flatMap((b) =>
        isRecord(b) && b.type === "tool_use"
          ? [{ id: String(b.id ?? ""), name: String(b.name ?? ""), arguments: JSON.stringify(b.input ?? {}) }]
          : [],
      );
      turns.push({ role: "assistant", text, toolCalls });
      continue;
    }
    // Tool results travel in user messages; they come before any text the user adds.
    for (const b of blocks) {
      if (isRecord(b) && b.type === "tool_result") {
        turns.push({ role: "tool", text: textOf(b.content), toolCallId: String(b.tool_use_id ?? "") });
      }
    }
    if (text !== "" || !blocks.some((b) => isRecord(b) && b.type === "tool_result")) turns.push({ role: "user", text });
  }
  // Server tools (web search and the like) carry a dated `type`; only client tools can be called here.
  const tools: ToolDef[] = (Array.isArray(body.tools) ? body.tools : []).flatMap((tool) =>
    isRecord(tool) && typeof tool.name === "string" && (tool.type === undefined || tool.type === "custom")
      ? [{ name: tool.name, parameters: tool.input_schema }]
      : [],
  );
  return { api: "anthropic.messages", model, turns, tools, toolChoice: messagesToolChoice(body.tool_choice), body };
}

function messagesToolChoice(choice: unknown): ToolChoice {
  if (!isRecord(choice)) return "auto";
  if (choice.type === "none") return "none";
  if (choice.type === "any") return "required";
  if (choice.type === "tool" && typeof choice.name === "string") return { name: choice.name };
  return "auto";
}

/** Anthropic counts cache reads and writes apart from `input_tokens`. */
function anthropicUsage(usage: TokenUsage, outputTokens: number): Anthropic.Usage {
  return {
    input_tokens: usage.prompt - usage.cached - usage.cacheCreation,
    output_tokens: outputTokens,
    cache_creation_input_tokens: usage.cacheCreation,
    cache_read_input_tokens: usage.cached,
    cache_creation: { ephemeral_5m_input_tokens: usage.cacheCreation, ephemeral_1h_input_tokens: 0 },
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: "standard",
    speed: null,
  };
}

export async function messages(ex: Exchange): Promise<void> {
  const { body } = ex;
  if (typeof body.model !== "string") {
    sendError(ex.res, "anthropic", 400, "model: Field required", ex.headers);
    return;
  }
  if (!Array.isArray(body.messages)) {
    sendError(ex.res, "anthropic", 400, "messages: Field required", ex.headers);
    return;
  }
  // The real API rejects a request without max_tokens; so does the stand-in, to catch the same bug.
  if (typeof body.max_tokens !== "number") {
    sendError(ex.res, "anthropic", 400, "max_tokens: Field required", ex.headers);
    return;
  }
  const model = body.model;
  const conversation = messagesConversation(body, model);
  const choice = body.tool_choice;
  const noParallel = typeof choice === "object" && choice !== null && (choice as { disable_parallel_tool_use?: unknown }).disable_parallel_tool_use === true;
  const decision = decide(conversation, ex.reply, ex.parallelToolCalls && !noParallel);
  const usage = usageOf(conversation.turns, decision, ex.usage);
  const id = ex.nextId("msg_standin_");
  const calls = decision.type === "tool_call" ? decision.calls.map((c) => ({ ...c, id: ex.nextId("toolu_standin_") })) : [];
  const stopReason: Anthropic.StopReason = decision.type === "text" ? "end_turn" : "tool_use";
  const blocks: Anthropic.ContentBlock[] =
    decision.type === "text"
      ? [{ type: "text", text: decision.text, citations: null }]
      : calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: JSON.parse(c.arguments) as unknown, caller: { type: "direct" } }));
  const message = (content: Anthropic.ContentBlock[], stop: Anthropic.StopReason | null, outputTokens: number): Anthropic.Message => ({
    id,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: anthropicUsage(usage, outputTokens),
  });

  if (body.stream !== true) {
    sendJson(ex.res, 200, message(blocks, stopReason, usage.completion), ex.headers);
    return;
  }

  // The real API also sends `ping` events (the SDK skips them); one here keeps consumers honest.
  const events: Array<Anthropic.RawMessageStreamEvent | { type: "ping" }> = [
    // As the real API does, message_start reports the input and a placeholder output count.
    { type: "message_start", message: message([], null, 1) },
  ];
  if (decision.type === "text") {
    events.push({ type: "content_block_start", index: 0, content_block: { type: "text", text: "", citations: null } });
    for (const text of chunkText(decision.text)) {
      events.push({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
    }
    events.push({ type: "content_block_stop", index: 0 });
  } else {
    // One content block per call, each started, filled and stopped before the next.
    calls.forEach((call, index) => {
      events.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {}, caller: { type: "direct" } } });
      for (const partial_json of ["", ...slice(call.arguments, 8)]) {
        events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
      }
      events.push({ type: "content_block_stop", index });
    });
  }
  events.splice(2, 0, { type: "ping" });
  const final = anthropicUsage(usage, usage.completion);
  events.push({
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_sequence: null, stop_details: null, container: null },
    usage: {
      input_tokens: final.input_tokens,
      output_tokens: final.output_tokens,
      cache_creation_input_tokens: final.cache_creation_input_tokens,
      cache_read_input_tokens: final.cache_read_input_tokens,
      output_tokens_details: null,
      server_tool_use: null,
    },
  });
  events.push({ type: "message_stop" });

  const sse = new SseWriter(ex.res, ex.fault, ex.headers);
  for (const event of events) {
    if (!(await sse.event(event, event.type))) return;
  }
  sse.end();
}

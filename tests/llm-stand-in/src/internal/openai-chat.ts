// POST /v1/chat/completions and POST /v1/completions (the legacy text API), in the wire shapes of the
// openai SDK's own types, streamed or not.
import type OpenAI from "openai";
import {
  decide,
  isRecord,
  textOf,
  usageFor,
  usageOf,
  type Conversation,
  type TokenUsage,
  type ToolChoice,
  type ToolDef,
  type Turn,
} from "./conversation.js";
import { unixSeconds, type Exchange } from "./exchange.js";
import { sendError, sendJson, SseWriter } from "./http.js";
import { builtInAnswer, chunkText, countTokens, slice } from "./text.js";

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

export function openaiUsage(usage: TokenUsage): OpenAI.CompletionUsage {
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    prompt_tokens_details: {
      cached_tokens: usage.cached,
      audio_tokens: 0,
      ...(usage.cacheCreation > 0 ? { cache_write_tokens: usage.cacheCreation } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatConversation(body: Record<string, unknown>, model: string): Conversation {
  const turns: Turn[] = [];
  for (const message of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(message)) continue;
    const text = textOf(message.content);
    switch (message.role) {
      case "system":
      case "developer":
        turns.push({ role: "system", text });
        break;
      case "assistant": {
        const toolCalls = (Array.isArray(message.tool_calls) ? message.tool_calls : []).flatMap((call) =>
          isRecord(call) && isRecord(call.function)
            ? [{ id: String(call.id ?? ""), name: String(call.function.name ?? ""), arguments: String(call.function.arguments ?? "") }]
            : [],
        );
        turns.push({ role: "assistant", text, toolCalls });
        break;
      }
      case "tool":
        turns.push({ role: "tool", text, toolCallId: String(message.tool_call_id ?? "") });
        break;
      case "function":
        turns.push({ role: "tool", text, toolName: String(message.name ?? "") });
        break;
      default:
        turns.push({ role: "user", text });
    }
  }
  const tools: ToolDef[] = (Array.isArray(body.tools) ? body.tools : []).flatMap((tool) =>
    isRecord(tool) && tool.type === "function" && isRecord(tool.function) && typeof tool.function.name === "string"
      ? [{ name: tool.function.name, parameters: tool.function.parameters }]
      : [],
  );
  return { api: "openai.chat", model, turns, tools, toolChoice: chatToolChoice(body.tool_choice), body };
}

function chatToolChoice(choice: unknown): ToolChoice {
  if (choice === "none" || choice === "required" || choice === "auto") return choice;
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === "string") {
    return { name: choice.function.name };
  }
  return "auto";
}

export async function chatCompletions(ex: Exchange): Promise<void> {
  const { body } = ex;
  if (typeof body.model !== "string" || !Array.isArray(body.messages)) {
    sendError(ex.res, "openai", 400, "Missing required parameters: 'model' and 'messages'.", ex.headers);
    return;
  }
  const conversation = chatConversation(body, body.model);
  const model = ex.answerModel(body.model);
  const decision = decide(conversation, ex.reply, ex.parallelToolCalls && body.parallel_tool_calls !== false);
  const usage = usageOf(conversation.turns, decision, ex.usage);
  const id = ex.nextId("chatcmpl-standin-");
  const created = unixSeconds();
  const calls = decision.type === "tool_call" ? decision.calls.map((c) => ({ ...c, id: ex.nextId("call_standin_") })) : [];

  if (body.stream !== true) {
    const completion: OpenAI.Chat.Completions.ChatCompletion = {
      id,
      object: "chat.completion",
      created,
      model,
      system_fingerprint: "fp_standin",
      choices: [
        {
          index: 0,
          message:
            decision.type === "text"
              ? { role: "assistant", content: decision.text, refusal: null, annotations: [] }
              : {
                  role: "assistant",
                  content: null,
                  refusal: null,
                  annotations: [],
                  tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
                },
          logprobs: null,
          finish_reason: decision.type === "text" ? "stop" : "tool_calls",
        },
      ],
      usage: openaiUsage(usage),
    };
    sendJson(ex.res, 200, completion, ex.headers);
    return;
  }

  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const base = { id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_standin" } as const;
  // With include_usage the real API sends `usage: null` on every chunk but the last.
  const usageNull = includeUsage ? { usage: null } : {};
  const chunk = (delta: Chunk["choices"][number]["delta"], finish: Chunk["choices"][number]["finish_reason"] = null): Chunk => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageNull,
  });

  const sse = new SseWriter(ex.res, ex.fault, ex.headers);
  const events: Chunk[] = [];
  if (decision.type === "text") {
    events.push(chunk({ role: "assistant", content: "", refusal: null }));
    for (const piece of chunkText(decision.text)) events.push(chunk({ content: piece }));
    events.push(chunk({}, "stop"));
  } else {
    // As the API streams parallel calls: each call opens with its id and name at its index, then its arguments.
    calls.forEach((call, index) => {
      events.push(chunk({
        ...(index === 0 ? { role: "assistant", content: null } : {}),
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      }));
      for (const piece of slice(call.arguments, 8)) {
        events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
    events.push(chunk({}, "tool_calls"));
  }
  if (includeUsage) events.push({ ...base, choices: [], usage: openaiUsage(usage) });
  for (const event of events) {
    if (!(await sse.event(event))) return;
  }
  if (await sse.done()) sse.end();
}

export async function legacyCompletions(ex: Exchange): Promise<void> {
  const { body } = ex;
  if (typeof body.model !== "string" || body.prompt === undefined) {
    sendError(ex.res, "openai", 400, "Missing required parameters: 'model' and 'prompt'.", ex.headers);
    return;
  }
  const model = body.model;
  const prompts = Array.isArray(body.prompt) && body.prompt.every((p) => typeof p === "string")
    ? (body.prompt as string[])
    : [typeof body.prompt === "string" ? body.prompt : JSON.stringify(body.prompt)];
  const answers = prompts.map((prompt) => {
    const scripted = ex.reply?.({
      api: "openai.completions",
      model,
      messages: [{ role: "user", content: prompt }],
      prompt,
      tools: [],
      body,
    });
    return typeof scripted === "string" ? scripted : builtInAnswer(prompt);
  });
  const usage = usageFor(
    prompts.reduce((n, p) => n + countTokens(p), 0),
    answers.join(" "),
    ex.usage,
  );
  const id = ex.nextId("cmpl-standin-");
  const created = unixSeconds();
  const base = { id, object: "text_completion", created, model, system_fingerprint: "fp_standin" } as const;

  if (body.stream !== true) {
    const completion: OpenAI.Completions.Completion = {
      ...base,
      choices: answers.map((text, index) => ({ index, text, logprobs: null, finish_reason: "stop" })),
      usage: openaiUsage(usage),
    };
    sendJson(ex.res, 200, completion, ex.headers);
    return;
  }
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const events: OpenAI.Completions.Completion[] = [];
  answers.forEach((text, index) => {
    for (const piece of chunkText(text)) {
      // The API streams `finish_reason: null` until the last chunk; the SDK reuses the
      // non-streamed `Completion` type for chunks, which has no null there.
      events.push({ ...base, choices: [{ index, text: piece, logprobs: null, finish_reason: null as never }] });
    }
    events.push({ ...base, choices: [{ index, text: "", logprobs: null, finish_reason: "stop" }] });
  });
  if (includeUsage) events.push({ ...base, choices: [], usage: openaiUsage(usage) });
  const sse = new SseWriter(ex.res, ex.fault, ex.headers);
  for (const event of events) {
    if (!(await sse.event(event))) return;
  }
  if (await sse.done()) sse.end();
}

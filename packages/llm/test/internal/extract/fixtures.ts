// Realistic request/response/stream fixtures, written by hand and checked against the real SDK
// types (`satisfies`), so a fixture that drifts from what the SDK sends fails to compile.
import type Anthropic from "@anthropic-ai/sdk";
import type { GenerateTextResult, TextStreamPart, ToolSet, generateText } from "ai";
import type OpenAI from "openai";

const weatherSchema = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};

// ---- OpenAI chat completions -------------------------------------------------------------

export const openAiChatRequest = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You are a weather bot." },
    {
      role: "user",
      name: "ana",
      content: [
        { type: "text", text: "Weather here?" },
        { type: "image_url", image_url: { url: "https://example.com/paris.jpg", detail: "low" } },
      ],
    },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    },
    { role: "tool", tool_call_id: "call_1", content: "18°C, cloudy" },
  ],
  tools: [
    {
      type: "function",
      function: { name: "get_weather", description: "Current weather", parameters: weatherSchema, strict: true },
    },
  ],
  tool_choice: "auto",
  temperature: 0.2,
  max_tokens: 256,
  top_p: 0.9,
  stop: ["\n\n"],
  seed: 7,
  response_format: { type: "text" },
} satisfies OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

export const openAiChatCompletion = {
  id: "chatcmpl-AB1",
  object: "chat.completion",
  created: 1_760_000_000,
  model: "gpt-4o-mini-2024-07-18",
  choices: [
    {
      index: 0,
      finish_reason: "tool_calls",
      logprobs: null,
      message: {
        role: "assistant",
        content: "Checking both cities.",
        refusal: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_b", type: "function", function: { name: "get_weather", arguments: '{"city":"Lyon"}' } },
        ],
      },
    },
  ],
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 40,
    total_tokens: 1240,
    prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  service_tier: "default",
  system_fingerprint: "fp_abc",
} satisfies OpenAI.Chat.ChatCompletion;

/** The chunks the API streams for {@link openAiChatCompletion} with `include_usage`. */
export const openAiChatChunks = (() => {
  const base = { id: "chatcmpl-AB1", object: "chat.completion.chunk", created: 1_760_000_000, model: "gpt-4o-mini-2024-07-18", system_fingerprint: "fp_abc" } as const;
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { content: "Checking " }, logprobs: null, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { content: "both cities." }, logprobs: null, finish_reason: null }] },
    {
      ...base,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }] },
          logprobs: null,
          finish_reason: null,
        },
      ],
    },
    { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }, logprobs: null, finish_reason: null }] },
    {
      ...base,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "get_weather", arguments: '{"city"' } }] },
          logprobs: null,
          finish_reason: null,
        },
      ],
    },
    { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }, logprobs: null, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: ':"Lyon"}' } }] }, logprobs: null, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "tool_calls" }] },
    { ...base, choices: [], usage: openAiChatCompletion.usage },
  ];
  return chunks;
})();

// ---- OpenAI legacy completions -------------------------------------------------------------

export const openAiCompletionRequest = {
  model: "gpt-3.5-turbo-instruct",
  prompt: "Say hi",
  max_tokens: 5,
  temperature: 0,
  logprobs: null,
} satisfies OpenAI.Completions.CompletionCreateParamsNonStreaming;

export const openAiCompletion = {
  id: "cmpl-1",
  object: "text_completion",
  created: 1_760_000_000,
  model: "gpt-3.5-turbo-instruct:20230824-v2",
  choices: [{ index: 0, text: "Hi there!", finish_reason: "stop", logprobs: null }],
  usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
} satisfies OpenAI.Completions.Completion;

export const openAiCompletionChunks: OpenAI.Completions.Completion[] = [
  { id: "cmpl-1", object: "text_completion", created: 1_760_000_000, model: "gpt-3.5-turbo-instruct:20230824-v2", choices: [{ index: 0, text: "Hi", finish_reason: null as unknown as "stop", logprobs: null }] },
  { id: "cmpl-1", object: "text_completion", created: 1_760_000_000, model: "gpt-3.5-turbo-instruct:20230824-v2", choices: [{ index: 0, text: " there!", finish_reason: "stop", logprobs: null }] },
  { id: "cmpl-1", object: "text_completion", created: 1_760_000_000, model: "gpt-3.5-turbo-instruct:20230824-v2", choices: [], usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } },
];

// ---- OpenAI responses ----------------------------------------------------------------------

export const openAiResponsesRequest = {
  model: "gpt-5-mini",
  instructions: "Be brief.",
  input: [
    {
      role: "user",
      content: [
        { type: "input_text", text: "Weather in Paris?" },
        { type: "input_image", image_url: "https://example.com/p.png", detail: "auto" },
      ],
    },
    { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
    { type: "function_call_output", call_id: "call_1", output: "18°C" },
  ],
  tools: [{ type: "function", name: "get_weather", description: "Current weather", parameters: weatherSchema, strict: true }],
  reasoning: { effort: "low", summary: "auto" },
  max_output_tokens: 500,
  store: false,
} satisfies OpenAI.Responses.ResponseCreateParamsNonStreaming;

function responseOf(
  output: OpenAI.Responses.ResponseOutputItem[],
  status: OpenAI.Responses.ResponseStatus,
  usage: OpenAI.Responses.ResponseUsage | undefined,
): OpenAI.Responses.Response {
  const text = output
    .flatMap((i) => (i.type === "message" ? i.content : []))
    .map((c) => (c.type === "output_text" ? c.text : ""))
    .join("");
  return {
    id: "resp_1",
    object: "response",
    created_at: 1_760_000_000,
    status,
    model: "gpt-5-mini-2025-08-07",
    output,
    output_text: text,
    error: null,
    incomplete_details: null,
    instructions: "Be brief.",
    metadata: {},
    parallel_tool_calls: true,
    temperature: 1,
    top_p: 1,
    tool_choice: "auto",
    tools: [],
    ...(usage === undefined ? {} : { usage }),
  };
}

const responsesOutput: OpenAI.Responses.ResponseOutputItem[] = [
  {
    type: "reasoning",
    id: "rs_1",
    summary: [{ type: "summary_text", text: "The user wants the weather." }],
    encrypted_content: null,
  },
  {
    type: "message",
    id: "msg_1",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text: "18°C in Paris.", annotations: [] }],
  },
  {
    type: "function_call",
    id: "fc_1",
    call_id: "call_9",
    name: "get_weather",
    arguments: '{"city":"Lyon"}',
    status: "completed",
  },
];

export const openAiResponse: OpenAI.Responses.Response = responseOf(responsesOutput, "completed", {
  input_tokens: 300,
  input_tokens_details: { cached_tokens: 128, cache_write_tokens: 0 },
  output_tokens: 90,
  output_tokens_details: { reasoning_tokens: 64 },
  total_tokens: 390,
});

/** The events the API streams for {@link openAiResponse}. */
export const openAiResponseEvents: OpenAI.Responses.ResponseStreamEvent[] = [
  { type: "response.created", sequence_number: 0, response: responseOf([], "in_progress", undefined) },
  { type: "response.in_progress", sequence_number: 1, response: responseOf([], "in_progress", undefined) },
  {
    type: "response.output_item.added",
    sequence_number: 2,
    output_index: 0,
    item: { type: "reasoning", id: "rs_1", summary: [], encrypted_content: null },
  },
  { type: "response.reasoning_summary_text.delta", sequence_number: 3, output_index: 0, item_id: "rs_1", summary_index: 0, delta: "The user wants " },
  { type: "response.reasoning_summary_text.delta", sequence_number: 4, output_index: 0, item_id: "rs_1", summary_index: 0, delta: "the weather." },
  { type: "response.output_item.done", sequence_number: 5, output_index: 0, item: responsesOutput[0]! },
  {
    type: "response.output_item.added",
    sequence_number: 6,
    output_index: 1,
    item: { type: "message", id: "msg_1", role: "assistant", status: "in_progress", content: [] },
  },
  { type: "response.output_text.delta", sequence_number: 7, output_index: 1, item_id: "msg_1", content_index: 0, delta: "18°C ", logprobs: [] },
  { type: "response.output_text.delta", sequence_number: 8, output_index: 1, item_id: "msg_1", content_index: 0, delta: "in Paris.", logprobs: [] },
  { type: "response.output_item.done", sequence_number: 9, output_index: 1, item: responsesOutput[1]! },
  {
    type: "response.output_item.added",
    sequence_number: 10,
    output_index: 2,
    item: { type: "function_call", id: "fc_1", call_id: "call_9", name: "get_weather", arguments: "", status: "in_progress" },
  },
  { type: "response.function_call_arguments.delta", sequence_number: 11, output_index: 2, item_id: "fc_1", delta: '{"city":' },
  { type: "response.function_call_arguments.delta", sequence_number: 12, output_index: 2, item_id: "fc_1", delta: '"Lyon"}' },
  { type: "response.output_item.done", sequence_number: 13, output_index: 2, item: responsesOutput[2]! },
  { type: "response.completed", sequence_number: 14, response: openAiResponse },
];

// ---- Anthropic messages --------------------------------------------------------------------

export const anthropicRequest = {
  model: "claude-sonnet-5",
  max_tokens: 1024,
  system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
  messages: [
    {
      role: "user",
      content: [
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        { type: "text", text: "What is this?" },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "png" } },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "A 1x1 pixel" }] },
        { type: "text", text: "So?" },
      ],
    },
  ],
  tools: [
    { name: "lookup", description: "Look something up", input_schema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } },
  ],
  stop_sequences: ["END"],
  metadata: { user_id: "u-1" },
} satisfies Anthropic.MessageCreateParamsNonStreaming;

const anthropicUsage: Anthropic.Usage = {
  input_tokens: 50,
  cache_creation_input_tokens: 200,
  cache_read_input_tokens: 1000,
  cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 0 },
  output_tokens: 80,
  output_tokens_details: { thinking_tokens: 30 },
  server_tool_use: null,
  service_tier: "standard",
  inference_geo: null,
  speed: null,
};

export const anthropicMessage = {
  id: "msg_01",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-5-20260301",
  content: [
    { type: "thinking", thinking: "A tiny PNG.", signature: "EqQBCgIYAhIM" },
    { type: "text", text: "A pixel.", citations: null },
    { type: "tool_use", id: "toolu_2", name: "lookup", input: { q: "pixel" }, caller: { type: "direct" } },
  ],
  stop_reason: "tool_use",
  stop_sequence: null,
  stop_details: null,
  container: null,
  diagnostics: null,
  usage: anthropicUsage,
} satisfies Anthropic.Message;

/** The events the API streams for {@link anthropicMessage}. */
export const anthropicEvents: Anthropic.RawMessageStreamEvent[] = [
  {
    type: "message_start",
    message: {
      ...anthropicMessage,
      content: [],
      stop_reason: null,
      usage: { ...anthropicUsage, output_tokens: 1, output_tokens_details: null },
    },
  },
  { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "A tiny " } },
  { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "PNG." } },
  { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "EqQBCgIYAhIM" } },
  { type: "content_block_stop", index: 0 },
  { type: "content_block_start", index: 1, content_block: { type: "text", text: "", citations: null } },
  { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "A " } },
  { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "pixel." } },
  { type: "content_block_stop", index: 1 },
  {
    type: "content_block_start",
    index: 2,
    content_block: { type: "tool_use", id: "toolu_2", name: "lookup", input: {}, caller: { type: "direct" } },
  },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "" } },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"q": "pi' } },
  { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: 'xel"}' } },
  { type: "content_block_stop", index: 2 },
  {
    type: "message_delta",
    delta: { stop_reason: "tool_use", stop_sequence: null, stop_details: null, container: null },
    usage: {
      input_tokens: null,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      output_tokens: 80,
      output_tokens_details: { thinking_tokens: 30 },
      server_tool_use: null,
    },
  },
  { type: "message_stop" },
];

// ---- Vercel AI SDK -------------------------------------------------------------------------

/** `generateText` options with a gateway model string (the object form needs a real provider). */
export const aiSdkRequest: Parameters<typeof generateText>[0] = {
  model: "openai/gpt-4o-mini",
  system: "You are helpful.",
  messages: [
    { role: "user", content: [{ type: "text", text: "Weather?" }, { type: "image", image: new URL("https://example.com/a.png") }] },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "Need a tool." },
        { type: "tool-call", toolCallId: "tc_1", toolName: "weather", input: { city: "Paris" } },
      ],
    },
    {
      role: "tool",
      content: [{ type: "tool-result", toolCallId: "tc_1", toolName: "weather", output: { type: "json", value: { tempC: 18 } } }],
    },
  ],
  temperature: 0.3,
  maxOutputTokens: 200,
  seed: 1,
  stopSequences: ["END"],
  providerOptions: { openai: { parallelToolCalls: false } },
  maxRetries: 0,
  onFinish: () => undefined,
  abortSignal: new AbortController().signal,
  headers: { authorization: "Bearer secret" },
};

type AiSdkResultView = Pick<
  GenerateTextResult<ToolSet, never>,
  "content" | "text" | "finishReason" | "usage" | "totalUsage" | "response" | "toolCalls"
>;

const aiSdkUsage = {
  inputTokens: 400,
  inputTokenDetails: { noCacheTokens: 100, cacheReadTokens: 300, cacheWriteTokens: undefined },
  outputTokens: 30,
  outputTokenDetails: { textTokens: 10, reasoningTokens: 20 },
  totalTokens: 430,
};

/** A one-step `generateText` result: reasoning, text and a tool call. */
export const aiSdkResult: AiSdkResultView = {
  content: [
    { type: "reasoning", text: "Two cities." },
    { type: "text", text: "Looking up." },
    { type: "tool-call", toolCallId: "tc_2", toolName: "weather", input: { city: "Lyon" }, dynamic: true },
  ],
  text: "Looking up.",
  toolCalls: [{ type: "tool-call", toolCallId: "tc_2", toolName: "weather", input: { city: "Lyon" }, dynamic: true }],
  finishReason: "tool-calls",
  usage: aiSdkUsage,
  totalUsage: aiSdkUsage,
  response: { id: "r1", timestamp: new Date(0), modelId: "gpt-4o-mini-2024-07-18", messages: [] },
};

/** `streamText(...).fullStream` parts of the same one-step run as {@link aiSdkResult}. */
export const aiSdkStreamParts: TextStreamPart<ToolSet>[] = [
  { type: "start" },
  { type: "start-step", request: {}, warnings: [] },
  { type: "reasoning-start", id: "r0" },
  { type: "reasoning-delta", id: "r0", text: "Two " },
  { type: "reasoning-delta", id: "r0", text: "cities." },
  { type: "reasoning-end", id: "r0" },
  { type: "text-start", id: "t0" },
  { type: "text-delta", id: "t0", text: "Looking " },
  { type: "text-delta", id: "t0", text: "up." },
  { type: "text-end", id: "t0" },
  { type: "tool-input-start", id: "tc_2", toolName: "weather" },
  { type: "tool-input-delta", id: "tc_2", delta: '{"city":"Lyon"}' },
  { type: "tool-input-end", id: "tc_2" },
  { type: "tool-call", toolCallId: "tc_2", toolName: "weather", input: { city: "Lyon" }, dynamic: true },
  {
    type: "finish-step",
    response: { id: "r1", timestamp: new Date(0), modelId: "gpt-4o-mini-2024-07-18" },
    usage: aiSdkUsage,
    finishReason: "tool-calls",
    rawFinishReason: "tool_calls",
    providerMetadata: undefined,
  },
  { type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_calls", totalUsage: aiSdkUsage },
];

/** Deep-freezes a fixture so a test proves the extractor does not write to its input. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { extractLlmResponse } from "../../../dist/esm/internal/extract/response.js";
import { createStreamAggregator } from "../../../dist/esm/internal/extract/stream.js";
import { EXPECTED_AI_SDK, EXPECTED_ANTHROPIC, EXPECTED_CHAT, EXPECTED_COMPLETION, EXPECTED_RESPONSES } from "./expected.js";
import {
  aiSdkStreamParts,
  anthropicEvents,
  anthropicMessage,
  deepFreeze,
  openAiChatChunks,
  openAiChatCompletion,
  openAiCompletionChunks,
  openAiResponseEvents,
} from "./fixtures.js";

function aggregate(chunks: readonly unknown[], request?: unknown): ReturnType<ReturnType<typeof createStreamAggregator>["attributes"]> {
  const agg = createStreamAggregator(request === undefined ? undefined : { request });
  for (const chunk of chunks) agg.push(chunk);
  assert.equal(agg.chunks, chunks.length);
  return agg.attributes();
}

describe("createStreamAggregator gives what the non-streamed response gives", () => {
  const cases: Array<{ name: string; chunks: readonly unknown[]; expected: Record<string, unknown> }> = [
    { name: "OpenAI chat chunks: content deltas, interleaved tool-call deltas by index, include_usage chunk", chunks: openAiChatChunks, expected: EXPECTED_CHAT },
    { name: "OpenAI legacy completion chunks", chunks: openAiCompletionChunks, expected: EXPECTED_COMPLETION },
    { name: "OpenAI responses events ending in response.completed", chunks: openAiResponseEvents, expected: EXPECTED_RESPONSES },
    { name: "Anthropic events: message_start usage, thinking/text/input_json deltas, message_delta", chunks: anthropicEvents, expected: EXPECTED_ANTHROPIC },
    { name: "AI SDK fullStream parts", chunks: aiSdkStreamParts, expected: EXPECTED_AI_SDK },
    {
      name: "plain strings",
      chunks: ["Bei", "jing", "."],
      expected: { "llm.output_messages.0.message.role": "assistant", "llm.output_messages.0.message.content": "Beijing." },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(aggregate(c.chunks), c.expected);
    });
  }

  test("with the request, model names and provider follow the same rules as extractLlmResponse", () => {
    const request = { model: "gpt-4o-mini", messages: [] };
    assert.deepEqual(aggregate(openAiChatChunks, request), extractLlmResponse(openAiChatCompletion, request));
  });
});

describe("createStreamAggregator on partial and broken streams", () => {
  test("an empty stream gives no attributes", () => {
    const agg = createStreamAggregator();
    assert.deepEqual(agg.attributes(), {});
    assert.equal(agg.chunks, 0);
  });

  test("a stream that fails halfway returns what it has: OpenAI chat", () => {
    // The first five chunks: role, two content deltas, the start of call_a and part of its JSON.
    const attrs = aggregate(openAiChatChunks.slice(0, 5));
    assert.deepEqual(attrs, {
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.content": "Checking both cities.",
      "llm.output_messages.0.message.tool_calls.0.tool_call.id": "call_a",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "get_weather",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"ci',
      "llm.model_name": "gpt-4o-mini-2024-07-18",
      "llm.provider": "openai",
      "llm.system": "openai",
    });
  });

  test("a stream that fails halfway returns what it has: Anthropic keeps the cut-off tool JSON as text", () => {
    const cut = anthropicEvents.findIndex((e) => e.type === "content_block_delta" && e.delta.type === "input_json_delta" && e.delta.partial_json.startsWith('{"q"'));
    const attrs = aggregate(anthropicEvents.slice(0, cut + 1));
    assert.equal(attrs["llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"], '{"q": "pi');
    assert.equal(attrs["llm.output_messages.0.message.contents.1.message_content.text"], "A pixel.");
    // Only message_start usage has arrived: 50 + 1000 + 200 prompt tokens, 1 output token so far.
    assert.equal(attrs["llm.token_count.prompt"], 1250);
    assert.equal(attrs["llm.token_count.completion"], 1);
    assert.equal("llm.finish_reason" in attrs, false);
  });

  test("a responses stream without its terminal event is rebuilt from the deltas", () => {
    const attrs = aggregate(openAiResponseEvents.filter((e) => e.type !== "response.completed" && e.type !== "response.output_item.done"));
    assert.deepEqual(attrs, {
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.contents.0.message_content.type": "reasoning",
      "llm.output_messages.0.message.contents.0.message_content.text": "The user wants the weather.",
      "llm.output_messages.0.message.contents.0.message_content.id": "rs_1",
      "llm.output_messages.0.message.contents.1.message_content.type": "text",
      "llm.output_messages.0.message.contents.1.message_content.text": "18°C in Paris.",
      "llm.output_messages.0.message.tool_calls.0.tool_call.id": "call_9",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "get_weather",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"city":"Lyon"}',
      "llm.model_name": "gpt-5-mini-2025-08-07",
      "llm.provider": "openai",
      "llm.system": "openai",
    });
  });

  test("an AI SDK stream cut before `finish` sums the usage of the finished steps", () => {
    const step = (input: number, cached: number, output: number): unknown => ({
      type: "finish-step",
      response: { id: "r", timestamp: new Date(0), modelId: "claude-sonnet-5-20260301" },
      usage: {
        inputTokens: input,
        inputTokenDetails: { noCacheTokens: input - cached, cacheReadTokens: cached, cacheWriteTokens: undefined },
        outputTokens: output,
        outputTokenDetails: { textTokens: output, reasoningTokens: undefined },
        totalTokens: input + output,
      },
      finishReason: "tool-calls",
      rawFinishReason: "tool_use",
      providerMetadata: undefined,
    });
    const attrs = aggregate([
      { type: "start" },
      { type: "text-delta", id: "0", text: "Let me look." },
      step(100, 0, 10),
      { type: "text-delta", id: "1", text: " Found it." },
      step(200, 100, 20),
      { type: "error", error: new Error("socket hang up") },
    ]);
    assert.deepEqual(attrs, {
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.content": "Let me look. Found it.",
      "llm.token_count.prompt": 300,
      "llm.token_count.completion": 30,
      "llm.token_count.total": 330,
      "llm.token_count.prompt_details.cache_read": 100,
      "llm.model_name": "claude-sonnet-5-20260301",
      "llm.provider": "anthropic",
      "llm.system": "anthropic",
    });
  });

  test("a tool-call-only stream that opens with an empty content delta records no content, like the response", () => {
    const [first, , , ...rest] = openAiChatChunks;
    const attrs = aggregate([first, ...rest]);
    assert.equal("llm.output_messages.0.message.content" in attrs, false);
    assert.equal(attrs["llm.output_messages.0.message.tool_calls.1.tool_call.function.arguments"], '{"city":"Lyon"}');
    const response = extractLlmResponse({
      ...openAiChatCompletion,
      choices: openAiChatCompletion.choices.map((c) => ({ ...c, message: { ...c.message, content: null } })),
    });
    assert.deepEqual(attrs, response);
  });

  test("chunks of another kind after the first are ignored, unknown chunks never throw", () => {
    const agg = createStreamAggregator();
    agg.push("Hello");
    agg.push(openAiChatChunks[1]);
    agg.push(null);
    agg.push(42);
    agg.push({ weird: true });
    assert.equal(agg.chunks, 5);
    assert.deepEqual(agg.attributes(), {
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.content": "Hello",
    });
  });

  test("unrecognized first chunks leave the aggregator open for a recognized one", () => {
    const agg = createStreamAggregator();
    agg.push({ weird: true });
    agg.push(undefined);
    for (const c of openAiChatChunks) agg.push(c);
    assert.deepEqual(agg.attributes(), EXPECTED_CHAT);
  });

  test("attributes() can be called repeatedly and while the stream continues", () => {
    const agg = createStreamAggregator();
    agg.push("a");
    assert.equal(agg.attributes()["llm.output_messages.0.message.content"], "a");
    agg.push("b");
    assert.equal(agg.attributes()["llm.output_messages.0.message.content"], "ab");
    assert.equal(agg.attributes()["llm.output_messages.0.message.content"], "ab");
  });

  test("non-numeric usage values are skipped", () => {
    const attrs = aggregate([
      ...openAiChatChunks.slice(0, 3),
      { ...openAiChatChunks[9], usage: { prompt_tokens: "12", completion_tokens: Number.NaN, total_tokens: 20 } },
    ]);
    assert.equal("llm.token_count.prompt" in attrs, false);
    assert.equal("llm.token_count.completion" in attrs, false);
    assert.equal(attrs["llm.token_count.total"], 20);
  });

  test("does not mutate frozen chunks", () => {
    const chunks = deepFreeze(structuredClone(anthropicEvents));
    assert.deepEqual(aggregate(chunks), EXPECTED_ANTHROPIC);
    assert.deepEqual(chunks, anthropicEvents);
  });
});

// Speed is measured by `pnpm bench`; these prove long streams aggregate completely and exactly.
describe("createStreamAggregator on long streams", () => {
  function timeOpenAi(n: number): { ms: number; attrs: Record<string, unknown> } {
    const base = openAiChatChunks[1]!;
    const start = performance.now();
    const agg = createStreamAggregator();
    for (let i = 0; i < n; i++) {
      agg.push({
        ...base,
        choices: [
          {
            index: 0,
            delta: { content: "token ", tool_calls: [{ index: 0, ...(i === 0 ? { id: "c", function: { name: "f", arguments: "" } } : { function: { arguments: "x" } }) }] },
            logprobs: null,
            finish_reason: null,
          },
        ],
      });
    }
    const attrs = agg.attributes();
    return { ms: performance.now() - start, attrs };
  }

  test("10,000 OpenAI chunks aggregate into the exact text", () => {
    const { attrs } = timeOpenAi(10_000);
    assert.equal(attrs["llm.output_messages.0.message.content"], "token ".repeat(10_000));
    assert.equal(attrs["llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"], "x".repeat(9_999));
  });

  test("50,000 chunks keep every piece", () => {
    const { attrs } = timeOpenAi(50_000);
    assert.equal(String(attrs["llm.output_messages.0.message.content"]).length, 6 * 50_000);
  });

  test("10,000 Anthropic, responses, AI SDK and string chunks keep every piece", () => {
    const n = 10_000;
    const anthropic = createStreamAggregator();
    anthropic.push(anthropicEvents[0]);
    anthropic.push({ type: "content_block_start", index: 0, content_block: { type: "text", text: "", citations: null } });
    for (let i = 0; i < n; i++) anthropic.push({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "ab" } });
    assert.equal(anthropic.attributes()["llm.output_messages.0.message.content"], "ab".repeat(n));

    const responses = createStreamAggregator();
    for (let i = 0; i < n; i++) {
      responses.push({ type: "response.output_text.delta", sequence_number: i, output_index: 0, item_id: "m", content_index: 0, delta: "c", logprobs: [] });
    }
    assert.equal(responses.attributes()["llm.output_messages.0.message.content"], "c".repeat(n));

    const ai = createStreamAggregator();
    for (let i = 0; i < n; i++) ai.push({ type: "text-delta", id: "0", text: "d" });
    assert.equal(ai.attributes()["llm.output_messages.0.message.content"], "d".repeat(n));

    const text = createStreamAggregator();
    for (let i = 0; i < n; i++) text.push("e");
    assert.equal(text.attributes()["llm.output_messages.0.message.content"], "e".repeat(n));
  });

  test("huge content is kept as is (truncation is the caller's job)", () => {
    const big = "z".repeat(5_000_000);
    const agg = createStreamAggregator();
    agg.push(big);
    agg.push(big);
    assert.equal((agg.attributes()["llm.output_messages.0.message.content"] as string).length, 10_000_000);
    assert.equal(extractLlmResponse({ ...anthropicMessage, content: [{ type: "text", text: big, citations: null }] })["llm.output_messages.0.message.content"], big);
  });
});

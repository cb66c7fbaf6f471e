import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { describe, test } from "node:test";
import { writeTokenCounts } from "../../../dist/esm/internal/extract/model.js";
import { extractLlmResponse, readLlmResponse } from "../../../dist/esm/internal/extract/response.js";
import {
  aiSdkRequest,
  aiSdkResult,
  anthropicMessage,
  anthropicRequest,
  deepFreeze,
  openAiChatCompletion,
  openAiChatRequest,
  openAiCompletion,
  openAiResponse,
} from "./fixtures.js";
import { EXPECTED_AI_SDK, EXPECTED_ANTHROPIC, EXPECTED_CHAT, EXPECTED_COMPLETION, EXPECTED_RESPONSES } from "./expected.js";

describe("extractLlmResponse reads each supported response shape", () => {
  const cases: Array<{ name: string; response: unknown; expected: Record<string, unknown> }> = [
    { name: "OpenAI ChatCompletion with text, two tool calls and cached prompt tokens", response: openAiChatCompletion, expected: EXPECTED_CHAT },
    { name: "OpenAI legacy Completion", response: openAiCompletion, expected: EXPECTED_COMPLETION },
    { name: "OpenAI responses Response with reasoning, text, a function call and reasoning tokens", response: openAiResponse, expected: EXPECTED_RESPONSES },
    { name: "Anthropic Message with thinking, text, tool_use, cache reads/writes and thinking tokens", response: anthropicMessage, expected: EXPECTED_ANTHROPIC },
    { name: "AI SDK generateText result", response: aiSdkResult, expected: EXPECTED_AI_SDK },
    {
      name: "a plain string answer",
      response: "Beijing.",
      expected: { "llm.output_messages.0.message.role": "assistant", "llm.output_messages.0.message.content": "Beijing." },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(extractLlmResponse(c.response), c.expected);
    });
    test(`${c.name}: readLlmResponse gives the same attributes and the model that answered, from one reading`, () => {
      const read = readLlmResponse(c.response);
      assert.deepEqual(read.attributes, c.expected);
      assert.equal(read.model, c.expected["llm.model_name"]);
    });
    test(`${c.name}: with usage apart, the token counts come beside the same other attributes`, () => {
      const read = readLlmResponse(c.response, undefined, true);
      const tokenKeys = Object.keys(c.expected).filter((k) => k.startsWith("llm.token_count."));
      const others = Object.fromEntries(Object.entries(c.expected).filter(([k]) => !k.startsWith("llm.token_count.")));
      assert.deepEqual(read.attributes, others);
      assert.equal(read.model, c.expected["llm.model_name"]);
      if (tokenKeys.length === 0) {
        assert.equal(read.usage, undefined);
        return;
      }
      const written: Attributes = {};
      writeTokenCounts(written, read.usage!);
      assert.deepEqual(written, Object.fromEntries(tokenKeys.map((k) => [k, c.expected[k]])));
    });
  }
  test("with usage apart, a response whose usage has only sub-counts gives none (as llm.token_count.* would carry none)", () => {
    const response = { ...openAiChatCompletion, usage: { prompt_tokens_details: { cached_tokens: 5 } } };
    const read = readLlmResponse(response, undefined, true);
    assert.equal(read.usage, undefined);
    assert.equal(Object.keys(read.attributes).some((k) => k.startsWith("llm.token_count.")), false);
  });
  test("readLlmResponse of an unknown shape: no attributes, no model", () => {
    assert.deepEqual(readLlmResponse({ answer: 42 }), { attributes: {}, model: undefined });
  });
});

describe("extractLlmResponse with the request", () => {
  test("keeps requested and answering model names apart when they differ; llm.model_name is the answering one", () => {
    const attrs = extractLlmResponse(openAiChatCompletion, openAiChatRequest);
    assert.equal(attrs["llm.model_name"], "gpt-4o-mini-2024-07-18");
    assert.equal(attrs["llm.request.model_name"], "gpt-4o-mini");
    assert.equal(attrs["llm.response.model_name"], "gpt-4o-mini-2024-07-18");
  });

  test("sets no request/response model names when the response echoes the requested model", () => {
    const attrs = extractLlmResponse({ ...anthropicMessage, model: "claude-sonnet-5" }, anthropicRequest);
    assert.equal(attrs["llm.model_name"], "claude-sonnet-5");
    assert.equal("llm.request.model_name" in attrs, false);
    assert.equal("llm.response.model_name" in attrs, false);
  });

  test("uses the requested model when the response names none", () => {
    const attrs = extractLlmResponse("Hi", { model: "gpt-4.1-nano" });
    assert.equal(attrs["llm.model_name"], "gpt-4.1-nano");
    assert.equal(attrs["llm.provider"], "openai");
  });

  test("a router prefix in the request names the provider over the model the response echoes", () => {
    const attrs = extractLlmResponse(
      { ...openAiChatCompletion, model: "google/gemma-3n-e4b-it:free" },
      { model: "openrouter/google/gemma-3n-e4b-it:free", messages: [] },
    );
    assert.equal(attrs["llm.provider"], "openrouter");
    assert.equal(attrs["llm.system"], "vertexai");
    assert.equal(attrs["llm.model_name"], "google/gemma-3n-e4b-it:free");
  });

  test("AI SDK gateway string models are compared with the answering model id", () => {
    const attrs = extractLlmResponse(aiSdkResult, aiSdkRequest);
    assert.equal(attrs["llm.request.model_name"], "openai/gpt-4o-mini");
    assert.equal(attrs["llm.response.model_name"], "gpt-4o-mini-2024-07-18");
  });
});

describe("extractLlmResponse details", () => {
  test("several choices give several output messages; the first choice's finish reason is kept", () => {
    const attrs = extractLlmResponse({
      object: "chat.completion",
      model: "gpt-4o",
      choices: [
        { index: 0, finish_reason: "stop", message: { role: "assistant", content: "A", refusal: null } },
        { index: 1, finish_reason: "length", message: { role: "assistant", content: "B", refusal: null } },
      ],
    });
    assert.equal(attrs["llm.output_messages.0.message.content"], "A");
    assert.equal(attrs["llm.output_messages.1.message.content"], "B");
    assert.equal(attrs["llm.finish_reason"], "stop");
    assert.equal("llm.token_count.total" in attrs, false);
  });

  test("a refusal is the content when the content is null; custom tool calls keep their raw input", () => {
    const attrs = extractLlmResponse({
      object: "chat.completion",
      model: "gpt-5",
      choices: [
        {
          index: 0,
          finish_reason: "tool_calls",
          message: {
            role: "assistant",
            content: null,
            refusal: "I can't help with that.",
            tool_calls: [{ id: "c1", type: "custom", custom: { name: "sql", input: "SELECT 1" } }],
          },
        },
      ],
    });
    assert.equal(attrs["llm.output_messages.0.message.content"], "I can't help with that.");
    assert.equal(attrs["llm.output_messages.0.message.tool_calls.0.tool_call.function.name"], "sql");
    assert.equal(attrs["llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"], "SELECT 1");
  });

  test("OpenAI chat usage with cache writes and audio tokens maps every detail", () => {
    const attrs = extractLlmResponse({
      object: "chat.completion",
      model: "gpt-4o-audio-preview",
      choices: [],
      usage: {
        prompt_tokens: 500,
        completion_tokens: 100,
        total_tokens: 600,
        prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 300, audio_tokens: 50 },
        completion_tokens_details: { reasoning_tokens: 10, audio_tokens: 70 },
      },
    });
    assert.deepEqual(attrs, {
      "llm.token_count.prompt": 500,
      "llm.token_count.completion": 100,
      "llm.token_count.total": 600,
      "llm.token_count.prompt_details.cache_read": 100,
      "llm.token_count.prompt_details.cache_write": 300,
      "llm.token_count.prompt_details.audio": 50,
      "llm.token_count.completion_details.reasoning": 10,
      "llm.token_count.completion_details.audio": 70,
      "llm.model_name": "gpt-4o-audio-preview",
      "llm.provider": "openai",
      "llm.system": "openai",
    });
  });

  test("an incomplete responses Response reports its incomplete reason", () => {
    const attrs = extractLlmResponse({
      ...openAiResponse,
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
    });
    assert.equal(attrs["llm.finish_reason"], "max_output_tokens");
  });

  test("Anthropic redacted thinking keeps its opaque data", () => {
    const attrs = extractLlmResponse({
      ...anthropicMessage,
      content: [{ type: "redacted_thinking", data: "EmwKAhgB" }, { type: "text", text: "Done.", citations: null }],
    });
    assert.equal(attrs["llm.output_messages.0.message.contents.0.message_content.type"], "reasoning");
    assert.equal(attrs["llm.output_messages.0.message.contents.0.message_content.data"], "EmwKAhgB");
    assert.equal(attrs["llm.output_messages.0.message.contents.1.message_content.text"], "Done.");
  });

  test("Anthropic text-only answers collapse into one content string", () => {
    const attrs = extractLlmResponse({
      ...anthropicMessage,
      content: [
        { type: "text", text: "Hello ", citations: null },
        { type: "text", text: "world.", citations: null },
      ],
    });
    assert.equal(attrs["llm.output_messages.0.message.content"], "Hello world.");
    assert.equal("llm.output_messages.0.message.contents.0.message_content.type" in attrs, false);
  });

  test("AI SDK results prefer totalUsage (all steps) over usage (last step)", () => {
    const attrs = extractLlmResponse({
      ...aiSdkResult,
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2, inputTokenDetails: {}, outputTokenDetails: {} },
    });
    assert.equal(attrs["llm.token_count.prompt"], 400);
  });

  test("AI SDK results without content fall back to text, reasoningText and toolCalls; deprecated usage fields are read", () => {
    const attrs = extractLlmResponse({
      text: "Hi",
      reasoningText: "think",
      toolCalls: [{ type: "tool-call", toolCallId: "x", toolName: "t", input: {} }],
      finishReason: "stop",
      usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12, cachedInputTokens: 4, reasoningTokens: 1 },
      response: { modelId: "claude-haiku-4-5" },
    });
    assert.deepEqual(attrs, {
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.contents.0.message_content.type": "reasoning",
      "llm.output_messages.0.message.contents.0.message_content.text": "think",
      "llm.output_messages.0.message.contents.1.message_content.type": "text",
      "llm.output_messages.0.message.contents.1.message_content.text": "Hi",
      "llm.output_messages.0.message.tool_calls.0.tool_call.id": "x",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "t",
      "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": "{}",
      "llm.token_count.prompt": 10,
      "llm.token_count.completion": 2,
      "llm.token_count.total": 12,
      "llm.token_count.prompt_details.cache_read": 4,
      "llm.token_count.completion_details.reasoning": 1,
      "llm.finish_reason": "stop",
      "llm.model_name": "claude-haiku-4-5",
      "llm.provider": "anthropic",
      "llm.system": "anthropic",
    });
  });

  test("OpenAI-compatible responses without an `object` field are still read", () => {
    const attrs = extractLlmResponse({
      model: "llama3.2",
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hey" } }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
    assert.deepEqual(attrs, {
      "llm.output_messages.0.message.role": "assistant",
      "llm.output_messages.0.message.content": "Hey",
      "llm.token_count.prompt": 3,
      "llm.token_count.completion": 1,
      "llm.token_count.total": 4,
      "llm.finish_reason": "stop",
      "llm.model_name": "llama3.2",
      "llm.system": "meta",
    });
  });

  test("does not mutate a deeply frozen response", () => {
    const frozen = deepFreeze(structuredClone(openAiResponse));
    const before = JSON.stringify(frozen);
    assert.deepEqual(extractLlmResponse(frozen), EXPECTED_RESPONSES);
    assert.equal(JSON.stringify(frozen), before);
  });
});

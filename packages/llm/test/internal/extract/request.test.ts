import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { extractLlmRequest } from "../../../dist/esm/internal/extract/request.js";
import {
  aiSdkRequest,
  anthropicRequest,
  deepFreeze,
  openAiChatRequest,
  openAiCompletionRequest,
  openAiResponsesRequest,
} from "./fixtures.js";

const WEATHER_SCHEMA_JSON =
  '{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}';

describe("extractLlmRequest reads each supported request shape", () => {
  const cases: Array<{ name: string; request: unknown; expected: Record<string, unknown> }> = [
    {
      name: "OpenAI chat completions: system, multimodal user with name, assistant tool calls, tool result, tools, params",
      request: openAiChatRequest,
      expected: {
        "llm.model_name": "gpt-4o-mini",
        "llm.provider": "openai",
        "llm.system": "openai",
        "llm.invocation_parameters":
          '{"model":"gpt-4o-mini","tool_choice":"auto","temperature":0.2,"max_tokens":256,"top_p":0.9,"stop":["\\n\\n"],"seed":7,"response_format":{"type":"text"}}',
        "llm.input_messages.0.message.role": "system",
        "llm.input_messages.0.message.content": "You are a weather bot.",
        "llm.input_messages.1.message.role": "user",
        "llm.input_messages.1.message.name": "ana",
        "llm.input_messages.1.message.contents.0.message_content.type": "text",
        "llm.input_messages.1.message.contents.0.message_content.text": "Weather here?",
        "llm.input_messages.1.message.contents.1.message_content.type": "image",
        "llm.input_messages.1.message.contents.1.message_content.image.image.url": "https://example.com/paris.jpg",
        "llm.input_messages.2.message.role": "assistant",
        "llm.input_messages.2.message.tool_calls.0.tool_call.id": "call_1",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.name": "get_weather",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
        "llm.input_messages.3.message.role": "tool",
        "llm.input_messages.3.message.content": "18°C, cloudy",
        "llm.input_messages.3.message.tool_call_id": "call_1",
        "llm.tools.0.tool.json_schema": `{"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":${WEATHER_SCHEMA_JSON},"strict":true}}`,
        "llm.tools.0.tool.name": "get_weather",
        "llm.tools.0.tool.description": "Current weather",
      },
    },
    {
      name: "OpenAI legacy completions: the prompt is one user message",
      request: openAiCompletionRequest,
      expected: {
        "llm.model_name": "gpt-3.5-turbo-instruct",
        "llm.provider": "openai",
        "llm.system": "openai",
        "llm.invocation_parameters": '{"model":"gpt-3.5-turbo-instruct","max_tokens":5,"temperature":0,"logprobs":null}',
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.0.message.content": "Say hi",
      },
    },
    {
      name: "OpenAI responses: instructions, input items with image, function_call and its output, flat tools",
      request: openAiResponsesRequest,
      expected: {
        "llm.model_name": "gpt-5-mini",
        "llm.provider": "openai",
        "llm.system": "openai",
        "llm.invocation_parameters": '{"model":"gpt-5-mini","reasoning":{"effort":"low","summary":"auto"},"max_output_tokens":500,"store":false}',
        "llm.input_messages.0.message.role": "system",
        "llm.input_messages.0.message.content": "Be brief.",
        "llm.input_messages.1.message.role": "user",
        "llm.input_messages.1.message.contents.0.message_content.type": "text",
        "llm.input_messages.1.message.contents.0.message_content.text": "Weather in Paris?",
        "llm.input_messages.1.message.contents.1.message_content.type": "image",
        "llm.input_messages.1.message.contents.1.message_content.image.image.url": "https://example.com/p.png",
        "llm.input_messages.2.message.role": "assistant",
        "llm.input_messages.2.message.tool_calls.0.tool_call.id": "call_1",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.name": "get_weather",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
        "llm.input_messages.3.message.role": "tool",
        "llm.input_messages.3.message.content": "18°C",
        "llm.input_messages.3.message.tool_call_id": "call_1",
        "llm.tools.0.tool.json_schema": `{"type":"function","name":"get_weather","description":"Current weather","parameters":${WEATHER_SCHEMA_JSON},"strict":true}`,
        "llm.tools.0.tool.name": "get_weather",
        "llm.tools.0.tool.description": "Current weather",
      },
    },
    {
      name: "Anthropic messages: system blocks, base64 image, tool_use, tool_result split into a tool message",
      request: anthropicRequest,
      expected: {
        "llm.model_name": "claude-sonnet-5",
        "llm.provider": "anthropic",
        "llm.system": "anthropic",
        "llm.invocation_parameters": '{"model":"claude-sonnet-5","max_tokens":1024,"stop_sequences":["END"],"metadata":{"user_id":"u-1"}}',
        "llm.input_messages.0.message.role": "system",
        "llm.input_messages.0.message.contents.0.message_content.type": "text",
        "llm.input_messages.0.message.contents.0.message_content.text": "You are terse.",
        "llm.input_messages.1.message.role": "user",
        "llm.input_messages.1.message.contents.0.message_content.type": "image",
        "llm.input_messages.1.message.contents.0.message_content.image.image.url": "data:image/png;base64,iVBORw0KGgo=",
        "llm.input_messages.1.message.contents.1.message_content.type": "text",
        "llm.input_messages.1.message.contents.1.message_content.text": "What is this?",
        "llm.input_messages.2.message.role": "assistant",
        "llm.input_messages.2.message.contents.0.message_content.type": "text",
        "llm.input_messages.2.message.contents.0.message_content.text": "Let me check.",
        "llm.input_messages.2.message.tool_calls.0.tool_call.id": "toolu_1",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.name": "lookup",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments": '{"q":"png"}',
        "llm.input_messages.3.message.role": "tool",
        "llm.input_messages.3.message.content": "A 1x1 pixel",
        "llm.input_messages.3.message.tool_call_id": "toolu_1",
        "llm.input_messages.4.message.role": "user",
        "llm.input_messages.4.message.contents.0.message_content.type": "text",
        "llm.input_messages.4.message.contents.0.message_content.text": "So?",
        "llm.tools.0.tool.json_schema":
          '{"name":"lookup","description":"Look something up","input_schema":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}',
        "llm.tools.0.tool.name": "lookup",
        "llm.tools.0.tool.description": "Look something up",
      },
    },
    {
      name: "AI SDK generateText options: gateway model string, system, reasoning, tool call and result; callbacks, signal and headers left out",
      request: aiSdkRequest,
      expected: {
        "llm.model_name": "openai/gpt-4o-mini",
        "llm.provider": "openai",
        "llm.system": "openai",
        "llm.invocation_parameters":
          '{"model":"openai/gpt-4o-mini","temperature":0.3,"maxOutputTokens":200,"seed":1,"stopSequences":["END"],"providerOptions":{"openai":{"parallelToolCalls":false}},"maxRetries":0}',
        "llm.input_messages.0.message.role": "system",
        "llm.input_messages.0.message.content": "You are helpful.",
        "llm.input_messages.1.message.role": "user",
        "llm.input_messages.1.message.contents.0.message_content.type": "text",
        "llm.input_messages.1.message.contents.0.message_content.text": "Weather?",
        "llm.input_messages.1.message.contents.1.message_content.type": "image",
        "llm.input_messages.1.message.contents.1.message_content.image.image.url": "https://example.com/a.png",
        "llm.input_messages.2.message.role": "assistant",
        "llm.input_messages.2.message.contents.0.message_content.type": "reasoning",
        "llm.input_messages.2.message.contents.0.message_content.text": "Need a tool.",
        "llm.input_messages.2.message.tool_calls.0.tool_call.id": "tc_1",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.name": "weather",
        "llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
        "llm.input_messages.3.message.role": "tool",
        "llm.input_messages.3.message.content": '{"tempC":18}',
        "llm.input_messages.3.message.name": "weather",
        "llm.input_messages.3.message.tool_call_id": "tc_1",
      },
    },
    {
      name: "a plain string prompt",
      request: "What is the capital of China?",
      expected: {
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.0.message.content": "What is the capital of China?",
      },
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(extractLlmRequest(c.request), c.expected);
    });
  }
});

describe("extractLlmRequest details", () => {
  test("AI SDK model objects give the model id and the provider from the provider id", () => {
    const attrs = extractLlmRequest({
      model: { specificationVersion: "v3", provider: "anthropic.messages", modelId: "claude-haiku-4-5" },
      prompt: "Hi",
    });
    assert.deepEqual(attrs, {
      "llm.model_name": "claude-haiku-4-5",
      "llm.provider": "anthropic",
      "llm.system": "anthropic",
      "llm.input_messages.0.message.role": "user",
      "llm.input_messages.0.message.content": "Hi",
    });
  });

  test("AI SDK tools keyed by name become OpenAI-style function JSON with zod 4 turned into JSON Schema", () => {
    const attrs = extractLlmRequest({
      model: "openai/gpt-4o",
      prompt: "Weather?",
      tools: {
        weather: {
          description: "Current weather",
          inputSchema: z.object({ city: z.string() }),
          execute: async () => "sunny",
        },
        search: { type: "provider", id: "openai.web_search", args: { searchContextSize: "low" }, inputSchema: {} },
      },
    });
    assert.equal(
      attrs["llm.tools.0.tool.json_schema"],
      '{"type":"function","function":{"name":"weather","description":"Current weather","parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}',
    );
    assert.equal(attrs["llm.tools.0.tool.name"], "weather");
    assert.equal(attrs["llm.tools.0.tool.description"], "Current weather");
    assert.equal(
      attrs["llm.tools.1.tool.json_schema"],
      '{"type":"provider","id":"openai.web_search","name":"search","args":{"searchContextSize":"low"}}',
    );
    assert.equal(attrs["llm.tools.1.tool.name"], "search");
  });

  test("AI SDK jsonSchema() wrappers are read through their jsonSchema property", () => {
    const wrapper = {
      [Symbol.for("vercel.ai.schema")]: true,
      _type: undefined,
      validate: undefined,
      jsonSchema: { type: "object", properties: { q: { type: "string" } } },
    };
    const attrs = extractLlmRequest({ prompt: "x", tools: { find: { inputSchema: wrapper } } });
    assert.equal(
      attrs["llm.tools.0.tool.json_schema"],
      '{"type":"function","function":{"name":"find","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}',
    );
  });

  test("legacy OpenAI functions are tools, and a legacy assistant function_call is recorded", () => {
    const attrs = extractLlmRequest({
      model: "gpt-3.5-turbo-0613",
      messages: [
        { role: "assistant", content: null, function_call: { name: "multiply", arguments: '{"a":23,"b":87}' } },
        { role: "function", name: "multiply", content: "2001" },
      ],
      functions: [{ name: "multiply", description: "a*b", parameters: { type: "object" } }],
    });
    assert.deepEqual(attrs, {
      "llm.model_name": "gpt-3.5-turbo-0613",
      "llm.invocation_parameters": '{"model":"gpt-3.5-turbo-0613"}',
      "llm.provider": "openai",
      "llm.system": "openai",
      "llm.input_messages.0.message.role": "assistant",
      "llm.input_messages.0.message.function_call_name": "multiply",
      "llm.input_messages.0.message.function_call_arguments_json": '{"a":23,"b":87}',
      "llm.input_messages.1.message.role": "function",
      "llm.input_messages.1.message.content": "2001",
      "llm.input_messages.1.message.name": "multiply",
      "llm.tools.0.tool.json_schema": '{"name":"multiply","description":"a*b","parameters":{"type":"object"}}',
      "llm.tools.0.tool.name": "multiply",
      "llm.tools.0.tool.description": "a*b",
    });
  });

  test("OpenAI input_audio parts become audio contents with a data URI and MIME type", () => {
    const attrs = extractLlmRequest({
      messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } }] }],
    });
    assert.deepEqual(attrs, {
      "llm.input_messages.0.message.role": "user",
      "llm.input_messages.0.message.contents.0.message_content.type": "audio",
      "llm.input_messages.0.message.contents.0.message_content.audio.audio.url": "data:audio/wav;base64,UklGRg==",
      "llm.input_messages.0.message.contents.0.message_content.audio.audio.mime_type": "audio/wav",
    });
  });

  test("responses input as a plain string is one user message; custom tool calls keep their raw input", () => {
    assert.deepEqual(extractLlmRequest({ model: "gpt-4.1", input: "Hello" }), {
      "llm.model_name": "gpt-4.1",
      "llm.invocation_parameters": '{"model":"gpt-4.1"}',
      "llm.provider": "openai",
      "llm.system": "openai",
      "llm.input_messages.0.message.role": "user",
      "llm.input_messages.0.message.content": "Hello",
    });
    const attrs = extractLlmRequest({
      input: [
        { type: "custom_tool_call", call_id: "c1", name: "sql", input: "SELECT 1" },
        { type: "custom_tool_call_output", call_id: "c1", output: "1" },
      ],
    });
    assert.deepEqual(attrs, {
      "llm.input_messages.0.message.role": "assistant",
      "llm.input_messages.0.message.tool_calls.0.tool_call.id": "c1",
      "llm.input_messages.0.message.tool_calls.0.tool_call.function.name": "sql",
      "llm.input_messages.0.message.tool_calls.0.tool_call.function.arguments": "SELECT 1",
      "llm.input_messages.1.message.role": "tool",
      "llm.input_messages.1.message.content": "1",
      "llm.input_messages.1.message.tool_call_id": "c1",
    });
  });

  test("consecutive responses function_call items form one assistant turn", () => {
    const attrs = extractLlmRequest({
      input: [
        { type: "function_call", call_id: "a", name: "f", arguments: "{}" },
        { type: "function_call", call_id: "b", name: "g", arguments: "{}" },
      ],
    });
    assert.equal(attrs["llm.input_messages.0.message.tool_calls.1.tool_call.id"], "b");
    assert.equal(attrs["llm.input_messages.1.message.role"], undefined);
  });

  test("AI SDK binary images become data URIs; string images without a media type stay as given", () => {
    const attrs = extractLlmRequest({
      messages: [
        {
          role: "user",
          content: [
            { type: "image", image: new Uint8Array([1, 2, 3]), mediaType: "image/png" },
            { type: "image", image: "AQID" },
            { type: "file", data: "AQID", mediaType: "image/jpeg" },
            { type: "file", data: "JVBERi0=", mediaType: "application/pdf" },
          ],
        },
      ],
    });
    assert.deepEqual(attrs, {
      "llm.input_messages.0.message.role": "user",
      "llm.input_messages.0.message.contents.0.message_content.type": "image",
      "llm.input_messages.0.message.contents.0.message_content.image.image.url": "data:image/png;base64,AQID",
      "llm.input_messages.0.message.contents.1.message_content.type": "image",
      "llm.input_messages.0.message.contents.1.message_content.image.image.url": "AQID",
      "llm.input_messages.0.message.contents.2.message_content.type": "image",
      "llm.input_messages.0.message.contents.2.message_content.image.image.url": "data:image/jpeg;base64,AQID",
    });
  });

  test("token-id prompts of the legacy API are skipped, string arrays become user messages", () => {
    assert.deepEqual(extractLlmRequest({ prompt: [[1, 2, 3]] }), {});
    assert.deepEqual(extractLlmRequest({ prompt: ["a", "b"] }), {
      "llm.input_messages.0.message.role": "user",
      "llm.input_messages.0.message.content": "a",
      "llm.input_messages.1.message.role": "user",
      "llm.input_messages.1.message.content": "b",
    });
  });

  test("does not mutate a deeply frozen request and gives the same answer twice", () => {
    const frozen = deepFreeze(structuredClone(anthropicRequest));
    const before = JSON.stringify(frozen);
    const first = extractLlmRequest(frozen);
    assert.equal(JSON.stringify(frozen), before);
    assert.deepEqual(extractLlmRequest(frozen), first);
  });
});

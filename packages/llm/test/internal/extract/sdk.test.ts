// The extractors on what the real SDKs return: openai, @anthropic-ai/sdk and the AI SDK, each
// talking HTTP to the LLM stand-in on 127.0.0.1 replaying recorded fixtures. Proves the fixtures' shapes survive the SDKs'
// own parsing (classes, added fields such as `output_text`, stream objects).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createOpenAI } from "@ai-sdk/openai";
import Anthropic from "@anthropic-ai/sdk";
import { generateText, jsonSchema, streamText, tool } from "ai";
import OpenAI from "openai";
import { z } from "zod";
import { extractLlmRequest } from "../../../dist/esm/internal/extract/request.js";
import { extractLlmResponse } from "../../../dist/esm/internal/extract/response.js";
import { createStreamAggregator } from "../../../dist/esm/internal/extract/stream.js";
import { EXPECTED_ANTHROPIC, EXPECTED_CHAT, EXPECTED_COMPLETION, EXPECTED_RESPONSES } from "./expected.js";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import type { StandIn } from "@calltree-internal/llm-stand-in";
import {
  anthropicEvents,
  anthropicMessage,
  anthropicRequest,
  openAiChatChunks,
  openAiChatCompletion,
  openAiChatRequest,
  openAiCompletion,
  openAiCompletionChunks,
  openAiCompletionRequest,
  openAiResponse,
  openAiResponseEvents,
  openAiResponsesRequest,
} from "./fixtures.js";

/** The recorded fixtures the stand-in replays on each endpoint: the JSON answer, or the events as a stream. */
const RECORDED: Record<string, { json: unknown; events: readonly unknown[] }> = {
  "/v1/chat/completions": { json: openAiChatCompletion, events: openAiChatChunks },
  "/v1/completions": { json: openAiCompletion, events: openAiCompletionChunks },
  "/v1/responses": { json: openAiResponse, events: openAiResponseEvents },
  "/v1/messages": { json: anthropicMessage, events: anthropicEvents },
};

let server: StandIn;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  server = await startStandIn({
    respond: ({ path, body }) => {
      const recorded = RECORDED[path.split("?")[0] ?? ""];
      if (recorded === undefined) return undefined;
      return (body as { stream?: unknown }).stream === true ? { events: recorded.events } : { json: recorded.json };
    },
  });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: "sk-ant-test", maxRetries: 0 });
});

after(async () => {
  await server.close();
});

async function aggregateStream(stream: AsyncIterable<unknown>, request?: unknown): Promise<Record<string, unknown>> {
  const agg = createStreamAggregator(request === undefined ? undefined : { request });
  for await (const chunk of stream) agg.push(chunk);
  return agg.attributes();
}

describe("openai@6 SDK", () => {
  test("chat.completions.create: response and stream give the same attributes", async () => {
    const completion = await openai.chat.completions.create(openAiChatRequest);
    assert.deepEqual(extractLlmResponse(completion), EXPECTED_CHAT);
    const stream = await openai.chat.completions.create({ ...openAiChatRequest, stream: true, stream_options: { include_usage: true } });
    assert.deepEqual(await aggregateStream(stream), EXPECTED_CHAT);
  });

  test("completions.create (legacy): response and stream", async () => {
    assert.deepEqual(extractLlmResponse(await openai.completions.create(openAiCompletionRequest)), EXPECTED_COMPLETION);
    const stream = await openai.completions.create({ ...openAiCompletionRequest, stream: true });
    assert.deepEqual(await aggregateStream(stream), EXPECTED_COMPLETION);
  });

  test("responses.create: response (with the SDK's added output_text) and stream", async () => {
    const response = await openai.responses.create(openAiResponsesRequest);
    assert.equal(response.output_text, "18°C in Paris.");
    assert.deepEqual(extractLlmResponse(response), EXPECTED_RESPONSES);
    const stream = await openai.responses.create({ ...openAiResponsesRequest, stream: true });
    assert.deepEqual(await aggregateStream(stream), EXPECTED_RESPONSES);
  });

  test("the request the SDK sent over the wire reads like the one the app passed", async () => {
    await openai.chat.completions.create(openAiChatRequest);
    const sent = server.requests.at(-1)!;
    assert.equal(sent.path, "/v1/chat/completions");
    assert.deepEqual(extractLlmRequest(sent.body), extractLlmRequest(openAiChatRequest));
  });
});

describe("@anthropic-ai/sdk", () => {
  test("messages.create: response and raw event stream give the same attributes", async () => {
    const message = await anthropic.messages.create(anthropicRequest);
    assert.deepEqual(extractLlmResponse(message), EXPECTED_ANTHROPIC);
    const stream = await anthropic.messages.create({ ...anthropicRequest, stream: true });
    assert.deepEqual(await aggregateStream(stream), EXPECTED_ANTHROPIC);
  });

  test("messages.stream helper: events and finalMessage() agree", async () => {
    const stream = anthropic.messages.stream(anthropicRequest);
    const agg = createStreamAggregator();
    for await (const event of stream) agg.push(event);
    assert.deepEqual(agg.attributes(), EXPECTED_ANTHROPIC);
    assert.deepEqual(extractLlmResponse(await stream.finalMessage()), EXPECTED_ANTHROPIC);
  });
});

describe("ai@6 (Vercel AI SDK) with @ai-sdk/openai", () => {
  const provider = (): ReturnType<typeof createOpenAI> => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test" });
  const tools = {
    get_weather: tool({ description: "Current weather", inputSchema: z.object({ city: z.string() }) }),
  };

  const EXPECTED_AI_SDK_CHAT: Record<string, unknown> = {
    "llm.output_messages.0.message.role": "assistant",
    "llm.output_messages.0.message.content": "Checking both cities.",
    "llm.output_messages.0.message.tool_calls.0.tool_call.id": "call_a",
    "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "get_weather",
    "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"city":"Paris"}',
    "llm.output_messages.0.message.tool_calls.1.tool_call.id": "call_b",
    "llm.output_messages.0.message.tool_calls.1.tool_call.function.name": "get_weather",
    "llm.output_messages.0.message.tool_calls.1.tool_call.function.arguments": '{"city":"Lyon"}',
    "llm.token_count.prompt": 1200,
    "llm.token_count.completion": 40,
    "llm.token_count.total": 1240,
    "llm.token_count.prompt_details.cache_read": 1024,
    "llm.token_count.completion_details.reasoning": 0,
    "llm.finish_reason": "tool_calls",
    "llm.model_name": "gpt-4o-mini-2024-07-18",
    "llm.request.model_name": "gpt-4o-mini",
    "llm.response.model_name": "gpt-4o-mini-2024-07-18",
    "llm.provider": "openai",
    "llm.system": "openai",
  };

  test("generateText: the real options and result object (getters read at most once)", async () => {
    const options = {
      model: provider().chat("gpt-4o-mini"),
      system: "You are a weather bot.",
      prompt: "Weather in Paris and Lyon?",
      tools,
      temperature: 0.2,
      maxRetries: 0,
    };
    const result = await generateText(options);
    const reads = new Map<PropertyKey, number>();
    const spied = new Proxy(result, {
      get(target, key) {
        reads.set(key, (reads.get(key) ?? 0) + 1);
        // The getters run against the real object, so only the extractor's own reads count.
        return Reflect.get(target, key, target) as unknown;
      },
    });
    assert.deepEqual(extractLlmResponse(spied, options), EXPECTED_AI_SDK_CHAT);
    for (const [key, n] of reads) assert.ok(n <= 1, `${String(key)} read ${n} times`);

    assert.deepEqual(extractLlmRequest(options), {
      "llm.model_name": "gpt-4o-mini",
      "llm.provider": "openai",
      "llm.system": "openai",
      "llm.invocation_parameters": '{"temperature":0.2,"maxRetries":0}',
      "llm.input_messages.0.message.role": "system",
      "llm.input_messages.0.message.content": "You are a weather bot.",
      "llm.input_messages.1.message.role": "user",
      "llm.input_messages.1.message.content": "Weather in Paris and Lyon?",
      "llm.tools.0.tool.json_schema":
        '{"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}',
      "llm.tools.0.tool.name": "get_weather",
      "llm.tools.0.tool.description": "Current weather",
    });
  });

  test("streamText: fullStream parts aggregate to what generateText's result gives", async () => {
    const options = { model: provider().chat("gpt-4o-mini"), prompt: "Weather in Paris and Lyon?", tools, maxRetries: 0 };
    const result = streamText(options);
    assert.deepEqual(await aggregateStream(result.fullStream, options), EXPECTED_AI_SDK_CHAT);
  });

  test("tools built with jsonSchema() are described from their JSON Schema", () => {
    const attrs = extractLlmRequest({
      model: provider().chat("gpt-4o-mini"),
      prompt: "x",
      tools: { lookup: tool({ description: "Look up", inputSchema: jsonSchema<{ q: string }>({ type: "object", properties: { q: { type: "string" } } }) }) },
    });
    assert.equal(
      attrs["llm.tools.0.tool.json_schema"],
      '{"type":"function","function":{"name":"lookup","description":"Look up","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}',
    );
  });
});

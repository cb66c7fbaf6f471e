import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { startStandIn } from "./index.js";

const weatherTool: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather in a city",
  input_schema: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] },
};

function client(baseURL: string, extra: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}): Anthropic {
  // The SDK traces its own calls through the global OTel API unless told not to.
  return new Anthropic({ baseURL, apiKey: "sk-ant-secret", openTelemetry: false, ...extra });
}

describe("anthropic messages", () => {
  test("a non-streamed message follows the rules and reports cache usage apart from input tokens", async () => {
    await using standIn = await startStandIn({ usage: { cachedTokens: 3, cacheCreationTokens: 2 } });
    const message = await client(standIn.anthropicBaseURL).messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      system: "You are terse.",
      messages: [{ role: "user", content: "What is the capital of China?" }],
    });
    assert.equal(message.id, "msg_standin_1");
    assert.equal(message.model, "claude-sonnet-4-5");
    assert.equal(message.stop_reason, "end_turn");
    assert.deepEqual(message.content, [{ type: "text", text: "Beijing", citations: null }]);
    // 4 system + 7 user tokens = 11, of which 3 read from and 2 written to the cache.
    assert.equal(message.usage.input_tokens, 6);
    assert.equal(message.usage.cache_read_input_tokens, 3);
    assert.equal(message.usage.cache_creation_input_tokens, 2);
    assert.equal(message.usage.output_tokens, 1);
  });

  test("a streamed message sends the real event sequence and the SDK accumulates it", async () => {
    await using standIn = await startStandIn({ reply: () => "Hello from the stand-in" });
    const anthropic = client(standIn.anthropicBaseURL);
    const raw = await anthropic.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 64,
      stream: true,
      messages: [{ role: "user", content: "Greet me" }],
    });
    const events = [];
    for await (const event of raw) events.push(event);
    assert.deepEqual(events.map((e) => e.type), [
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const start = events[0];
    assert.equal(start?.type === "message_start" ? start.message.usage.input_tokens : undefined, 2);
    const delta = events.find((e) => e.type === "message_delta");
    assert.deepEqual(delta?.type === "message_delta" ? [delta.delta.stop_reason, delta.usage.output_tokens] : undefined, ["end_turn", 6]);

    const stream = anthropic.messages.stream({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "Greet me" }] });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    const final = await stream.finalMessage();
    assert.deepEqual(texts, ["Hello ", "from ", "the ", "stand-in"]);
    assert.deepEqual(final.content, [{ type: "text", text: "Hello from the stand-in", citations: null }]);
    assert.equal(final.usage.output_tokens, 6);
    assert.equal(final.usage.input_tokens, 2);
    assert.equal(final.stop_reason, "end_turn");
  });

  test("with tools it answers with a tool_use block, streamed and not", async () => {
    await using standIn = await startStandIn();
    const anthropic = client(standIn.anthropicBaseURL);
    const request: Anthropic.MessageCreateParamsNonStreaming = {
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      tools: [weatherTool],
      messages: [{ role: "user", content: "What's the weather in Lisbon for 3 days?" }],
    };
    const message = await anthropic.messages.create(request);
    assert.equal(message.stop_reason, "tool_use");
    assert.deepEqual(message.content, [
      { type: "tool_use", id: "toolu_standin_2", name: "get_weather", input: { city: "Lisbon", days: 3 }, caller: { type: "direct" } },
    ]);

    const final = await anthropic.messages.stream(request).finalMessage();
    const block = final.content[0];
    assert.equal(block?.type, "tool_use");
    assert.deepEqual(block?.type === "tool_use" ? block.input : undefined, { city: "Lisbon", days: 3 });
    assert.equal(final.stop_reason, "tool_use");
  });

  test("parallelToolCalls: one message with a tool_use block per offered tool, streamed and not, unless disable_parallel_tool_use", async () => {
    await using standIn = await startStandIn({ parallelToolCalls: true });
    const anthropic = client(standIn.anthropicBaseURL);
    const timeTool = { name: "get_time", description: "Local time", input_schema: { type: "object" as const, properties: { city: { type: "string" } } } };
    const request: Anthropic.MessageCreateParamsNonStreaming = {
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      tools: [weatherTool, timeTool],
      messages: [{ role: "user", content: "What's the weather in Lisbon for 3 days?" }],
    };
    const uses = (m: Anthropic.Message) => m.content.map((b) => (b.type === "tool_use" ? [b.name, b.input] : []));
    const both = [["get_weather", { city: "Lisbon", days: 3 }], ["get_time", { city: "Lisbon" }]];
    assert.deepEqual(uses(await anthropic.messages.create(request)), both);
    assert.deepEqual(uses(await anthropic.messages.stream(request).finalMessage()), both);
    assert.deepEqual(uses(await anthropic.messages.create({ ...request, tool_choice: { type: "auto", disable_parallel_tool_use: true } })), both.slice(0, 1));
  });

  test("after a tool_result it answers with the result", async () => {
    await using standIn = await startStandIn();
    const message = await client(standIn.anthropicBaseURL).messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "What's the weather in Lisbon?" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Lisbon" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny, 24°C" }] },
      ],
    });
    assert.deepEqual(message.content, [{ type: "text", text: "Tool get_weather returned: sunny, 24°C", citations: null }]);
  });

  test("faults raise the SDK's error classes with Anthropic's error body", async () => {
    await using standIn = await startStandIn();
    const anthropic = client(standIn.anthropicBaseURL, { maxRetries: 0 });
    await assert.rejects(
      anthropic.messages.create({ model: "claude#status=429", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }),
      (error: unknown) => {
        assert.ok(error instanceof Anthropic.RateLimitError);
        assert.equal(error.status, 429);
        assert.deepEqual(error.error, { type: "error", error: { type: "rate_limit_error", message: "Injected fault: HTTP 429." } });
        assert.equal(error.requestID, "req_standin_1");
        return true;
      },
    );
    await assert.rejects(
      anthropic.messages.create({ model: "claude#status=529", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }),
      (error: unknown) => error instanceof Anthropic.APIError && error.status === 529,
    );
  });

  test("a broken stream makes the SDK's stream fail after the events already sent", async () => {
    await using standIn = await startStandIn({ reply: () => "one two three four" });
    const stream = client(standIn.anthropicBaseURL, { maxRetries: 0 }).messages.stream({
      model: "claude#break=4",
      max_tokens: 64,
      messages: [{ role: "user", content: "hi" }],
    });
    const texts: string[] = [];
    stream.on("text", (t) => texts.push(t));
    await assert.rejects(stream.finalMessage());
    // message_start, content_block_start, ping, then one text delta.
    assert.deepEqual(texts, ["one "]);
  });

  test("a request without max_tokens is rejected as the real API does", async () => {
    await using standIn = await startStandIn();
    const response = await fetch(`${standIn.anthropicBaseURL}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "claude", messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } });
  });
});

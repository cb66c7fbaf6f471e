import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";
import { startStandIn } from "./index.js";

function provider(baseURL: string) {
  return createOpenAICompatible({ name: "standin", baseURL, apiKey: "sk-test-secret", includeUsage: true });
}

const weather = tool({
  description: "Current weather in a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 21 }),
});

describe("Vercel AI SDK with @ai-sdk/openai-compatible", () => {
  test("generateText gets the answer and the usage", async () => {
    await using standIn = await startStandIn();
    const result = await generateText({
      model: provider(standIn.openaiBaseURL).chatModel("gpt-4o-mini"),
      prompt: "What is the capital of China?",
    });
    assert.equal(result.text, "Beijing");
    assert.equal(result.finishReason, "stop");
    assert.equal(result.usage.inputTokens, 7);
    assert.equal(result.usage.outputTokens, 1);
    assert.equal(result.response.modelId, "gpt-4o-mini");
    assert.equal(standIn.requests[0]?.path, "/v1/chat/completions");
  });

  test("streamText streams the text and reports usage from the include_usage chunk", async () => {
    await using standIn = await startStandIn({ reply: () => "Streaming works fine" });
    const result = streamText({ model: provider(standIn.openaiBaseURL).chatModel("gpt-4o-mini"), prompt: "Go" });
    const parts: string[] = [];
    for await (const part of result.textStream) parts.push(part);
    assert.deepEqual(parts, ["Streaming ", "works ", "fine"]);
    assert.equal((await result.usage).outputTokens, 3);
    assert.equal((await result.usage).inputTokens, 1);
    const body = standIn.requests[0]?.body as { stream?: boolean; stream_options?: unknown };
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  test("generateText runs a tool call, executes the tool and answers with its result", async () => {
    await using standIn = await startStandIn();
    const result = await generateText({
      model: provider(standIn.openaiBaseURL).chatModel("gpt-4o-mini"),
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
      prompt: "What's the weather in Paris?",
    });
    assert.equal(result.steps.length, 2);
    const call = result.steps[0]?.toolCalls[0];
    assert.equal(call?.toolName, "get_weather");
    assert.deepEqual(call?.input, { city: "Paris" });
    assert.equal(result.text, 'Tool get_weather returned: {"city":"Paris","celsius":21}');
    assert.equal(standIn.requests.length, 2);
  });

  test("streamText with tools assembles streamed tool-call deltas", async () => {
    await using standIn = await startStandIn();
    const result = streamText({
      model: provider(standIn.openaiBaseURL).chatModel("gpt-4o-mini"),
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
      prompt: "What's the weather in Rome?",
    });
    assert.equal(await result.text, 'Tool get_weather returned: {"city":"Rome","celsius":21}');
    const steps = await result.steps;
    assert.deepEqual(steps[0]?.toolCalls.map((c) => [c.toolName, c.input]), [["get_weather", { city: "Rome" }]]);
  });
});

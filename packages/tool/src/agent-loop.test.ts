import { describe, test } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { z } from "zod";
import { captureTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { callTool, toAnthropicTools, tool, toolsOf } from "./index.js";

// A whole tool loop with the real SDKs against the local stand-in: the tools go out exactly as toolsOf() builds
// them (and type-check as the SDKs' own tool types), the model's tool call comes back in the SDK's own shape and
// callTool() runs it, recording tool.id. The stand-in calls the first tool offered with arguments fitted to its
// schema ("weather in Paris?" -> {"city":"Paris"}), then quotes the tool result.
class Assistant {
  @tool({ description: "Current weather in a city", parameters: z.object({ city: z.string().describe("City name") }) })
  async weather(args: { city: string }) {
    return { city: args.city, sky: "clear" };
  }

  @tool({ description: "Local time", parameters: z.object({ tz: z.string() }) })
  time(args: { tz: string }) {
    return `12:00 ${args.tz}`;
  }
}

const weatherTool = {
  type: "function",
  function: {
    name: "weather",
    description: "Current weather in a city",
    parameters: { type: "object", properties: { city: { type: "string", description: "City name" } }, required: ["city"] },
  },
};

describe("a tool loop with the real SDKs", () => {
  test("OpenAI Chat Completions: toolsOf() out, callTool() on the returned tool call", async () => {
    await using standIn = await startStandIn();
    using traces = captureTraces();
    const client = new OpenAI({ baseURL: standIn.openaiBaseURL, apiKey: "sk-test" });
    const assistant = new Assistant();
    const tools: OpenAI.ChatCompletionTool[] = toolsOf(assistant);
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "What is the weather in Paris?" }];
    const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
    const message = first.choices[0]!.message;
    const call = message.tool_calls?.[0];
    assert.ok(call !== undefined && call.type === "function");
    const result = await callTool(assistant, call);
    assert.deepEqual(result, { city: "Paris", sky: "clear" });
    messages.push(message, { role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
    const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
    assert.equal(second.choices[0]!.message.content, 'Tool weather returned: {"city":"Paris","sky":"clear"}');

    const sent = standIn.requests[0]!.body as { tools: unknown[] };
    assert.deepEqual(sent.tools[0], weatherTool);
    const span = traces.get({ name: "Assistant.weather" });
    assert.equal(span.attributes["tool.id"], call.id);
    assert.equal(span.attributes["input.value"], '{"city":"Paris"}');
    assert.equal(span.attributes["output.value"], '{"city":"Paris","sky":"clear"}');
  });

  test("OpenAI Responses: flattened tools out, callTool() on the function_call item (call_id)", async () => {
    await using standIn = await startStandIn();
    using traces = captureTraces();
    const client = new OpenAI({ baseURL: standIn.openaiBaseURL, apiKey: "sk-test" });
    const assistant = new Assistant();
    const tools: OpenAI.Responses.FunctionTool[] = toolsOf(assistant).map((t) => ({
      type: "function",
      name: t.function.name,
      description: t.function.description ?? null,
      parameters: t.function.parameters ?? null,
      strict: false,
    }));
    const response = await client.responses.create({ model: "gpt-4o-mini", input: "What is the weather in Lima?", tools });
    const item = response.output.find((o) => o.type === "function_call");
    assert.ok(item !== undefined && item.type === "function_call");
    assert.deepEqual(await callTool(assistant, item), { city: "Lima", sky: "clear" });
    assert.equal(traces.get({ name: "Assistant.weather" }).attributes["tool.id"], item.call_id);
  });

  test("Anthropic Messages: toAnthropicTools() out, callTool() on the tool_use block", async () => {
    await using standIn = await startStandIn();
    using traces = captureTraces();
    const client = new Anthropic({ baseURL: standIn.anthropicBaseURL, apiKey: "sk-test", openTelemetry: false });
    const assistant = new Assistant();
    const tools: Anthropic.Tool[] = toAnthropicTools(toolsOf(assistant));
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "What is the weather in Kyoto?" }];
    const first = await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 256, messages, tools });
    const use = first.content.find((b) => b.type === "tool_use");
    assert.ok(use !== undefined && use.type === "tool_use");
    const result = await callTool(assistant, use);
    messages.push(
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: JSON.stringify(result) }] },
    );
    const second = await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 256, messages, tools });
    const text = second.content.find((b) => b.type === "text");
    assert.equal(text?.type === "text" ? text.text : undefined, 'Tool weather returned: {"city":"Kyoto","sky":"clear"}');

    const sent = standIn.requests[0]!.body as { tools: unknown[] };
    assert.deepEqual(sent.tools[0], {
      name: "weather",
      description: "Current weather in a city",
      input_schema: weatherTool.function.parameters,
    });
    const span = traces.get({ name: "Assistant.weather" });
    assert.equal(span.attributes["tool.id"], use.id);
    assert.equal(span.attributes["input.value"], '{"city":"Kyoto"}');
  });
});

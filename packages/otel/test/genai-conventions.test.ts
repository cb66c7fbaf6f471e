import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { defineKind } from "@calltree/core/kind";
import { register } from "@calltree/otel";
import type { Conventions } from "@calltree/otel";
import { GEN_AI, GEN_AI_OPERATION } from "../dist/esm/internal/genai-conventions.js";
import { startReceiver } from "@calltree-internal/otlp-receiver";
import { inSpan, tracerOf, withEnv } from "./util.js";

// What @calltree/llm writes for a streamed tool call answered by another model than the one asked for.
const LLM_ATTRIBUTES: Attributes = {
  "llm.model_name": "gpt-4o-mini-2024-07-18",
  "llm.request.model_name": "gpt-4o-mini",
  "llm.response.model_name": "gpt-4o-mini-2024-07-18",
  "llm.provider": "openai",
  "llm.system": "openai",
  "llm.token_count.prompt": 30,
  "llm.token_count.completion": 12,
  "llm.token_count.total": 42,
  "llm.token_count.prompt_details.cache_read": 20,
  "llm.token_count.completion_details.reasoning": 4,
  "llm.finish_reason": "tool_calls",
  "llm.cost.total": 0.0001,
  "session.id": "conversation-42",
  "input.value": "Weather in Paris?",
  "llm.input_messages.0.message.role": "system",
  "llm.input_messages.0.message.content": "Be brief.",
  "llm.input_messages.1.message.role": "user",
  "llm.input_messages.1.message.contents.0.message_content.type": "text",
  "llm.input_messages.1.message.contents.0.message_content.text": "Weather in Paris?",
  "llm.input_messages.1.message.contents.1.message_content.type": "image",
  "llm.input_messages.1.message.contents.1.message_content.image.image.url": "https://example.com/paris.png",
  "llm.output_messages.0.message.role": "assistant",
  "llm.output_messages.0.message.tool_calls.0.tool_call.id": "call_1",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "weather",
  "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": "{\"city\":\"Paris\"}",
};

async function exportOne(conventions: Conventions | undefined, attributes: Attributes, kind = "LLM") {
  await using server = await startReceiver();
  const tracing = register({ endpoint: server.origin, logLevel: "silent", ...(conventions ? { conventions } : {}) });
  inSpan(tracerOf(), "Assistant.ask", kind, (span) => span.setAttributes(attributes));
  await tracing.shutdown();
  const [span] = server.spans();
  assert.ok(span, "one span exported");
  return span.attributes;
}

describe("register({ conventions })", () => {
  test("the gen_ai.* names written are OpenTelemetry's own constants", async () => {
    const semconv: Record<string, unknown> = await import("@opentelemetry/semantic-conventions/incubating");
    for (const [name, value] of Object.entries(GEN_AI)) assert.equal(value, semconv[`ATTR_GEN_AI_${name}`], name);
    for (const [name, value] of Object.entries(GEN_AI_OPERATION)) {
      assert.equal(value, semconv[`GEN_AI_OPERATION_NAME_VALUE_${name}`], name);
    }
  });

  test("by default (openinference) an LLM span carries no gen_ai.* attribute", async () => {
    const attributes = await exportOne(undefined, LLM_ATTRIBUTES);
    assert.deepEqual(Object.keys(attributes).filter((k) => k.startsWith("gen_ai.")), []);
    assert.equal(attributes["llm.token_count.total"], 42);
  });

  test('"both" writes gen_ai.* from the same data and keeps every OpenInference key Phoenix reads', async () => {
    const attributes = await exportOne("both", LLM_ATTRIBUTES);
    for (const [key, value] of Object.entries(LLM_ATTRIBUTES)) assert.deepEqual(attributes[key], value, key);
    assert.equal(attributes["openinference.span.kind"], "LLM");
    assert.equal(attributes["gen_ai.operation.name"], "chat");
    assert.equal(attributes["gen_ai.provider.name"], "openai");
    assert.equal(attributes["gen_ai.system"], "openai");
    assert.equal(attributes["gen_ai.request.model"], "gpt-4o-mini");
    assert.equal(attributes["gen_ai.response.model"], "gpt-4o-mini-2024-07-18");
    assert.equal(attributes["gen_ai.usage.input_tokens"], 30);
    assert.equal(attributes["gen_ai.usage.output_tokens"], 12);
    assert.equal(attributes["gen_ai.usage.cache_read.input_tokens"], 20);
    assert.equal(attributes["gen_ai.usage.reasoning.output_tokens"], 4);
    assert.deepEqual(attributes["gen_ai.response.finish_reasons"], ["tool_calls"]);
    assert.equal(attributes["gen_ai.conversation.id"], "conversation-42");
    assert.deepEqual(JSON.parse(String(attributes["gen_ai.input.messages"])), [
      { role: "system", parts: [{ type: "text", content: "Be brief." }] },
      { role: "user", parts: [
        { type: "text", content: "Weather in Paris?" },
        { type: "uri", modality: "image", uri: "https://example.com/paris.png" },
      ] },
    ]);
    assert.deepEqual(JSON.parse(String(attributes["gen_ai.output.messages"])), [
      { role: "assistant", finish_reason: "tool_calls", parts: [
        { type: "tool_call", id: "call_1", name: "weather", arguments: { city: "Paris" } },
      ] },
    ]);
  });

  test('"genai" replaces the llm.* keys it maps and keeps span kind, input, session and cost', async () => {
    const attributes = await exportOne("genai", LLM_ATTRIBUTES);
    assert.equal(attributes["gen_ai.usage.input_tokens"], 30);
    assert.equal(attributes["gen_ai.response.model"], "gpt-4o-mini-2024-07-18");
    const llmKeys = Object.keys(attributes).filter((k) => k.startsWith("llm."));
    assert.deepEqual(llmKeys, ["llm.cost.total"]);
    assert.equal(attributes["openinference.span.kind"], "LLM");
    assert.equal(attributes["input.value"], "Weather in Paris?");
    assert.equal(attributes["session.id"], "conversation-42");
  });

  test('"genai": a decorated call still reads a nested span\'s OpenInference usage (removed only after core has seen it)', async () => {
    const seen: unknown[] = [];
    const parent = defineKind({
      name: "parentLlm",
      spanKind: "LLM",
      onChildSpan: (child) => { seen.push(child.attributes["llm.token_count.prompt"]); },
    });
    await using server = await startReceiver();
    const tracing = register({ endpoint: server.origin, logLevel: "silent", conventions: "genai" });
    parent.wrap(() => inSpan(tracerOf(), "OpenAI Chat Completions", "LLM", (span) => span.setAttributes(LLM_ATTRIBUTES)), { name: "ask" })();
    await tracing.shutdown();
    assert.deepEqual(seen, [30]);
    const child = server.spans().find((s) => s.name === "OpenAI Chat Completions");
    assert.equal(child?.attributes["gen_ai.usage.input_tokens"], 30);
    assert.equal(child?.attributes["llm.token_count.prompt"], undefined);
  });

  test("gen_ai.* another library already wrote on its span is never overwritten", async () => {
    const attributes = await exportOne("both", { ...LLM_ATTRIBUTES, "gen_ai.usage.input_tokens": 31, "gen_ai.provider.name": "anthropic" });
    assert.equal(attributes["gen_ai.usage.input_tokens"], 31);
    assert.equal(attributes["gen_ai.provider.name"], "anthropic");
    assert.equal(attributes["gen_ai.usage.output_tokens"], 12);
  });

  test("tool and agent spans get their operation and names", async () => {
    const tool = await exportOne("both", { "tool.name": "weather", "tool.description": "Current weather" }, "TOOL");
    assert.equal(tool["gen_ai.operation.name"], "execute_tool");
    assert.equal(tool["gen_ai.tool.name"], "weather");
    assert.equal(tool["gen_ai.tool.description"], "Current weather");
    const agent = await exportOne("both", { "agent.name": "planner" }, "AGENT");
    assert.equal(agent["gen_ai.operation.name"], "invoke_agent");
    assert.equal(agent["gen_ai.agent.name"], "planner");
    const chain = await exportOne("both", { "input.value": "x" }, "CHAIN");
    assert.deepEqual(Object.keys(chain).filter((k) => k.startsWith("gen_ai.")), []);
  });

  test("CALLTREE_CONVENTIONS sets it; the option wins; wrong values fail at setup", async () => {
    await withEnv({ CALLTREE_CONVENTIONS: "Both" }, async () => {
      const attributes = await exportOne(undefined, LLM_ATTRIBUTES);
      assert.equal(attributes["gen_ai.usage.input_tokens"], 30);
      assert.equal(attributes["llm.token_count.prompt"], 30);
      const only = await exportOne("openinference", LLM_ATTRIBUTES);
      assert.equal(only["gen_ai.usage.input_tokens"], undefined);
    });
    await withEnv({ CALLTREE_CONVENTIONS: "otel" }, () => {
      assert.throws(() => register({ logLevel: "silent" }), { name: "CalltreeError", code: "INVALID_ENVIRONMENT", message: /CALLTREE_CONVENTIONS/ });
    });
    assert.throws(() => register({ conventions: "gen_ai" as never }), { name: "CalltreeError", code: "INVALID_OPTIONS", message: /conventions/ });
  });
});

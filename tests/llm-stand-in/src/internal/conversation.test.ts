import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { argumentsFor, decide, usageFor, type Conversation } from "./conversation.js";
import { builtInAnswer, chunkText, countTokens } from "./text.js";

function conversation(partial: Partial<Conversation>): Conversation {
  return { api: "openai.chat", model: "m", turns: [], tools: [], toolChoice: "auto", body: {}, ...partial };
}

describe("built-in answers", () => {
  test("capitals are answered by name, case and article aside; anything else is echoed", () => {
    assert.equal(builtInAnswer("What is the capital of China?"), "Beijing");
    assert.equal(builtInAnswer("capital city of JAPAN"), "Tokyo");
    assert.equal(builtInAnswer("Capital of the United Kingdom?"), "London");
    assert.equal(builtInAnswer("capital of Atlantis"), "You said: capital of Atlantis");
    assert.equal(builtInAnswer(""), "You said: ");
  });

  test("tokens are words and punctuation marks", () => {
    assert.equal(countTokens("What is the capital of China?"), 7);
    assert.equal(countTokens("  "), 0);
    assert.equal(countTokens("Zürich, 24°C"), 5);
  });

  test("chunks keep their spaces and join back to the text", () => {
    assert.deepEqual(chunkText("You said: hi  there"), ["You ", "said: ", "hi  ", "there"]);
    assert.deepEqual(chunkText(""), []);
  });
});

describe("tool arguments", () => {
  test("strings take the last capitalized word after the first, numbers the text's numbers in order", () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string" },
        days: { type: "integer" },
        ratio: { type: "number" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        detailed: { type: "boolean" },
        tags: { type: "array", items: { type: "string" } },
        note: { anyOf: [{ type: "null" }, { type: "string" }] },
        nested: { type: "object", properties: { flag: { type: "boolean" } } },
      },
    };
    assert.deepEqual(argumentsFor(schema, "Weather in New York for 3 days at 0.5"), {
      city: "York",
      days: 3,
      ratio: 0.5,
      unit: "celsius",
      detailed: true,
      tags: [],
      note: "York",
      nested: { flag: true },
    });
  });

  test("without capitals the last word is used; a missing schema gives no arguments", () => {
    assert.deepEqual(argumentsFor({ type: "object", properties: { q: { type: "string" } } }, "look up penguins"), { q: "penguins" });
    assert.deepEqual(argumentsFor(undefined, "x"), {});
  });
});

describe("decide", () => {
  test("a user message with tools leads to a tool call unless tool_choice is none", () => {
    const tools = [{ name: "search", parameters: { type: "object", properties: { q: { type: "string" } } } }];
    const turns = [{ role: "user" as const, text: "Find Oslo" }];
    assert.deepEqual(decide(conversation({ turns, tools }), undefined), { type: "tool_call", calls: [{ name: "search", arguments: '{"q":"Oslo"}' }] });
    assert.deepEqual(decide(conversation({ turns, tools, toolChoice: "none" }), undefined), { type: "text", text: "You said: Find Oslo" });
    assert.deepEqual(decide(conversation({ turns, tools, toolChoice: { name: "missing" } }), undefined), { type: "text", text: "You said: Find Oslo" });
  });

  test("parallel calls call every offered tool in one answer; a named tool_choice still picks one", () => {
    const tools = [
      { name: "search", parameters: { type: "object", properties: { q: { type: "string" } } } },
      { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
    ];
    const turns = [{ role: "user" as const, text: "Find Oslo" }];
    assert.deepEqual(decide(conversation({ turns, tools }), undefined, true), {
      type: "tool_call",
      calls: [{ name: "search", arguments: '{"q":"Oslo"}' }, { name: "weather", arguments: '{"city":"Oslo"}' }],
    });
    assert.deepEqual(decide(conversation({ turns, tools }), undefined, false), { type: "tool_call", calls: [{ name: "search", arguments: '{"q":"Oslo"}' }] });
    assert.deepEqual(decide(conversation({ turns, tools, toolChoice: { name: "weather" } }), undefined, true), { type: "tool_call", calls: [{ name: "weather", arguments: '{"city":"Oslo"}' }] });
  });

  test("a tool result is quoted with the name of the call it answers", () => {
    const turns = [
      { role: "user" as const, text: "Find Oslo" },
      { role: "assistant" as const, text: "", toolCalls: [{ id: "c1", name: "search", arguments: "{}" }] },
      { role: "tool" as const, text: "found", toolCallId: "c1" },
    ];
    assert.deepEqual(decide(conversation({ turns }), undefined), { type: "text", text: "Tool search returned: found" });
  });
});

describe("usage", () => {
  test("overrides replace counts; cache counts are capped by the prompt", () => {
    assert.deepEqual(usageFor(5, "a b", {}), { prompt: 5, completion: 2, cached: 0, cacheCreation: 0, reasoning: 0 });
    assert.deepEqual(usageFor(5, "a b", { cachedTokens: 4, cacheCreationTokens: 4, reasoningTokens: 3 }), {
      prompt: 5, completion: 5, cached: 4, cacheCreation: 1, reasoning: 3,
    });
    assert.deepEqual(usageFor(5, "a", { promptTokens: 100, completionTokens: 7 }), { prompt: 100, completion: 7, cached: 0, cacheCreation: 0, reasoning: 0 });
  });
});

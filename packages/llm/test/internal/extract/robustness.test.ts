import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { detectProvider } from "../../../dist/esm/internal/extract/provider.js";
import { extractLlmRequest } from "../../../dist/esm/internal/extract/request.js";
import { extractLlmResponse } from "../../../dist/esm/internal/extract/response.js";
import { createStreamAggregator } from "../../../dist/esm/internal/extract/stream.js";
import { aiSdkResult, anthropicMessage, openAiChatChunks, openAiChatCompletion, openAiChatRequest } from "./fixtures.js";

const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error("get trap");
    },
    has() {
      throw new Error("has trap");
    },
    ownKeys() {
      throw new Error("ownKeys trap");
    },
  },
);

function throwingGetter<T extends object>(base: T, key: string): T {
  return Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get() {
      throw new Error(`no ${key}`);
    },
  });
}

describe("extractLlmRequest on malformed requests", () => {
  const circular: Record<string, unknown> = { model: "gpt-4o", temperature: 1 };
  circular["metadata"] = { self: circular };

  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    ["undefined", undefined, {}],
    ["null", null, {}],
    ["a number", 42, {}],
    ["an array", [1, 2], {}],
    ["an empty object", {}, {}],
    ["an empty string prompt", "", { "llm.input_messages.0.message.role": "user", "llm.input_messages.0.message.content": "" }],
    ["messages that are not an array", { messages: "hello" }, {}],
    [
      "junk inside messages: null, numbers, a non-string role, null content, an unknown role",
      { messages: [null, 7, { role: 5, content: "x" }, { role: "user", content: null }, { role: "narrator", content: "Once" }] },
      {
        "llm.input_messages.0.message.content": "x",
        "llm.input_messages.1.message.role": "user",
        "llm.input_messages.2.message.role": "narrator",
        "llm.input_messages.2.message.content": "Once",
      },
    ],
    [
      "unknown content parts are skipped, known ones kept",
      { messages: [{ role: "user", content: [{ type: "hologram" }, null, { type: "text" }, { type: "text", text: "ok" }] }] },
      {
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.0.message.contents.0.message_content.type": "text",
        "llm.input_messages.0.message.contents.0.message_content.text": "ok",
      },
    ],
    ["tools that are junk", { tools: [null, 3] }, {}],
    ["a tool with only a type (built-in tool)", { tools: [{ type: "web_search" }] }, { "llm.tools.0.tool.json_schema": '{"type":"web_search"}', "llm.tools.0.tool.name": "web_search" }],
    ["a non-string model", { model: 123, temperature: 0 }, { "llm.invocation_parameters": '{"temperature":0}' }],
    [
      "circular parameters are serialized with a marker, not dropped",
      circular,
      {
        "llm.model_name": "gpt-4o",
        "llm.provider": "openai",
        "llm.system": "openai",
        "llm.invocation_parameters": '{"model":"gpt-4o","temperature":1,"metadata":{"self":{"model":"gpt-4o","temperature":1,"metadata":"[Circular]"}}}',
      },
    ],
    ["bigint parameters become strings (core's capture: `10n`)", { seed: 10n }, { "llm.invocation_parameters": '{"seed":"10n"}' }],
    ["a proxy whose every trap throws", hostile, {}],
    [
      "a throwing getter on messages costs only the messages",
      throwingGetter({ model: "claude-3-5-haiku-latest", messages: [] as unknown[] }, "messages"),
      { "llm.model_name": "claude-3-5-haiku-latest", "llm.provider": "anthropic", "llm.system": "anthropic", "llm.invocation_parameters": '{"model":"claude-3-5-haiku-latest"}' },
    ],
    [
      "a throwing getter inside one message skips that field only",
      { messages: [throwingGetter({ role: "user", content: "hi" }, "content"), { role: "assistant", content: "yo" }] },
      {
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.1.message.role": "assistant",
        "llm.input_messages.1.message.content": "yo",
      },
    ],
  ];
  for (const [name, request, expected] of cases) {
    test(name, () => {
      assert.deepEqual(extractLlmRequest(request), expected);
    });
  }
});

describe("extractLlmResponse on malformed responses", () => {
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    ["undefined", undefined, {}],
    ["null", null, {}],
    ["an unknown object", { hello: "world" }, {}],
    ["a chat completion with no choices and no usage", { object: "chat.completion", model: "gpt-4o" }, { "llm.model_name": "gpt-4o", "llm.provider": "openai", "llm.system": "openai" }],
    [
      "null content, missing usage",
      { object: "chat.completion", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: null } }] },
      { "llm.output_messages.0.message.role": "assistant", "llm.finish_reason": "stop", "llm.system": "openai" },
    ],
    [
      "numbers that are not numbers are skipped; a total is derived only from real numbers",
      { object: "chat.completion", choices: [], usage: { prompt_tokens: "10", completion_tokens: null, total_tokens: Number.POSITIVE_INFINITY } },
      { "llm.system": "openai" },
    ],
    [
      "a missing total is prompt + completion",
      { object: "chat.completion", choices: [], usage: { prompt_tokens: 10, completion_tokens: 5 } },
      { "llm.token_count.prompt": 10, "llm.token_count.completion": 5, "llm.token_count.total": 15, "llm.system": "openai" },
    ],
    [
      "an Anthropic message with no content blocks and null cache counts",
      {
        type: "message",
        role: "assistant",
        model: "claude-3-5-haiku-20241022",
        content: [],
        stop_reason: "max_tokens",
        usage: { input_tokens: 7, output_tokens: 0, cache_read_input_tokens: null, cache_creation_input_tokens: null },
      },
      {
        "llm.output_messages.0.message.role": "assistant",
        "llm.token_count.prompt": 7,
        "llm.token_count.completion": 0,
        "llm.token_count.total": 7,
        "llm.finish_reason": "max_tokens",
        "llm.model_name": "claude-3-5-haiku-20241022",
        "llm.provider": "anthropic",
        "llm.system": "anthropic",
      },
    ],
    [
      "an unknown object type is not guessed at",
      { object: "embedding", model: "text-embedding-3-small" },
      {},
    ],
    [
      "a throwing usage getter costs only the token counts",
      throwingGetter(openAiChatCompletion, "usage"),
      Object.fromEntries(
        Object.entries(extractLlmResponse(openAiChatCompletion)).filter(([k]) => !k.startsWith("llm.token_count")),
      ),
    ],
    ["a proxy whose every trap throws", hostile, {}],
  ];
  for (const [name, response, expected] of cases) {
    test(name, () => {
      assert.deepEqual(extractLlmResponse(response), expected);
    });
  }
});

describe("extractors read getters at most once", () => {
  test("AI SDK-like result class: every getter is called at most once", () => {
    const calls = new Map<string, number>();
    const source = aiSdkResult as unknown as Record<string, unknown>;
    class Result {}
    for (const key of [...Object.keys(source), "steps", "reasoningText", "warnings", "request", "providerMetadata"]) {
      Object.defineProperty(Result.prototype, key, {
        get() {
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return source[key];
        },
      });
    }
    const attrs = extractLlmResponse(new Result());
    assert.equal(attrs["llm.output_messages.0.message.contents.1.message_content.text"], "Looking up.");
    for (const [key, n] of calls) assert.ok(n <= 1, `${key} read ${n} times`);
    // Steps (all messages of all steps) are never needed and never read.
    assert.equal(calls.get("steps"), undefined);
  });

  test("request fields are read once each", () => {
    const calls = new Map<string, number>();
    const request: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(openAiChatRequest)) {
      Object.defineProperty(request, key, {
        enumerable: true,
        get() {
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return value;
        },
      });
    }
    extractLlmRequest(request);
    for (const [key, n] of calls) assert.equal(n, 1, `${key} read ${n} times`);
  });

  test("response fields of a chat completion are read once each", () => {
    const calls = new Map<string, number>();
    const response: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(openAiChatCompletion)) {
      Object.defineProperty(response, key, {
        enumerable: true,
        get() {
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return value;
        },
      });
    }
    extractLlmResponse(response);
    for (const [key, n] of calls) assert.ok(n <= 1, `${key} read ${n} times`);
  });
});

describe("extractors never throw and only produce OTel attribute values", () => {
  // A small deterministic generator of nested junk shaped loosely like SDK objects.
  function prng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const KEYS = [
    "model", "messages", "role", "content", "type", "text", "choices", "message", "delta", "usage", "tool_calls",
    "function", "name", "arguments", "input", "output", "object", "prompt_tokens", "input_tokens", "index",
    "content_block", "partial_json", "finishReason", "totalUsage", "response", "modelId", "tools", "system", "image_url", "url",
  ];
  const STRINGS = ["chat.completion", "chat.completion.chunk", "response", "message", "text", "tool_use", "image", "assistant", "user", "message_start", "content_block_delta", "text-delta", "response.output_text.delta", "tool-call", "gpt-4o", "openrouter/x/y", ""];
  function junk(rand: () => number, depth: number): unknown {
    const r = rand();
    if (depth > 4 || r < 0.3) {
      const pick = Math.floor(rand() * 8);
      return [null, undefined, 0, -1, Number.NaN, true, STRINGS[Math.floor(rand() * STRINGS.length)], 3.5][pick];
    }
    if (r < 0.5) return Array.from({ length: Math.floor(rand() * 4) }, () => junk(rand, depth + 1));
    const obj: Record<string, unknown> = {};
    const n = Math.floor(rand() * 6);
    for (let i = 0; i < n; i++) obj[KEYS[Math.floor(rand() * KEYS.length)]!] = junk(rand, depth + 1);
    return obj;
  }
  function isOtelValue(v: unknown): boolean {
    if (typeof v === "string" || typeof v === "boolean") return true;
    if (typeof v === "number") return Number.isFinite(v);
    if (Array.isArray(v)) {
      const types = new Set(v.map((x) => (x === null || x === undefined ? "nullish" : typeof x)));
      types.delete("nullish");
      return types.size <= 1 && [...types].every((t) => t === "string" || t === "number" || t === "boolean");
    }
    return false;
  }

  test("2,000 random junk values through every extractor and the aggregator", () => {
    const rand = prng(20_250_101);
    let attributes = 0;
    for (let i = 0; i < 2_000; i++) {
      const value = junk(rand, 0);
      const agg = createStreamAggregator({ request: value });
      const results = [extractLlmRequest(value), extractLlmResponse(value, value)];
      for (let j = 0; j < 5; j++) agg.push(junk(rand, 1));
      agg.push(value);
      results.push(agg.attributes());
      assert.equal(typeof detectProvider({ request: value, response: value }), "object");
      for (const attrs of results) {
        for (const [key, v] of Object.entries(attrs)) {
          attributes++;
          assert.ok(isOtelValue(v), `${key} = ${String(v)}`);
        }
      }
    }
    assert.ok(attributes > 100, `only ${attributes} attributes produced: the junk is not exercising the extractors`);
  });

  test("the aggregator survives throwing chunks and keeps what came before", () => {
    const agg = createStreamAggregator();
    for (const c of openAiChatChunks.slice(0, 3)) agg.push(c);
    agg.push(hostile);
    agg.push(throwingGetter(openAiChatChunks[3]!, "choices"));
    assert.equal(agg.attributes()["llm.output_messages.0.message.content"], "Checking both cities.");
    assert.equal(agg.chunks, 5);
  });

  test("anthropic messages with a throwing content getter still give usage and model", () => {
    const attrs = extractLlmResponse(throwingGetter(anthropicMessage, "content"));
    assert.equal(attrs["llm.token_count.prompt"], 1250);
    assert.equal(attrs["llm.model_name"], "claude-sonnet-5-20260301");
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LLMProvider, LLMSystem } from "@arizeai/openinference-semantic-conventions";
import { detectProvider, providerFromAiSdkModel, providerFromModel } from "../../../dist/esm/internal/extract/provider.js";
import { aiSdkResult, anthropicEvents, anthropicMessage, openAiChatChunks, openAiCompletion, openAiResponseEvents } from "./fixtures.js";

describe("providerFromModel", () => {
  const cases: Array<[string, { provider?: string; system?: string }]> = [
    // Router prefixes (litellm / OpenRouter / AI gateway): the host, then the model's maker.
    ["openrouter/google/gemma-3n-e4b-it:free", { provider: "openrouter", system: LLMSystem.VERTEXAI }],
    ["openrouter/anthropic/claude-sonnet-4", { provider: "openrouter", system: LLMSystem.ANTHROPIC }],
    ["anthropic/claude-sonnet-4", { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
    ["openai/gpt-4o", { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["azure/gpt-4o", { provider: LLMProvider.AZURE, system: LLMSystem.OPENAI }],
    ["groq/llama-3.1-70b-versatile", { provider: LLMProvider.GROQ, system: LLMSystem.META }],
    ["bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", { provider: LLMProvider.AWS, system: LLMSystem.ANTHROPIC }],
    ["vertex_ai/gemini-2.5-pro", { provider: LLMProvider.GOOGLE, system: LLMSystem.VERTEXAI }],
    ["x-ai/grok-4", { provider: LLMProvider.XAI, system: "xai" }],
    ["deepseek/deepseek-chat", { provider: LLMProvider.DEEPSEEK, system: "deepseek" }],
    ["mistral/mistral-large-latest", { provider: LLMProvider.MISTRALAI, system: LLMSystem.MISTRALAI }],
    ["meta-llama/Llama-3.3-70B-Instruct", { provider: LLMProvider.META, system: LLMSystem.META }],
    ["together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", { provider: LLMProvider.TOGETHER, system: LLMSystem.META }],
    ["ollama/qwen2.5:7b", { provider: LLMProvider.OLLAMA }],
    ["Qwen/Qwen2.5-72B-Instruct", {}],
    // Bare names by family.
    ["gpt-4o-mini-2024-07-18", { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["o3-mini", { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["o1", { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["claude-sonnet-5-20260301", { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
    ["gemini-2.5-flash", { provider: LLMProvider.GOOGLE, system: LLMSystem.VERTEXAI }],
    ["gemma-3-27b-it", { system: LLMSystem.VERTEXAI }],
    ["grok-3", { provider: LLMProvider.XAI, system: "xai" }],
    ["command-r-plus", { provider: LLMProvider.COHERE, system: LLMSystem.COHERE }],
    ["mixtral-8x7b", { system: LLMSystem.MISTRALAI }],
    ["llama3.2", { system: LLMSystem.META }],
    ["us.anthropic.claude-3-7-sonnet-20250219-v1:0", { provider: LLMProvider.AWS, system: LLMSystem.ANTHROPIC }],
    ["amazon.nova-pro-v1:0", { provider: LLMProvider.AWS, system: LLMSystem.AMAZON }],
    ["my-finetune", {}],
    ["", {}],
    ["ollama/", { provider: LLMProvider.OLLAMA }],
  ];
  for (const [model, expected] of cases) {
    test(`${JSON.stringify(model)}`, () => {
      assert.deepEqual(providerFromModel(model), expected);
    });
  }

  test("answers are kept: asked again, the same frozen answer; past the bound of 512 names, still the right ones", () => {
    for (const [model, expected] of cases) {
      const first = providerFromModel(model);
      assert.equal(providerFromModel(model), first, model);
      assert.ok(Object.isFrozen(first), model);
      assert.deepEqual(first, expected);
    }
    // Enough new names to clear the memo at least once, then every case again.
    for (let i = 0; i < 1500; i++) assert.deepEqual(providerFromModel(`claude-${i}`), { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC });
    for (const [model, expected] of cases) assert.deepEqual(providerFromModel(model), expected, model);
    // A name that differs only in case or padding is asked on its own, and answers alike.
    assert.deepEqual(providerFromModel("  GPT-4o "), { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI });
  });
});

describe("providerFromAiSdkModel", () => {
  const cases: Array<[string, string | undefined, { provider?: string; system?: string }]> = [
    ["openai.chat", "gpt-4o", { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["openai.responses", "my-ft-model", { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["anthropic.messages", "claude-haiku-4-5", { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
    ["google.vertex.anthropic.messages", "claude-sonnet-4", { provider: LLMProvider.GOOGLE, system: LLMSystem.ANTHROPIC }],
    ["amazon-bedrock", "meta.llama3-70b-instruct-v1:0", { provider: LLMProvider.AWS, system: LLMSystem.META }],
    ["gateway", "anthropic/claude-sonnet-4", { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
    ["groq.chat", "llama-3.3-70b-versatile", { provider: LLMProvider.GROQ, system: LLMSystem.META }],
    ["openai-compatible.chat", "qwen3", {}],
  ];
  for (const [providerId, modelId, expected] of cases) {
    test(`${providerId} + ${String(modelId)}`, () => {
      assert.deepEqual(providerFromAiSdkModel(providerId, modelId), expected);
    });
  }
});

describe("detectProvider", () => {
  const cases: Array<[string, { request?: unknown; response?: unknown }, { provider?: string; system?: string }]> = [
    ["OpenAI completion object", { response: openAiCompletion }, { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["Anthropic message", { response: anthropicMessage }, { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
    ["Anthropic stream event (model inside message_start)", { response: anthropicEvents[0] }, { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
    ["Anthropic content delta (shape only)", { response: anthropicEvents[2] }, { system: LLMSystem.ANTHROPIC }],
    ["OpenAI chat chunk", { response: openAiChatChunks[1] }, { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["OpenAI responses event", { response: openAiResponseEvents[0] }, { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["OpenAI-shaped response of an unknown model says only the API family", { response: { object: "chat.completion", model: "qwen3:8b", choices: [] } }, { system: LLMSystem.OPENAI }],
    ["AI SDK result (model in response.modelId)", { response: aiSdkResult }, { provider: LLMProvider.OPENAI, system: LLMSystem.OPENAI }],
    ["AI SDK request with a model object", { request: { model: { provider: "anthropic.messages", modelId: "claude-opus-4-1" } } }, { provider: LLMProvider.ANTHROPIC, system: LLMSystem.ANTHROPIC }],
    [
      "the request's router prefix beats the response's echoed model",
      { request: { model: "openrouter/google/gemma-3n-e4b-it:free" }, response: { object: "chat.completion", model: "google/gemma-3n-e4b-it:free" } },
      { provider: "openrouter", system: LLMSystem.VERTEXAI },
    ],
    ["a plain string says nothing", { request: "hi", response: "hello" }, {}],
    ["nothing at all", {}, {}],
  ];
  for (const [name, source, expected] of cases) {
    test(name, () => {
      assert.deepEqual(detectProvider(source), expected);
    });
  }

  test("never throws, even on hostile objects", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
        has() {
          throw new Error("boom");
        },
      },
    );
    assert.deepEqual(detectProvider({ request: hostile, response: hostile }), {});
  });
});

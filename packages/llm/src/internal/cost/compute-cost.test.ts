import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { computeCost } from "./compute-cost.js";

// Figures below are worked out by hand from the prices of @pydantic/genai-prices 0.1.8 (USD per 1M tokens):
// gpt-4o 2.50 in / 1.25 cached / 10 out; o4-mini 1.10 / 4.40; claude-sonnet-4-5 3 in / 3.75 cache write /
// 0.30 cache read / 15 out, all tokens at 6 / 7.50 / 0.60 / 22.50 once the prompt passes 200,000 tokens;
// gemini-2.5-pro 1.25 / 0.125 / 10, above 200,000: 2.50 / 0.25 / 15; gpt-realtime 4 text in / 32 audio in /
// 16 text out / 64 audio out.

describe("computeCost with OpenAI usage (prompt includes cached tokens)", () => {
  test("charges cached prompt tokens at the cache-read rate and the rest at the input rate", () => {
    // OpenAI usage: prompt_tokens 2000 with prompt_tokens_details.cached_tokens 1500, completion_tokens 300.
    const cost = computeCost({ model: "gpt-4o", provider: "openai", tokens: { prompt: 2000, cacheRead: 1500, completion: 300 } });
    assert.deepEqual(cost, {
      prompt: 0.003125, // 500 × 2.50 + 1500 × 1.25, per million
      completion: 0.003, // 300 × 10
      total: 0.006125,
      promptDetails: { input: 0.00125, cacheRead: 0.001875 },
      completionDetails: { output: 0.003 },
      pricedAs: { source: "catalog", model: "gpt-4o", provider: "openai" },
    });
  });

  test("charges reasoning tokens, which the completion includes, at the output rate when there is no reasoning rate", () => {
    const cost = computeCost({ model: "o4-mini", provider: "openai", tokens: { prompt: 1000, completion: 1000, reasoning: 800 } });
    assert.deepEqual(cost, {
      prompt: 0.0011,
      completion: 0.0044,
      total: 0.0055,
      promptDetails: { input: 0.0011 },
      completionDetails: { output: 0.00088, reasoning: 0.00352 },
      pricedAs: { source: "catalog", model: "o4-mini", provider: "openai" },
    });
  });

  test("finds a dated model id under its catalog entry", () => {
    const cost = computeCost({ model: "gpt-4o-2024-08-06", provider: "openai", tokens: { prompt: 1_000_000, completion: 1_000_000 } });
    assert.equal(cost?.total, 12.5);
    assert.deepEqual(cost?.pricedAs, { source: "catalog", model: "gpt-4o", provider: "openai" });
  });

  test("charges audio tokens at the audio rates", () => {
    const cost = computeCost({
      model: "gpt-realtime",
      provider: "openai",
      tokens: { prompt: 1000, promptAudio: 600, completion: 500, completionAudio: 300 },
    });
    assert.deepEqual(cost, {
      prompt: 0.0208, // 400 × 4 + 600 × 32
      completion: 0.0224, // 200 × 16 + 300 × 64
      total: 0.0432,
      promptDetails: { input: 0.0016, audio: 0.0192 },
      completionDetails: { output: 0.0032, audio: 0.0192 },
      pricedAs: { source: "catalog", model: "gpt-realtime", provider: "openai" },
    });
  });
});

describe("computeCost with Anthropic usage (input_tokens excludes cache reads and writes)", () => {
  // Anthropic usage: input_tokens 1000, cache_creation_input_tokens 2000, cache_read_input_tokens 10000,
  // output_tokens 500. OpenInference's prompt count is their sum, 13000.
  test("charges uncached input, cache writes and cache reads at their own rates", () => {
    const cost = computeCost({
      model: "claude-sonnet-4-5-20250929",
      provider: "anthropic",
      tokens: { prompt: 13_000, cacheWrite: 2000, cacheRead: 10_000, completion: 500 },
    });
    assert.deepEqual(cost, {
      prompt: 0.0135, // 1000 × 3 + 2000 × 3.75 + 10000 × 0.30
      completion: 0.0075, // 500 × 15
      total: 0.021,
      promptDetails: { input: 0.003, cacheRead: 0.003, cacheWrite: 0.0075 },
      completionDetails: { output: 0.0075 },
      pricedAs: { source: "catalog", model: "claude-sonnet-4-5", provider: "anthropic" },
    });
  });

  test("charges every detail token even when the prompt count leaves them out", () => {
    // Anthropic's input_tokens passed as the prompt count by mistake: the cache tokens are still billed.
    const cost = computeCost({
      model: "claude-sonnet-4-5",
      provider: "anthropic",
      tokens: { prompt: 1000, cacheWrite: 2000, cacheRead: 10_000, completion: 500 },
    });
    assert.equal(cost?.promptDetails.input, 0);
    assert.equal(cost?.prompt, 0.0105);
  });

  test("charges every token at the higher tier once the prompt passes 200,000 tokens, cache included", () => {
    const at200k = computeCost({ model: "claude-sonnet-4-5", provider: "anthropic", tokens: { prompt: 200_000, completion: 1000 } });
    assert.equal(at200k?.prompt, 0.6);
    assert.equal(at200k?.completion, 0.015);
    const above = computeCost({
      model: "claude-sonnet-4-5",
      provider: "anthropic",
      tokens: { prompt: 250_000, cacheRead: 100_000, completion: 1000 },
    });
    assert.deepEqual(above, {
      prompt: 0.96, // 150000 × 6 + 100000 × 0.60
      completion: 0.0225, // 1000 × 22.50
      total: 0.9825,
      promptDetails: { input: 0.9, cacheRead: 0.06 },
      completionDetails: { output: 0.0225 },
      pricedAs: { source: "catalog", model: "claude-sonnet-4-5", provider: "anthropic" },
    });
  });
});

describe("computeCost with Google models", () => {
  test("prices Gemini by name alone, and through provider aliases", () => {
    const small = { prompt: 100_000, completion: 10_000 };
    assert.equal(computeCost({ model: "gemini-2.5-pro", tokens: small })?.total, 0.225); // 0.125 + 0.1
    assert.equal(computeCost({ model: "gemini-2.5-pro", provider: "vertexai", tokens: small })?.total, 0.225);
    const large = computeCost({ model: "gemini-2.5-pro", provider: "google", tokens: { prompt: 300_000, cacheRead: 100_000, completion: 10_000 } });
    assert.deepEqual(
      [large?.promptDetails.input, large?.promptDetails.cacheRead, large?.completion, large?.total],
      [0.5, 0.025, 0.15, 0.675],
    );
  });
});

describe("computeCost with provider-prefixed model ids", () => {
  test("prices an OpenRouter free variant at 0 because the catalog lists it free", () => {
    const cost = computeCost({ model: "openrouter/google/gemma-3n-e4b-it:free", tokens: { prompt: 1200, completion: 300 } });
    assert.deepEqual(cost, {
      prompt: 0,
      completion: 0,
      total: 0,
      promptDetails: { input: 0 },
      completionDetails: { output: 0 },
      pricedAs: { source: "catalog", model: "gemma-3n-e4b-it:free", provider: "openrouter" },
    });
    const viaProvider = computeCost({ model: "google/gemma-3n-e4b-it:free", provider: "openrouter", tokens: { prompt: 1, completion: 1 } });
    assert.deepEqual(viaProvider?.pricedAs, { source: "catalog", model: "gemma-3n-e4b-it:free", provider: "openrouter" });
  });

  test("prices a paid OpenRouter model at OpenRouter's price", () => {
    const cost = computeCost({ model: "openrouter/openai/gpt-5", tokens: { prompt: 1_000_000, completion: 1_000_000 } });
    assert.equal(cost?.total, 11.25);
    assert.deepEqual(cost?.pricedAs, { source: "catalog", model: "openai/gpt-5", provider: "openrouter" });
    const paidGemma = computeCost({ model: "google/gemma-3n-e4b-it", provider: "openrouter", tokens: { prompt: 1_000_000, completion: 1_000_000 } });
    assert.equal(paidGemma?.total, 0.18); // 0.06 + 0.12: the paid original is not free
  });

  test("uses a leading provider segment as the provider", () => {
    const cost = computeCost({ model: "anthropic/claude-haiku-4-5", tokens: { prompt: 1_000_000, completion: 1_000_000 } });
    assert.equal(cost?.total, 6);
    assert.deepEqual(cost?.pricedAs, { source: "catalog", model: "claude-haiku-4-5", provider: "anthropic" });
    assert.equal(computeCost({ model: "openai/gpt-4o", provider: "openai", tokens: { prompt: 1_000_000 } })?.total, 2.5);
  });
});

describe("computeCost returns undefined rather than a made-up figure", () => {
  test("for a model the catalog does not know", () => {
    assert.equal(computeCost({ model: "no-such-model-xyz", tokens: { prompt: 10, completion: 10 } }), undefined);
    assert.equal(computeCost({ model: "openrouter/acme/unknown-model:free", tokens: { prompt: 10, completion: 10 } }), undefined);
  });

  test("for a local model, whatever its name resembles", () => {
    assert.equal(computeCost({ model: "llama3.2", provider: "ollama", tokens: { prompt: 10, completion: 10 } }), undefined);
    assert.equal(computeCost({ model: "mistral", provider: "ollama", tokens: { prompt: 10, completion: 10 } }), undefined);
    assert.equal(computeCost({ model: "llama3.2", provider: "openai", tokens: { prompt: 10, completion: 10 } }), undefined);
  });

  test("for a model the catalog prices by the hour or page, not by the token", () => {
    assert.equal(computeCost({ model: "whisper-1", provider: "openai", tokens: { prompt: 10 } }), undefined);
  });

  test("when no usable token count is given", () => {
    assert.equal(computeCost({ model: "gpt-4o", tokens: {} }), undefined);
    assert.equal(computeCost({ model: "gpt-4o", tokens: { prompt: Number.NaN, completion: -1 } }), undefined);
  });

  test("for an empty model name or a malformed input, without throwing", () => {
    assert.equal(computeCost({ model: "", tokens: { prompt: 10 } }), undefined);
    assert.equal(computeCost({ model: "   ", tokens: { prompt: 10 } }), undefined);
    assert.equal(computeCost({ model: 42 as unknown as string, tokens: { prompt: 10 } }), undefined);
    assert.equal(computeCost({ model: "gpt-4o", tokens: null as unknown as {} }), undefined);
    assert.equal(computeCost(null as unknown as Parameters<typeof computeCost>[0]), undefined);
  });
});

describe("computeCost token counts", () => {
  test("zero tokens of a known model cost exactly 0", () => {
    const cost = computeCost({ model: "gpt-4o", provider: "openai", tokens: { prompt: 0, completion: 0, cacheRead: 0, reasoning: 0 } });
    assert.deepEqual(cost, {
      prompt: 0,
      completion: 0,
      total: 0,
      promptDetails: { input: 0, cacheRead: 0 },
      completionDetails: { output: 0, reasoning: 0 },
      pricedAs: { source: "catalog", model: "gpt-4o", provider: "openai" },
    });
  });

  test("ignores NaN, infinite, negative and non-number counts", () => {
    const cost = computeCost({
      model: "gpt-4o",
      provider: "openai",
      tokens: { prompt: Number.NaN, completion: 1000, cacheRead: -5, reasoning: Number.POSITIVE_INFINITY, promptAudio: "7" as unknown as number },
    });
    assert.deepEqual(cost, {
      prompt: 0,
      completion: 0.01,
      total: 0.01,
      promptDetails: { input: 0 },
      completionDetails: { output: 0.01 },
      pricedAs: { source: "catalog", model: "gpt-4o", provider: "openai" },
    });
  });

  test("a completion count alone prices the completion only", () => {
    const cost = computeCost({ model: "gpt-4o", provider: "openai", tokens: { completion: 100 } });
    assert.equal(cost?.prompt, 0);
    assert.equal(cost?.completion, 0.001);
  });
});

describe("computeCost prices that change over time", () => {
  test("uses the price in force on the date of the call", () => {
    const tokens = { prompt: 1000, completion: 1000 };
    // o3 was cut from 10/40 to 2/8 on 2025-06-10.
    assert.equal(computeCost({ model: "o3", provider: "openai", tokens, at: new Date("2025-06-01T00:00:00Z") })?.total, 0.05);
    assert.equal(computeCost({ model: "o3", provider: "openai", tokens, at: new Date("2025-07-01T00:00:00Z") })?.total, 0.01);
  });

  test("uses the price in force at the time of day of the call", () => {
    const tokens = { prompt: 1_000_000, completion: 1_000_000 };
    // deepseek-chat: 0.27/1.10 from 00:30 to 16:30 UTC, half that off-peak.
    assert.equal(computeCost({ model: "deepseek-chat", provider: "deepseek", tokens, at: new Date("2026-01-05T12:00:00Z") })?.total, 1.37);
    assert.equal(computeCost({ model: "deepseek-chat", provider: "deepseek", tokens, at: new Date("2026-01-05T20:00:00Z") })?.total, 0.685);
  });
});

describe("computeCost on the hot path", () => {
  // Speed is measured by `pnpm bench`; here, repeated lookups (served from the memo) give the same answer.
  test("repeated calls of a prefixed OpenRouter id give the same result", () => {
    const input = { model: "openrouter/google/gemma-3n-e4b-it:free", tokens: { prompt: 10, completion: 10 } };
    const first = computeCost(input);
    for (let i = 0; i < 1000; i++) assert.deepEqual(computeCost(input), first);
  });
});

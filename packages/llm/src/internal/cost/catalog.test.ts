import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { calcPrice, findProvider } from "@pydantic/genai-prices";
import type { ModelInfo, ModelPrice as CatalogPrice } from "@pydantic/genai-prices";
import { findCatalogEntry, toRates } from "./catalog.js";
import { computeCost } from "./compute-cost.js";

// The providers whose every model is checked against the catalog's own calculator.
const PROVIDERS = [
  "openai", "anthropic", "google", "openrouter", "mistral", "deepseek", "x-ai", "groq", "aws", "azure",
  "together", "fireworks", "cohere", "moonshotai", "perplexity", "cerebras", "novita",
];

function pricesOf(model: ModelInfo): CatalogPrice[] {
  return Array.isArray(model.prices) ? model.prices.map((conditional) => conditional.prices) : [model.prices];
}

describe("computeCost agrees with the catalog's own calcPrice()", () => {
  test("for every token-priced model of the main providers, cache reads, writes, reasoning and tiers included", () => {
    const at = new Date("2026-11-25T12:00:00Z");
    let checked = 0;
    const mismatches: string[] = [];
    for (const providerId of PROVIDERS) {
      const provider = findProvider({ providerId });
      assert.ok(provider, `the catalog has no provider ${providerId}`);
      for (const model of provider.models) {
        const prices = pricesOf(model);
        // Per-request fees are not token costs (docs/pricing.md); models priced in other units give undefined.
        if (prices.some((price) => price["requests_kcount"] !== undefined)) continue;
        if (prices.some((price) => Object.keys(price).length > 0 && price["input_mtok"] === undefined && price["output_mtok"] === undefined)) continue;
        // 300,000 prompt tokens: above the 200,000 and 272,000 tiers.
        const usage = { input_tokens: 300_000, cache_read_tokens: 100_000, cache_write_tokens: 50_000, output_tokens: 20_000, output_reasoning_tokens: 5000 };
        const expected = calcPrice(usage, model.id, { providerId: provider.id, timestamp: at });
        const actual = computeCost({
          model: model.id,
          provider: provider.id,
          at,
          tokens: { prompt: 300_000, cacheRead: 100_000, cacheWrite: 50_000, completion: 20_000, reasoning: 5000 },
        });
        // A few ids are not matched by their own entry's patterns: both sides then know nothing.
        if (expected === null && actual === undefined) continue;
        checked++;
        if (expected === null || actual === undefined) {
          mismatches.push(`${provider.id}/${model.id}: catalog ${expected?.total_price}, ours ${actual?.total}`);
          continue;
        }
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
        if (!close(actual.prompt, expected.input_price) || !close(actual.completion, expected.output_price) || !close(actual.total, expected.total_price)) {
          mismatches.push(
            `${provider.id}/${model.id}: catalog ${expected.input_price}+${expected.output_price}=${expected.total_price}, ` +
              `ours ${actual.prompt}+${actual.completion}=${actual.total}`,
          );
        }
      }
    }
    assert.deepEqual(mismatches, []);
    assert.ok(checked > 1000, `only ${checked} models checked`);
  });
});

describe("findCatalogEntry", () => {
  test("tries an explicit provider, then the id's provider prefixes, then the model name alone", () => {
    const byName = findCatalogEntry("claude-opus-4-1", undefined);
    assert.deepEqual([byName?.provider, byName?.model], ["anthropic", "claude-opus-4-1"]);
    const prefixed = findCatalogEntry("openrouter/anthropic/claude-sonnet-4.5", undefined);
    assert.deepEqual([prefixed?.provider, prefixed?.model], ["openrouter", "anthropic/claude-sonnet-4.5"]);
    const aliased = findCatalogEntry("mistral-large-latest", "mistralai");
    assert.equal(aliased?.provider, "mistral");
  });

  test("does not guess from the model name when the provider is one the catalog does not know", () => {
    assert.equal(findCatalogEntry("gpt-4o", "ollama"), undefined);
    assert.equal(findCatalogEntry("gpt-4o", undefined)?.provider, "openai");
  });
});

describe("toRates", () => {
  test("maps the catalog's token prices and sorts tiers", () => {
    assert.deepEqual(
      toRates({
        input_mtok: { base: 1, tiers: [{ start: 500, price: 3 }, { start: 100, price: 2 }] },
        output_mtok: 4,
        cache_read_mtok: 0.1,
        cache_write_mtok: 1.25,
        input_audio_mtok: 8,
        output_audio_mtok: 16,
        output_reasoning_mtok: 5,
        web_searches_kcount: 10,
      }),
      {
        prompt: { base: 1, tiers: [{ start: 100, price: 2 }, { start: 500, price: 3 }] },
        completion: 4,
        cacheRead: 0.1,
        cacheWrite: 1.25,
        promptAudio: 8,
        completionAudio: 16,
        reasoning: 5,
      },
    );
  });

  test("reads an empty price as free and a price without token rates as unusable", () => {
    assert.deepEqual(toRates({}), {});
    assert.equal(toRates({ audio_hours: 0.111 }), undefined);
    assert.equal(toRates({ input_mtok: -1, output_mtok: 1 }), undefined);
  });
});

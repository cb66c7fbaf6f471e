import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { computeCost } from "./compute-cost.js";
import { clearModelPrices, setModelPrices } from "./model-prices.js";
import type { ModelPrice } from "./model-prices.js";

afterEach(() => clearModelPrices());

describe("setModelPrices", () => {
  test("prices a model the catalog does not know", () => {
    assert.equal(computeCost({ model: "acme-llm-1", tokens: { prompt: 1000, completion: 500 } }), undefined);
    setModelPrices({ "acme-llm-1": { prompt: 2, completion: 8 } });
    assert.deepEqual(computeCost({ model: "acme-llm-1", tokens: { prompt: 1000, completion: 500 } }), {
      prompt: 0.002,
      completion: 0.004,
      total: 0.006,
      promptDetails: { input: 0.002 },
      completionDetails: { output: 0.004 },
      pricedAs: { source: "override", model: "acme-llm-1" },
    });
  });

  test("beats the catalog's price, and clearModelPrices() brings the catalog's back", () => {
    const input = { model: "gpt-4o", provider: "openai", tokens: { prompt: 1000, completion: 1000 } };
    assert.equal(computeCost(input)?.total, 0.0125);
    setModelPrices({ "gpt-4o": { prompt: 1, completion: 2 } });
    assert.equal(computeCost(input)?.total, 0.003);
    assert.equal(computeCost(input)?.pricedAs.source, "override");
    clearModelPrices();
    assert.equal(computeCost(input)?.total, 0.0125);
    assert.equal(computeCost(input)?.pricedAs.source, "catalog");
  });

  test("charges details without a rate of their own at the prompt or completion rate", () => {
    setModelPrices({ "acme-llm-1": { prompt: 2, completion: 8 } });
    const cost = computeCost({
      model: "acme-llm-1",
      tokens: { prompt: 1000, cacheRead: 400, cacheWrite: 100, promptAudio: 100, completion: 500, reasoning: 200, completionAudio: 100 },
    });
    assert.deepEqual(cost?.promptDetails, { input: 0.0008, cacheRead: 0.0008, cacheWrite: 0.0002, audio: 0.0002 });
    assert.deepEqual(cost?.completionDetails, { output: 0.0016, reasoning: 0.0016, audio: 0.0008 });
    assert.equal(cost?.total, 0.006);
  });

  test("charges details at their own rates when given", () => {
    setModelPrices({
      "acme-llm-1": { prompt: 2, completion: 8, cacheRead: 0.5, cacheWrite: 2.5, promptAudio: 10, reasoning: 12, completionAudio: 20 },
    });
    const cost = computeCost({
      model: "acme-llm-1",
      tokens: { prompt: 1000, cacheRead: 400, cacheWrite: 100, promptAudio: 100, completion: 500, reasoning: 200, completionAudio: 100 },
    });
    assert.deepEqual(cost?.promptDetails, { input: 0.0008, cacheRead: 0.0002, cacheWrite: 0.00025, audio: 0.001 });
    assert.equal(cost?.prompt, 0.00225);
    assert.deepEqual(cost?.completionDetails, { output: 0.0016, reasoning: 0.0024, audio: 0.002 });
    assert.equal(cost?.completion, 0.006);
    assert.equal(cost?.total, 0.00825);
  });

  test("matches after provider prefixes are removed, most specific key first", () => {
    setModelPrices({ "gemma-3n-e4b-it:free": { prompt: 0.5, completion: 1 } });
    const model = "openrouter/google/gemma-3n-e4b-it:free";
    const tokens = { prompt: 1_000_000, completion: 1_000_000 };
    assert.deepEqual(computeCost({ model, tokens })?.pricedAs, { source: "override", model: "gemma-3n-e4b-it:free" });
    assert.equal(computeCost({ model, tokens })?.total, 1.5);
    setModelPrices({ "google/gemma-3n-e4b-it:free": { prompt: 0.25, completion: 0.25 } });
    assert.equal(computeCost({ model, tokens })?.total, 0.5);
  });

  test("a provider-qualified key prices that provider's model only", () => {
    setModelPrices({ "azure/gpt-4o": { prompt: 3, completion: 12 } });
    const tokens = { prompt: 1_000_000, completion: 1_000_000 };
    assert.equal(computeCost({ model: "gpt-4o", provider: "azure", tokens })?.total, 15);
    assert.deepEqual(computeCost({ model: "gpt-4o", provider: "azure", tokens })?.pricedAs, { source: "override", model: "azure/gpt-4o" });
    assert.equal(computeCost({ model: "gpt-4o", provider: "openai", tokens })?.total, 12.5);
  });

  test("keeps suffixes: a price for qwen3 does not price qwen3:8b", () => {
    setModelPrices({ qwen3: { prompt: 1, completion: 1 } });
    assert.equal(computeCost({ model: "qwen3:8b", provider: "ollama", tokens: { prompt: 10 } }), undefined);
    assert.equal(computeCost({ model: "qwen3", provider: "ollama", tokens: { prompt: 1_000_000 } })?.total, 1);
  });

  test("a price of 0 set by the user makes the model free", () => {
    setModelPrices({ "llama3.2": { prompt: 0, completion: 0 } });
    assert.equal(computeCost({ model: "llama3.2", provider: "ollama", tokens: { prompt: 100, completion: 100 } })?.total, 0);
  });

  test("merges with prices set before and replaces a key given again", () => {
    setModelPrices({ "model-a": { prompt: 1, completion: 1 } });
    setModelPrices({ "model-b": { prompt: 2, completion: 2 } });
    setModelPrices({ "model-a": { prompt: 3, completion: 3 } });
    const tokens = { prompt: 1_000_000 };
    assert.equal(computeCost({ model: "model-a", tokens })?.total, 3);
    assert.equal(computeCost({ model: "model-b", tokens })?.total, 2);
  });

  test("reaches computeCost of another copy of the module (ESM and CJS builds share the registry)", async () => {
    const url = new URL("./model-prices.js", import.meta.url);
    url.search = "?second-copy";
    const other = (await import(url.href)) as typeof import("./model-prices.js");
    assert.notEqual(other.setModelPrices, setModelPrices);
    other.setModelPrices({ "shared-model": { prompt: 4, completion: 4 } });
    assert.equal(computeCost({ model: "shared-model", tokens: { prompt: 1_000_000 } })?.total, 4);
    other.clearModelPrices();
    assert.equal(computeCost({ model: "shared-model", tokens: { prompt: 1_000_000 } }), undefined);
  });
});

describe("setModelPrices rejects invalid prices", () => {
  const invalid: [string, unknown][] = [
    ["a negative rate", { prompt: -1, completion: 1 }],
    ["a NaN rate", { prompt: Number.NaN, completion: 1 }],
    ["an infinite rate", { prompt: 1, completion: Number.POSITIVE_INFINITY }],
    ["a string rate", { prompt: "1", completion: 1 }],
    ["a missing completion rate", { prompt: 1 }],
    ["a negative optional rate", { prompt: 1, completion: 1, cacheRead: -0.5 }],
    ["an unknown rate name", { input: 1, prompt: 1, completion: 1 }],
    ["a price that is not an object", 3],
  ];
  for (const [what, price] of invalid) {
    test(`throws a CalltreeError with code INVALID_MODEL_PRICE for ${what}, and stores nothing`, () => {
      assert.throws(
        () => setModelPrices({ "good-model": { prompt: 1, completion: 1 }, "bad-model": price as ModelPrice }),
        (error: unknown) =>
          error instanceof TypeError &&
          error.name === "CalltreeError" &&
          (error as { code?: unknown }).code === "INVALID_MODEL_PRICE" &&
          error.message.includes("bad-model"),
      );
      assert.equal(computeCost({ model: "good-model", tokens: { prompt: 10 } }), undefined);
    });
  }

  test("throws for an empty model id and for a non-object argument", () => {
    assert.throws(() => setModelPrices({ " ": { prompt: 1, completion: 1 } }), { name: "CalltreeError", code: "INVALID_MODEL_PRICE" });
    assert.throws(() => setModelPrices(null as unknown as Record<string, ModelPrice>), { name: "CalltreeError", code: "INVALID_MODEL_PRICE" });
  });
});

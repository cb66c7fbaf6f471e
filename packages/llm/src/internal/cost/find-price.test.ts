import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { findPrice } from "./find-price.js";
import { clearModelPrices, setModelPrices } from "./model-prices.js";

afterEach(() => clearModelPrices());

describe("findPrice", () => {
  test("a model is priced apart with and without a provider, in either order", () => {
    setModelPrices({ "acme/widget-1": { prompt: 1, completion: 2 } });
    assert.equal(findPrice("widget-1", undefined), undefined);
    assert.equal(findPrice("widget-1", "acme")?.model, "acme/widget-1");
    assert.equal(findPrice("widget-1", undefined), undefined);
    assert.equal(findPrice("widget-1", "other"), undefined);
    assert.equal(findPrice("widget-1", "acme")?.source, "override");
  });

  test("a price set after a model was looked up is found (the memo follows the user's prices)", () => {
    assert.equal(findPrice("widget-2", undefined), undefined);
    setModelPrices({ "widget-2": { prompt: 1, completion: 2 } });
    assert.equal(findPrice("widget-2", undefined)?.source, "override");
    clearModelPrices();
    assert.equal(findPrice("widget-2", undefined), undefined);
  });

  test("past the memo's bound of 2,048 pairs, answers stay right", () => {
    const known = findPrice("gpt-4o", "openai");
    assert.equal(known?.source, "catalog");
    for (let i = 0; i < 5000; i++) assert.equal(findPrice(`unknown-model-${i}`, i % 2 === 0 ? undefined : "acme"), undefined);
    assert.deepEqual(findPrice("gpt-4o", "openai")?.rates(), known?.rates());
    assert.equal(findPrice("gpt-4o", "openai")?.model, known?.model);
  });
});

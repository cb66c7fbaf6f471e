import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { modelIdForms, modelIdPrefixes } from "./model-id.js";

describe("modelIdForms", () => {
  test("removes one leading segment at a time and keeps suffixes", () => {
    assert.deepEqual(modelIdForms("openrouter/google/gemma-3n-e4b-it:free"), [
      "openrouter/google/gemma-3n-e4b-it:free",
      "google/gemma-3n-e4b-it:free",
      "gemma-3n-e4b-it:free",
    ]);
    assert.deepEqual(modelIdForms("gpt-4o"), ["gpt-4o"]);
    assert.deepEqual(modelIdForms("qwen3:8b"), ["qwen3:8b"]);
  });

  test("drops an empty form left by a trailing slash", () => {
    assert.deepEqual(modelIdForms("openai/"), ["openai/"]);
  });
});

describe("modelIdPrefixes", () => {
  test("lists the segments before the model name with the index of the form after each", () => {
    assert.deepEqual(modelIdPrefixes("openrouter/google/gemma-3n-e4b-it:free"), [
      ["openrouter", 1],
      ["google", 2],
    ]);
    assert.deepEqual(modelIdPrefixes("gpt-4o"), []);
  });
});

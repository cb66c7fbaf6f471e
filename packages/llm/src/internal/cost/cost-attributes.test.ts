import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { computeCost } from "./compute-cost.js";
import type { CostBreakdown } from "./compute-cost.js";
import { costAttributes } from "./cost-attributes.js";

describe("costAttributes", () => {
  test("writes every llm.cost.* attribute of a full breakdown", () => {
    const breakdown: CostBreakdown = {
      prompt: 0.0135,
      completion: 0.0119,
      total: 0.0254,
      promptDetails: { input: 0.003, cacheRead: 0.003, cacheWrite: 0.0075, audio: 0 },
      completionDetails: { output: 0.0075, reasoning: 0.0044, audio: 0 },
      pricedAs: { source: "catalog", model: "m", provider: "p" },
    };
    assert.deepEqual(costAttributes(breakdown), {
      "llm.cost.prompt": 0.0135,
      "llm.cost.completion": 0.0119,
      "llm.cost.total": 0.0254,
      "llm.cost.prompt_details.input": 0.003,
      "llm.cost.prompt_details.cache_read": 0.003,
      "llm.cost.prompt_details.cache_write": 0.0075,
      "llm.cost.prompt_details.audio": 0,
      "llm.cost.completion_details.output": 0.0075,
      "llm.cost.completion_details.reasoning": 0.0044,
      "llm.cost.completion_details.audio": 0,
    });
  });

  test("leaves out the details the breakdown does not have", () => {
    const breakdown = computeCost({ model: "gpt-4o", provider: "openai", tokens: { prompt: 2000, cacheRead: 1500, completion: 300 } });
    assert.ok(breakdown);
    assert.deepEqual(costAttributes(breakdown), {
      "llm.cost.prompt": 0.003125,
      "llm.cost.completion": 0.003,
      "llm.cost.total": 0.006125,
      "llm.cost.prompt_details.input": 0.00125,
      "llm.cost.prompt_details.cache_read": 0.001875,
      "llm.cost.completion_details.output": 0.003,
    });
  });
});

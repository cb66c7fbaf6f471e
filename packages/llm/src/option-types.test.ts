// LlmOptions is read from @llm's option schema: what the type accepts, wrap() accepts; what it refuses (checked here
// at compile time by @ts-expect-error), wrap() refuses at run time too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { llm } from "./index.js";
import type { LlmOptions } from "./index.js";

const accepted: LlmOptions[] = [
  {},
  { provider: "openai", system: "openai", model: "gpt-4o-mini", invocationParameters: { temperature: 0, max_tokens: 64 } },
  { provider: undefined, system: undefined, model: undefined, invocationParameters: undefined },
];

const refused: LlmOptions[] = [
  // @ts-expect-error provider is a string
  { provider: 1 },
  // @ts-expect-error model is a string
  { model: ["gpt-4o"] },
  // @ts-expect-error invocationParameters is an object
  { invocationParameters: "temperature=0" },
];

test("LlmOptions: the values its type accepts pass llm.wrap(), the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) assert.doesNotThrow(() => llm.wrap(() => 1, options), JSON.stringify(options));
  for (const options of refused) {
    assert.throws(() => llm.wrap(() => 1, options), (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS", String(Object.keys(options)));
  }
});

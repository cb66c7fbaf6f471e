// PromptOptions is read from @prompt's option schema: what the type accepts, wrap() accepts; what it refuses (checked here
// at compile time by @ts-expect-error), wrap() refuses at run time too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { prompt } from "./index.js";
import type { PromptOptions } from "./index.js";

const accepted: PromptOptions[] = [
  {},
  { template: "Answer {q}", version: "v2", vendor: "hub", promptId: "p1", promptUrl: "https://example.com/p1" },
  { template: "", variables: (question: string) => ({ question }) },
  { variables: () => undefined },
];

const refused: PromptOptions[] = [
  // @ts-expect-error template is a string
  { template: 1 },
  // @ts-expect-error variables is a function
  { variables: { q: 1 } },
  // @ts-expect-error promptUrl is a string
  { promptUrl: new URL("https://example.com") },
];

test("PromptOptions: the values its type accepts pass prompt.wrap(), the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) assert.doesNotThrow(() => prompt.wrap(() => 1, options), JSON.stringify(options));
  for (const options of refused) {
    assert.throws(() => prompt.wrap(() => 1, options), (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS", String(Object.keys(options)));
  }
});

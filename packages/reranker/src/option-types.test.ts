// RerankerOptions is read from @reranker's option schema: what the type accepts, wrap() accepts; what it refuses (checked here
// at compile time by @ts-expect-error), wrap() refuses at run time too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { reranker } from "./index.js";
import type { RerankerOptions } from "./index.js";

const accepted: RerankerOptions[] = [
  {},
  { model: "rerank-v3.5", topK: 3, maxDocuments: 0 },
  { topK: undefined },
];

const refused: RerankerOptions[] = [
  // @ts-expect-error model is a string
  { model: null },
  // @ts-expect-error topK is a number
  { topK: "3" },
  // @ts-expect-error maxDocuments is a number
  { maxDocuments: [1] },
];

test("RerankerOptions: the values its type accepts pass reranker.wrap(), the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) assert.doesNotThrow(() => reranker.wrap(() => 1, options), JSON.stringify(options));
  for (const options of refused) {
    assert.throws(() => reranker.wrap(() => 1, options), (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS", String(Object.keys(options)));
  }
});

// EmbeddingOptions is read from @embedding's option schema: what the type accepts, wrap() accepts; what it refuses (checked here
// at compile time by @ts-expect-error), wrap() refuses at run time too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { embedding } from "./index.js";
import type { EmbeddingOptions } from "./index.js";

const accepted: EmbeddingOptions[] = [
  {},
  { model: "text-embedding-3-small", maxEmbeddings: 0, maxVectors: 16 },
  { model: undefined, maxEmbeddings: undefined, maxVectors: undefined },
];

const refused: EmbeddingOptions[] = [
  // @ts-expect-error model is a string
  { model: 3 },
  // @ts-expect-error maxEmbeddings is a number
  { maxEmbeddings: "10" },
  // @ts-expect-error maxVectors is a number
  { maxVectors: true },
];

test("EmbeddingOptions: the values its type accepts pass embedding.wrap(), the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) assert.doesNotThrow(() => embedding.wrap(() => 1, options), JSON.stringify(options));
  for (const options of refused) {
    assert.throws(() => embedding.wrap(() => 1, options), (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS", String(Object.keys(options)));
  }
});

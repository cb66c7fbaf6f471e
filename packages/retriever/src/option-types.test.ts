// RetrieverOptions is read from @retriever's option schema: what the type accepts, wrap() accepts; what it refuses (checked here
// at compile time by @ts-expect-error), wrap() refuses at run time too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { retriever } from "./index.js";
import type { RetrieverOptions } from "./index.js";

const accepted: RetrieverOptions[] = [
  {},
  { maxDocuments: 0 },
  { maxDocuments: 100 },
];

const refused: RetrieverOptions[] = [
  // @ts-expect-error maxDocuments is a number
  { maxDocuments: "100" },
];

test("RetrieverOptions: the values its type accepts pass retriever.wrap(), the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) assert.doesNotThrow(() => retriever.wrap(() => 1, options), JSON.stringify(options));
  for (const options of refused) {
    assert.throws(() => retriever.wrap(() => 1, options), (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS", String(Object.keys(options)));
  }
});

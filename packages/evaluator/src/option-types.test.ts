// EvaluatorOptions is read from @evaluator's option schema: what the type accepts, wrap() accepts; what it refuses (checked here
// at compile time by @ts-expect-error), wrap() refuses at run time too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { evaluator } from "./index.js";
import type { EvaluatorOptions, AnnotatorKind } from "./index.js";

const accepted: EvaluatorOptions[] = [
  {},
  { metric: "relevance", annotatorKind: "LLM" },
  { annotatorKind: "HUMAN" },
  { annotatorKind: "CODE" },
  { annotatorKind: "my-judge" satisfies AnnotatorKind },
  { metric: undefined, annotatorKind: undefined },
];

const refused: EvaluatorOptions[] = [
  // @ts-expect-error metric is a string
  { metric: false },
  // @ts-expect-error annotatorKind is a string
  { annotatorKind: 1 },
];

test("EvaluatorOptions: the values its type accepts pass evaluator.wrap(), the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) assert.doesNotThrow(() => evaluator.wrap(() => 1, options), JSON.stringify(options));
  for (const options of refused) {
    assert.throws(() => evaluator.wrap(() => 1, options), (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS", String(Object.keys(options)));
  }
});

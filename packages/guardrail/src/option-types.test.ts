// GuardrailOptions is read from @guardrail's option schema: what the type accepts, wrap() accepts; what it refuses (checked here
// at compile time by @ts-expect-error), wrap() refuses at run time too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { isCalltreeError } from "@calltree/core";
import { guardrail } from "./index.js";
import type { GuardrailOptions } from "./index.js";

const accepted: GuardrailOptions[] = [
  {},
  { verdict: (r: { flagged: boolean }) => ({ passed: !r.flagged, reason: "policy", score: 0.5 }) },
  { verdict: () => undefined },
  { verdict: undefined, name: "moderation" },
];

const refused: GuardrailOptions[] = [
  // @ts-expect-error verdict is a function
  { verdict: true },
];

test("GuardrailOptions: the values its type accepts pass guardrail.wrap(), the ones it refuses fail with INVALID_OPTIONS", () => {
  for (const options of accepted) assert.doesNotThrow(() => guardrail.wrap(() => 1, options), JSON.stringify(options));
  for (const options of refused) {
    assert.throws(() => guardrail.wrap(() => 1, options), (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS", String(Object.keys(options)));
  }
});

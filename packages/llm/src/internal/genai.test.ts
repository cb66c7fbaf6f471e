import assert from "node:assert/strict";
import { test } from "node:test";
import { GEN_AI } from "./genai.js";

test("the gen_ai.* names read on nested spans are OpenTelemetry's own constants", async () => {
  const entry: string = "@opentelemetry/semantic-conventions/incubating";
  const semconv = (await import(entry)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(GEN_AI)) {
    assert.equal(value, semconv[`ATTR_GEN_AI_${name}`], name);
  }
});

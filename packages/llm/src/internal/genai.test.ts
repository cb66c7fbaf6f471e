import assert from "node:assert/strict";
import { test } from "node:test";
import { GEN_AI } from "./genai.js";

test("the gen_ai.* names read on nested spans are OpenTelemetry's own constants", async () => {
  const semconv: Record<string, unknown> = await import("@opentelemetry/semantic-conventions/incubating");
  for (const [name, value] of Object.entries(GEN_AI)) {
    assert.equal(value, semconv[`ATTR_GEN_AI_${name}`], name);
  }
});

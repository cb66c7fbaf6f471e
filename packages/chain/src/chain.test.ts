import { test } from "node:test";
import assert from "node:assert/strict";
import { captureTraces } from "@calltree/testing";
import { chain } from "./index.js";

test("@chain records a CHAIN span with input, output and code location; chain.wrap too", async () => {
  using traces = captureTraces();
  class Pipeline {
    @chain async answer(question: string) {
      return { question, answer: "Beijing" };
    }
  }
  const normalize = chain.wrap(function normalize(text: string) {
    return text.trim().toLowerCase();
  });
  assert.deepEqual(await new Pipeline().answer("Capital?"), { question: "Capital?", answer: "Beijing" });
  assert.equal(normalize("  HI "), "hi");
  const a = traces.get({ name: "Pipeline.answer" }).attributes;
  assert.equal(a["openinference.span.kind"], "CHAIN");
  assert.equal(a["input.value"], "Capital?");
  assert.equal(a["input.mime_type"], "text/plain");
  assert.equal(a["output.value"], '{"question":"Capital?","answer":"Beijing"}');
  assert.equal(a["output.mime_type"], "application/json");
  assert.match(String(a["code.file.path"]), /chain\.test\.(js|ts)$/);
  assert.equal(traces.get({ name: "normalize" }).attributes["output.value"], "hi");
  assert.equal(chain.spanKind, "CHAIN");
  assert.equal(chain.kindName, "chain");
});

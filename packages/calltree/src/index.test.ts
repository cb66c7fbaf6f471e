import { test } from "node:test";
import assert from "node:assert/strict";
import * as umbrella from "./index.js";
import { captureTraces } from "@calltree/testing";

test("calltree re-exports every OpenInference kind, working, with the kind it names", async () => {
  using traces = captureTraces();
  const kinds = {
    agent: "AGENT", chain: "CHAIN", embedding: "EMBEDDING", evaluator: "EVALUATOR", guardrail: "GUARDRAIL",
    llm: "LLM", prompt: "PROMPT", reranker: "RERANKER", retriever: "RETRIEVER", tool: "TOOL",
  } as const;
  for (const [name, spanKind] of Object.entries(kinds)) {
    const kind = umbrella[name as keyof typeof kinds];
    assert.equal(kind.spanKind, spanKind);
    const f = (kind.wrap as (fn: () => string, o?: object) => () => string)(() => "ok", { name: `umbrella-${name}` });
    assert.equal(f(), "ok");
    assert.equal(traces.get({ name: `umbrella-${name}` }).attributes["openinference.span.kind"], spanKind);
  }
  assert.equal(typeof umbrella.register, "function");
  assert.equal(typeof umbrella.withSession, "function");
});

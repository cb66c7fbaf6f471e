import { test } from "node:test";
import assert from "node:assert/strict";
import { OpenInferenceSpanKind, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { onlySpan, runExample, runExampleExporting } from "@calltree-examples/example-runner";

const main = new URL("./main.js", import.meta.url);

test("openai-auto: the instrumentation's LLM spans nest under @chain, under @agent, in one printed tree", () => {
  const run = runExample(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "route: Paris → Rome\n");
  assert.deepEqual(run.outline, [
    "AGENT TripPlanner.plan",
    "  CHAIN TripPlanner.capitalOf",
    "    LLM OpenAI Chat Completions",
    "  CHAIN TripPlanner.capitalOf",
    "    LLM OpenAI Chat Completions",
  ]);
  assert.match(run.stderr, /LLM OpenAI Chat Completions .*gpt-4o-mini.*14 tok(ens)? \(13 in, 1 out\)/);
  assert.deepEqual(run.diagnostics, []);
});

test("openai-auto: exported, the SDK spans come from the OpenInference instrumentation and carry model, messages and tokens", () => {
  const run = runExampleExporting(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.traces.length, 1, "one trace");
  assert.equal(run.spans.length, 5);

  const plan = onlySpan(run.spans, "TripPlanner.plan");
  assert.equal(plan.parentSpanId, undefined);
  assert.equal(plan.attributes[SemanticConventions.AGENT_NAME], "TripPlanner");
  const chains = run.spans.filter((s) => s.name === "TripPlanner.capitalOf");
  const llms = run.spans.filter((s) => s.name === "OpenAI Chat Completions");
  assert.equal(chains.length, 2);
  assert.deepEqual(chains.map((c) => c.parentSpanId), [plan.spanId, plan.spanId]);
  assert.deepEqual(
    chains.map((c) => c.attributes[SemanticConventions.INPUT_VALUE]).sort(),
    ["France", "Italy"],
  );

  for (const span of llms) {
    assert.equal(span.scope?.name, "@arizeai/openinference-instrumentation-openai");
    assert.equal(span.attributes[SemanticConventions.OPENINFERENCE_SPAN_KIND], OpenInferenceSpanKind.LLM);
    assert.equal(span.attributes[SemanticConventions.LLM_MODEL_NAME], "gpt-4o-mini");
    assert.equal(span.attributes[SemanticConventions.LLM_TOKEN_COUNT_PROMPT], 13);
    assert.equal(span.attributes[SemanticConventions.LLM_TOKEN_COUNT_COMPLETION], 1);
    const parent = chains.find((c) => c.spanId === span.parentSpanId);
    assert.ok(parent, "each SDK span's parent is a capitalOf chain");
    const country = parent.attributes[SemanticConventions.INPUT_VALUE];
    assert.equal(
      span.attributes[`${SemanticConventions.LLM_INPUT_MESSAGES}.0.${SemanticConventions.MESSAGE_CONTENT}`],
      `What is the capital of ${String(country)}? Answer with the name only.`,
    );
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { onlySpan, runExample, runExampleExporting } from "@calltree-examples/example-runner";

const main = new URL("./main.js", import.meta.url);

test("functions: the quickstart's tree from wrapped functions, each span named after its function", () => {
  const run = runExample(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "answer: Beijing (21.9M), Tokyo (14.1M)\n");
  assert.deepEqual(run.outline, [
    "AGENT geographer",
    "  LLM ask",
    "  LLM ask",
    "  AGENT summarizer",
    "    TOOL population",
    "    TOOL population",
  ]);
  assert.equal((run.stderr.match(/LLM ask .*gpt-4o-mini.*15 tok(ens)? \(14 in, 1 out\)/g) ?? []).length, 2);
  assert.deepEqual(run.diagnostics, []);
});

test("functions: exported, wrapped functions record what decorated methods record", () => {
  const run = runExampleExporting(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.traces.length, 1);
  const root = onlySpan(run.spans, "geographer");
  assert.equal(root.attributes[SemanticConventions.AGENT_NAME], "geographer");
  assert.equal(root.attributes[SemanticConventions.OUTPUT_VALUE], "Beijing (21.9M), Tokyo (14.1M)");
  const summarizer = onlySpan(run.spans, "summarizer");
  assert.equal(summarizer.parentSpanId, root.spanId);
  assert.equal(summarizer.attributes[SemanticConventions.GRAPH_NODE_PARENT_ID], root.attributes[SemanticConventions.GRAPH_NODE_ID]);
  assert.equal(summarizer.attributes[SemanticConventions.INPUT_VALUE], '["Beijing","Tokyo"]');

  const asks = run.spans.filter((s) => s.name === "ask");
  assert.deepEqual(asks.map((s) => s.parentSpanId), [root.spanId, root.spanId]);
  for (const span of asks) {
    assert.equal(span.attributes[SemanticConventions.LLM_PROVIDER], "openai");
    assert.equal(span.attributes[SemanticConventions.LLM_MODEL_NAME], "gpt-4o-mini");
    assert.equal(span.attributes[SemanticConventions.LLM_INVOCATION_PARAMETERS], '{"model":"gpt-4o-mini","temperature":0}');
    assert.match(
      String(span.attributes[`${SemanticConventions.LLM_INPUT_MESSAGES}.0.${SemanticConventions.MESSAGE_CONTENT}`]),
      /^What's the capital of (China|Japan)\? Just give me the name\.$/,
    );
  }

  const tools = run.spans.filter((s) => s.name === "population");
  assert.deepEqual(tools.map((s) => s.attributes[SemanticConventions.OUTPUT_VALUE]).sort(), ["14.1", "21.9"]);
  for (const span of tools) {
    assert.equal(span.parentSpanId, summarizer.spanId);
    assert.equal(span.attributes[SemanticConventions.TOOL_NAME], "population");
    assert.equal(span.attributes[SemanticConventions.TOOL_DESCRIPTION], "Population of a city, in millions");
  }
  for (const span of run.spans) assert.equal(span.attributes[SemanticConventions.SESSION_ID], "functions");
});

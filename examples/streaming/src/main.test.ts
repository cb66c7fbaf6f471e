import { test } from "node:test";
import assert from "node:assert/strict";
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { FIRST_TOKEN_EVENT } from "@calltree/core";
import { onlySpan, runExample, runExampleExporting } from "@calltree-examples/example-runner";

const main = new URL("./main.js", import.meta.url);
const ANSWER = "You said: Write a haiku about distributed tracing.";

test("streaming: the tokens are printed as they arrive and the LLM span, with its token usage, nests under the agent", () => {
  const run = runExample(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `${ANSWER}\n`);
  assert.deepEqual(run.outline, ["AGENT Poet.write", "  LLM Poet.stream"]);
  assert.match(run.stderr, /LLM Poet\.stream .*gpt-4o-mini.*17 tok(ens)? \(7 in, 10 out\)/);
  assert.deepEqual(run.diagnostics, []);
});

test("streaming: exported, the LLM span ends after the stream is read and carries the first-token event and the answer", () => {
  const run = runExampleExporting(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.traces.length, 1);
  const write = onlySpan(run.spans, "Poet.write");
  const stream = onlySpan(run.spans, "Poet.stream");
  assert.equal(stream.parentSpanId, write.spanId);

  const firstToken = stream.events.filter((e) => e.name === FIRST_TOKEN_EVENT);
  assert.equal(firstToken.length, 1);
  const at = firstToken[0]!.timeUnixNano;
  // The stand-in pauses between chunks, so the first one arrives strictly before the stream (and the span) ends.
  assert.ok(stream.startTimeUnixNano <= at && at < stream.endTimeUnixNano, `first token at ${at}, span ${stream.startTimeUnixNano}..${stream.endTimeUnixNano}`);

  assert.equal(stream.attributes[SemanticConventions.OUTPUT_VALUE], ANSWER);
  assert.equal(stream.attributes[`${SemanticConventions.LLM_OUTPUT_MESSAGES}.0.${SemanticConventions.MESSAGE_CONTENT}`], ANSWER);
  assert.equal(stream.attributes[SemanticConventions.LLM_TOKEN_COUNT_PROMPT], 7);
  assert.equal(stream.attributes[SemanticConventions.LLM_TOKEN_COUNT_COMPLETION], 10);
  assert.equal(stream.attributes[SemanticConventions.LLM_TOKEN_COUNT_TOTAL], 17);
  assert.equal(write.attributes[SemanticConventions.OUTPUT_VALUE], ANSWER);
});

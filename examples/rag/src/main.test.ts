import { test } from "node:test";
import assert from "node:assert/strict";
import { OpenInferenceSpanKind, SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { onlySpan, runExample, runExampleExporting } from "@calltree-examples/example-runner";
import type { RenderSpan } from "@calltree-examples/example-runner";

const main = new URL("./main.js", import.meta.url);
const QUESTION = "What is the capital city of France?";

/** The `id` of every document recorded under `prefix` (`retrieval.documents`, `reranker.output_documents`...). */
function documentIds(span: RenderSpan, prefix: string): unknown[] {
  const ids: unknown[] = [];
  for (let i = 0; `${prefix}.${i}.${SemanticConventions.DOCUMENT_ID}` in span.attributes; i++) {
    ids.push(span.attributes[`${prefix}.${i}.${SemanticConventions.DOCUMENT_ID}`]);
  }
  return ids;
}

test("rag: an indexing trace, then one trace for the question: retriever (with its embedding), reranker, LLM", () => {
  const run = runExample(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "indexed 6 passages\nanswer: Paris\n");
  assert.deepEqual(run.outline, [
    "CHAIN Library.index",
    "  EMBEDDING Library.embed",
    "CHAIN Library.ask",
    "  RETRIEVER Library.search",
    "    EMBEDDING Library.embed",
    "  RERANKER Library.rerank",
    "  LLM Library.answer",
  ]);
  assert.match(run.stderr, /EMBEDDING Library\.embed .*text-embedding-3-small.*64 tok(ens)? \(64 in, 0 out\)/);
  assert.match(run.stderr, /RERANKER Library\.rerank .*rerank-v3\.5/);
  assert.match(run.stderr, /LLM Library\.answer .*gpt-4o-mini.*42 tok(ens)? \(41 in, 1 out\)/);
  assert.deepEqual(run.diagnostics, []);
});

test("rag: exported, each step records its documents and the answer's prompt holds the reranked passages", () => {
  const run = runExampleExporting(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.traces.length, 2);
  const [indexing, asking] = run.traces;

  const index = indexing!.roots[0]!;
  assert.equal(index.span.name, "Library.index");
  const indexEmbedding = index.children[0]!.span;
  assert.equal(indexEmbedding.attributes[SemanticConventions.EMBEDDING_MODEL_NAME], "text-embedding-3-small");
  assert.equal(
    indexEmbedding.attributes[`${SemanticConventions.EMBEDDING_EMBEDDINGS}.0.${SemanticConventions.EMBEDDING_TEXT}`],
    "Paris is the capital of France and sits on the Seine.",
  );
  const vector = indexEmbedding.attributes[`${SemanticConventions.EMBEDDING_EMBEDDINGS}.5.${SemanticConventions.EMBEDDING_VECTOR}`];
  assert.ok(Array.isArray(vector) && vector.length === 8, "the stand-in's 8-dimensional vectors are recorded");

  const spans = run.spans.filter((s) => asking!.roots[0]!.span.traceId === s.traceId);
  const search = onlySpan(spans, "Library.search");
  assert.equal(search.attributes[SemanticConventions.OPENINFERENCE_SPAN_KIND], OpenInferenceSpanKind.RETRIEVER);
  // The stand-in's vectors come from a hash of the text: a fixed order, unrelated to meaning.
  assert.deepEqual(documentIds(search, SemanticConventions.RETRIEVAL_DOCUMENTS), ["rome", "paris", "seine", "berlin"]);
  assert.equal(search.attributes[`${SemanticConventions.RETRIEVAL_DOCUMENTS}.1.${SemanticConventions.DOCUMENT_METADATA}`], '{"source":"atlas"}');

  const rerank = onlySpan(spans, "Library.rerank");
  assert.equal(rerank.attributes[SemanticConventions.RERANKER_QUERY], QUESTION);
  assert.equal(rerank.attributes[SemanticConventions.RERANKER_TOP_K], 2);
  assert.deepEqual(documentIds(rerank, SemanticConventions.RERANKER_INPUT_DOCUMENTS), ["rome", "paris", "seine", "berlin"]);
  // Cohere-style relevance (the stand-in: share of the question's words in the passage) puts Paris first.
  assert.deepEqual(documentIds(rerank, SemanticConventions.RERANKER_OUTPUT_DOCUMENTS), ["paris", "rome"]);
  assert.equal(rerank.attributes[`${SemanticConventions.RERANKER_OUTPUT_DOCUMENTS}.0.${SemanticConventions.DOCUMENT_SCORE}`], 0.7143);

  const answer = onlySpan(spans, "Library.answer");
  assert.equal(
    answer.attributes[`${SemanticConventions.LLM_INPUT_MESSAGES}.0.${SemanticConventions.MESSAGE_CONTENT}`],
    "Answer from these passages only:\n- Paris is the capital of France and sits on the Seine.\n- Rome, the capital of Italy, was built on seven hills.",
  );
  assert.equal(answer.attributes[`${SemanticConventions.LLM_INPUT_MESSAGES}.1.${SemanticConventions.MESSAGE_CONTENT}`], QUESTION);
  assert.equal(answer.attributes[SemanticConventions.OUTPUT_VALUE], "Paris");
});

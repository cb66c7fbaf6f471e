import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { SpanStatusCode } from "@opentelemetry/api";
import { isCalltreeError } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import type { StandIn } from "@calltree-internal/llm-stand-in";
import { reranker, RERANKER_INPUT_DOCUMENTS_OMITTED, RERANKER_OUTPUT_DOCUMENTS_OMITTED } from "./index.js";

/** The `reranker.*` attributes of a span, for exact comparison. */
function rerankerAttributes(attributes: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) if (k.startsWith("reranker.")) out[k] = v;
  return out;
}

/** The LLM stand-in on 127.0.0.1, scripted to answer every POST with `reply(body)`; disposed with `await using`. */
function jsonServer(reply: (body: any) => unknown): Promise<StandIn> {
  return startStandIn({ respond: ({ body }) => ({ json: reply(body) }) });
}

describe("@reranker", () => {
  test("(query, documents, topK) with string documents and scored documents returned", async () => {
    using traces = captureTraces();
    class CrossEncoder {
      @reranker
      async rerank(query: string, documents: string[], topK: number) {
        return documents
          .map((content) => ({ content, score: content.includes(query) ? 0.9 : 0.1 }))
          .sort((a, b) => b.score - a.score)
          .slice(0, topK);
      }
    }
    const out = await new CrossEncoder().rerank("cat", ["a dog", "a cat", "a bird"], 2);
    assert.deepEqual(out, [{ content: "a cat", score: 0.9 }, { content: "a dog", score: 0.1 }]);
    const span = traces.get({ name: "CrossEncoder.rerank" });
    assert.equal(span.attributes["openinference.span.kind"], "RERANKER");
    assert.deepEqual(rerankerAttributes(span.attributes), {
      "reranker.query": "cat",
      "reranker.top_k": 2,
      "reranker.input_documents.0.document.content": "a dog",
      "reranker.input_documents.1.document.content": "a cat",
      "reranker.input_documents.2.document.content": "a bird",
      "reranker.output_documents.0.document.content": "a cat",
      "reranker.output_documents.0.document.score": 0.9,
      "reranker.output_documents.1.document.content": "a dog",
      "reranker.output_documents.1.document.score": 0.1,
    });
    assert.equal(span.attributes["input.value"], '{"query":"cat","documents":["a dog","a cat","a bird"],"topK":2}');
  });

  test("a Cohere rerank request and response over real HTTP: indices map back to the input documents", async () => {
    await using server = await jsonServer((body) => ({
      id: "r-1",
      results: [
        { index: 2, relevance_score: 0.98 },
        { index: 0, relevance_score: 0.42 },
      ],
      meta: { billed_units: { search_units: 1 } },
      echo: body.query,
    }));
    using traces = captureTraces();
    class Cohere {
      @reranker
      async rerank(request: { model: string; query: string; documents: string[]; top_n: number }) {
        const res = await fetch(`${server.url}/v2/rerank`, { method: "POST", body: JSON.stringify(request) });
        return (await res.json()) as { results: { index: number; relevance_score: number }[] };
      }
    }
    const response = await new Cohere().rerank({
      model: "rerank-v3.5",
      query: "capital of France",
      documents: ["Paris is the capital of France.", "Berlin is in Germany.", "France's capital is Paris."],
      top_n: 2,
    });
    assert.equal(response.results.length, 2);
    assert.equal((server.requests[0]!.body as { top_n: number }).top_n, 2);
    const span = traces.get({ name: "Cohere.rerank" });
    assert.deepEqual(rerankerAttributes(span.attributes), {
      "reranker.query": "capital of France",
      "reranker.top_k": 2,
      "reranker.model_name": "rerank-v3.5",
      "reranker.input_documents.0.document.content": "Paris is the capital of France.",
      "reranker.input_documents.1.document.content": "Berlin is in Germany.",
      "reranker.input_documents.2.document.content": "France's capital is Paris.",
      "reranker.output_documents.0.document.content": "France's capital is Paris.",
      "reranker.output_documents.0.document.score": 0.98,
      "reranker.output_documents.1.document.content": "Paris is the capital of France.",
      "reranker.output_documents.1.document.score": 0.42,
    });
  });

  test("object documents keep id and metadata through the index mapping; camelCase relevanceScore; returned document text", () => {
    using traces = captureTraces();
    const rerank = reranker.wrap(
      function rerank(_q: string, _docs: unknown[]) {
        return {
          results: [
            { index: 1, relevanceScore: 0.7 },
            { index: 5, relevance_score: 0.3, document: { text: "from the API" } },
          ],
        };
      },
      { model: "rerank-english-v3.0", topK: 2 },
    );
    rerank("q", [
      { id: "a", text: "alpha", metadata: { lang: "en" } },
      { id: 2, pageContent: "beta", metadata: { lang: "de" } },
    ]);
    assert.deepEqual(rerankerAttributes(traces.get({ name: "rerank" }).attributes), {
      "reranker.model_name": "rerank-english-v3.0",
      "reranker.top_k": 2,
      "reranker.query": "q",
      "reranker.input_documents.0.document.id": "a",
      "reranker.input_documents.0.document.content": "alpha",
      "reranker.input_documents.0.document.metadata": '{"lang":"en"}',
      "reranker.input_documents.1.document.id": 2,
      "reranker.input_documents.1.document.content": "beta",
      "reranker.input_documents.1.document.metadata": '{"lang":"de"}',
      "reranker.output_documents.0.document.id": 2,
      "reranker.output_documents.0.document.content": "beta",
      "reranker.output_documents.0.document.score": 0.7,
      "reranker.output_documents.0.document.metadata": '{"lang":"de"}',
      "reranker.output_documents.1.document.content": "from the API",
      "reranker.output_documents.1.document.score": 0.3,
    });
  });

  test("options model and topK win over the arguments; a response model is used when no option is given", () => {
    using traces = captureTraces();
    const withOptions = reranker.wrap(function withOptions(_r: object) { return { data: [], model: "from-response" }; }, {
      model: "option-model",
      topK: 7,
    });
    const voyage = reranker.wrap(function voyage(_r: object) {
      return { object: "list", data: [{ index: 0, relevance_score: 0.5 }], model: "rerank-2", usage: { total_tokens: 9 } };
    });
    withOptions({ query: "q", documents: ["x"], topK: 3, model: "request-model" });
    voyage({ query: "q", documents: ["x"], top_k: 1, model: "rerank-2-lite" });
    assert.deepEqual(rerankerAttributes(traces.get({ name: "withOptions" }).attributes), {
      "reranker.model_name": "option-model",
      "reranker.top_k": 7,
      "reranker.query": "q",
      "reranker.input_documents.0.document.content": "x",
    });
    assert.deepEqual(rerankerAttributes(traces.get({ name: "voyage" }).attributes), {
      "reranker.query": "q",
      "reranker.top_k": 1,
      "reranker.model_name": "rerank-2",
      "reranker.input_documents.0.document.content": "x",
      "reranker.output_documents.0.document.content": "x",
      "reranker.output_documents.0.document.score": 0.5,
    });
  });

  test("LangChain compressor shape (documents, query) returning documents with metadata.relevanceScore, and [doc, score] pairs", async () => {
    using traces = captureTraces();
    class Compressor {
      @reranker
      async compressDocuments(documents: { pageContent: string; metadata: Record<string, unknown> }[], _query: string) {
        return documents.slice(0, 1).map((d) => ({ ...d, metadata: { ...d.metadata, relevanceScore: 0.875 } }));
      }
    }
    const pairs = reranker.wrap(function pairs(_q: string, docs: string[]) {
      return docs.map((d, i) => [d, 1 - i / 4] as const);
    });
    await new Compressor().compressDocuments([{ pageContent: "one", metadata: { src: "a" } }], "query?");
    pairs("q", ["x", "y"]);
    assert.deepEqual(rerankerAttributes(traces.get({ name: "Compressor.compressDocuments" }).attributes), {
      "reranker.query": "query?",
      "reranker.input_documents.0.document.content": "one",
      "reranker.input_documents.0.document.metadata": '{"src":"a"}',
      "reranker.output_documents.0.document.content": "one",
      "reranker.output_documents.0.document.score": 0.875,
      "reranker.output_documents.0.document.metadata": '{"src":"a","relevanceScore":0.875}',
    });
    assert.deepEqual(rerankerAttributes(traces.get({ name: "pairs" }).attributes), {
      "reranker.query": "q",
      "reranker.input_documents.0.document.content": "x",
      "reranker.input_documents.1.document.content": "y",
      "reranker.output_documents.0.document.content": "x",
      "reranker.output_documents.0.document.score": 1,
      "reranker.output_documents.1.document.content": "y",
      "reranker.output_documents.1.document.score": 0.75,
    });
  });

  test("reranker.record() adds what the call does not show; recorded outputs replace reading the result", () => {
    using traces = captureTraces();
    class Judge {
      @reranker
      order(payload: string) {
        reranker.record({
          query: "best fruit",
          topK: 1,
          model: "llm-judge",
          inputDocuments: ["apple", { id: "b", content: "banana" }],
          outputDocuments: [{ index: 1, score: 0.6 }],
        });
        return { results: [{ index: 0, relevance_score: 0.1 }], echo: payload };
      }
    }
    const result = new Judge().order("opaque");
    assert.deepEqual(result, { results: [{ index: 0, relevance_score: 0.1 }], echo: "opaque" });
    assert.deepEqual(rerankerAttributes(traces.get({ name: "Judge.order" }).attributes), {
      "reranker.query": "best fruit",
      "reranker.top_k": 1,
      "reranker.model_name": "llm-judge",
      "reranker.input_documents.0.document.content": "apple",
      "reranker.input_documents.1.document.id": "b",
      "reranker.input_documents.1.document.content": "banana",
      "reranker.output_documents.0.document.id": "b",
      "reranker.output_documents.0.document.content": "banana",
      "reranker.output_documents.0.document.score": 0.6,
    });
  });

  test("maxDocuments caps each list and counts what was left out", () => {
    using traces = captureTraces();
    const rerank = reranker.wrap(
      function capped(_q: string, docs: string[]) {
        return docs.map((_d, index) => ({ index, relevance_score: 1 / (index + 1) }));
      },
      { maxDocuments: 2 },
    );
    rerank("q", ["a", "b", "c", "d"]);
    const attrs = traces.get({ name: "capped" }).attributes;
    assert.deepEqual(rerankerAttributes(attrs), {
      "reranker.query": "q",
      "reranker.input_documents.0.document.content": "a",
      "reranker.input_documents.1.document.content": "b",
      "reranker.output_documents.0.document.content": "a",
      "reranker.output_documents.0.document.score": 1,
      "reranker.output_documents.1.document.content": "b",
      "reranker.output_documents.1.document.score": 0.5,
    });
    assert.equal(attrs[RERANKER_INPUT_DOCUMENTS_OMITTED], 2);
    assert.equal(attrs[RERANKER_OUTPUT_DOCUMENTS_OMITTED], 2);
  });

  test("malformed shapes are recorded safely and the result is returned unchanged", async () => {
    using traces = captureTraces();
    const hostile = new Proxy({}, {
      get() {
        throw new Error("trap");
      },
      ownKeys() {
        throw new Error("trap");
      },
    });
    const oddResult = { results: [{ index: 9, relevance_score: 0.2 }, { index: -1, relevance_score: 0.1 }, null, hostile, { index: 0, relevance_score: "high" }] };
    const rerank = reranker.wrap(async function odd(_q: unknown, _d: unknown, _k: unknown) { return oddResult; });
    assert.equal(await rerank(42, "not-a-list", 0), oddResult);
    assert.deepEqual(rerankerAttributes(traces.get({ name: "odd" }).attributes), {
      "reranker.output_documents.0.document.score": 0.2,
      "reranker.output_documents.1.document.score": 0.1,
    });
    traces.reset();
    const notAList = { results: "nope", model: 12 };
    const plain = reranker.wrap(function plain(..._a: unknown[]) { return notAList; });
    assert.equal(plain({ query: 1, documents: "x", top_n: -3 }), notAList);
    assert.equal(plain(hostile), notAList);
    assert.equal(plain(), notAList);
    for (const span of traces.find({ name: "plain" })) {
      assert.deepEqual(rerankerAttributes(span.attributes), {});
      assert.equal(span.status.code, SpanStatusCode.UNSET);
    }
    assert.equal(traces.find({ name: "plain" }).length, 3);
  });

  test("errors are recorded and rethrown unchanged; the input is still recorded", async () => {
    using traces = captureTraces();
    const failure = new RangeError("rate limited");
    const rerank = reranker.wrap(async function failing(_q: string, _d: string[]): Promise<never> { throw failure; });
    await assert.rejects(rerank("q", ["a"]), (e) => e === failure);
    const span = traces.get({ name: "failing" });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.deepEqual(rerankerAttributes(span.attributes), {
      "reranker.query": "q",
      "reranker.input_documents.0.document.content": "a",
    });
  });

  test("invalid options throw a CalltreeError naming the option when the class is defined", () => {
    const cases: [object, RegExp][] = [
      [{ topK: 0 }, /option `topK`/],
      [{ topK: "3" }, /option `topK`/],
      [{ model: "" }, /option `model`/],
      [{ model: 5 }, /option `model`/],
      [{ maxDocuments: -2 }, /option `maxDocuments`/],
      [{ top_k: 2 }, /unknown option `top_k`/],
    ];
    for (const [opts, pattern] of cases) {
      assert.throws(
        () => {
          class Bad {
            @reranker(opts as any)
            rerank() { return []; }
          }
          return Bad;
        },
        (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS" && pattern.test(e.message),
        JSON.stringify(opts),
      );
    }
  });
});

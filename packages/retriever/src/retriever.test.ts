import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { SpanStatusCode } from "@opentelemetry/api";
import { Document } from "@langchain/core/documents";
import { FakeVectorStore } from "@langchain/core/utils/testing";
import { SyntheticEmbeddings } from "@langchain/core/utils/testing";
import { isCalltreeError } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { retriever, RETRIEVAL_DOCUMENTS_OMITTED } from "./index.js";
import type { RetrievedDocument } from "./index.js";

/** The `retrieval.documents.*` attributes of a span, for exact comparison. */
function documents(attributes: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) if (k.startsWith("retrieval.documents.")) out[k] = v;
  return out;
}

describe("@retriever", () => {
  test("as a bare decorator: a RETRIEVER span with the query as input and string documents", async () => {
    using traces = captureTraces();
    class Store {
      @retriever
      async search(query: string) {
        return [`${query} one`, `${query} two`];
      }
    }
    assert.deepEqual(await new Store().search("cats"), ["cats one", "cats two"]);
    const span = traces.get({ name: "Store.search" });
    assert.equal(span.attributes["openinference.span.kind"], "RETRIEVER");
    assert.equal(span.attributes["input.value"], "cats");
    assert.equal(span.attributes["input.mime_type"], "text/plain");
    assert.equal(span.attributes["output.value"], '["cats one","cats two"]');
    assert.deepEqual(documents(span.attributes), {
      "retrieval.documents.0.document.content": "cats one",
      "retrieval.documents.1.document.content": "cats two",
    });
  });

  test("{ id, content, score, metadata } objects: every field, metadata as a JSON string", () => {
    using traces = captureTraces();
    class Store {
      @retriever({ name: "kb.search" })
      search(_q: string) {
        return [
          { id: "a", content: "alpha", score: 0.9, metadata: { source: "wiki", page: 3 } },
          { id: 7, content: "beta", score: 0.5 },
          { content: "gamma", metadata: "raw-meta" },
        ];
      }
    }
    new Store().search("q");
    const span = traces.get({ name: "kb.search" });
    assert.deepEqual(documents(span.attributes), {
      "retrieval.documents.0.document.id": "a",
      "retrieval.documents.0.document.content": "alpha",
      "retrieval.documents.0.document.score": 0.9,
      "retrieval.documents.0.document.metadata": '{"source":"wiki","page":3}',
      "retrieval.documents.1.document.id": 7,
      "retrieval.documents.1.document.content": "beta",
      "retrieval.documents.1.document.score": 0.5,
      "retrieval.documents.2.document.content": "gamma",
      "retrieval.documents.2.document.metadata": "raw-meta",
    });
  });

  test("LangChain Documents (pageContent, metadata, id)", async () => {
    using traces = captureTraces();
    const search = retriever.wrap(async function lcSearch(_q: string) {
      return [
        new Document({ pageContent: "Paris is the capital of France.", metadata: { source: "geo.txt" }, id: "doc-1" }),
        new Document({ pageContent: "Berlin is in Germany.", metadata: {} }),
      ];
    });
    const docs = await search("capitals");
    assert.equal(docs.length, 2);
    assert.ok(docs[0] instanceof Document);
    const span = traces.get({ name: "lcSearch" });
    assert.deepEqual(documents(span.attributes), {
      "retrieval.documents.0.document.id": "doc-1",
      "retrieval.documents.0.document.content": "Paris is the capital of France.",
      "retrieval.documents.0.document.metadata": '{"source":"geo.txt"}',
      "retrieval.documents.1.document.content": "Berlin is in Germany.",
      "retrieval.documents.1.document.metadata": "{}",
    });
  });

  test("[document, score] pairs from a real LangChain vector store's similaritySearchWithScore", async () => {
    using traces = captureTraces();
    const store = await FakeVectorStore.fromTexts(
      ["red apples", "green pears", "blue sky"],
      [{ n: 1 }, { n: 2 }, { n: 3 }],
      new SyntheticEmbeddings({ vectorSize: 8 }),
    );
    class Search {
      @retriever
      async withScores(query: string, k: number) {
        return store.similaritySearchWithScore(query, k);
      }
    }
    const pairs = await new Search().withScores("red apples", 2);
    assert.equal(pairs.length, 2);
    const span = traces.get({ name: "Search.withScores" });
    assert.equal(span.attributes["input.value"], '{"query":"red apples","k":2}');
    const expected: Record<string, unknown> = {};
    pairs.forEach(([doc, score], i) => {
      expected[`retrieval.documents.${i}.document.content`] = doc.pageContent;
      expected[`retrieval.documents.${i}.document.score`] = score;
      expected[`retrieval.documents.${i}.document.metadata`] = JSON.stringify(doc.metadata);
    });
    assert.equal(expected["retrieval.documents.0.document.content"], "red apples");
    assert.deepEqual(documents(span.attributes), expected);
  });

  test("hand-written pairs and containers: { documents }, { matches }", () => {
    using traces = captureTraces();
    const pairs = retriever.wrap(function pairs() {
      return [["plain", 0.25], [{ pageContent: "lc", id: "x" }, 0.75]] as const;
    });
    const wrapped = retriever.wrap(function wrapped() {
      return { documents: ["d0", { text: "d1" }], total: 2 };
    });
    const pinecone = retriever.wrap(function pinecone() {
      return { matches: [{ id: "vec-1", score: 0.8, metadata: { text: "hello" } }], namespace: "" };
    });
    pairs();
    wrapped();
    pinecone();
    assert.deepEqual(documents(traces.get({ name: "pairs" }).attributes), {
      "retrieval.documents.0.document.content": "plain",
      "retrieval.documents.0.document.score": 0.25,
      "retrieval.documents.1.document.id": "x",
      "retrieval.documents.1.document.content": "lc",
      "retrieval.documents.1.document.score": 0.75,
    });
    assert.deepEqual(documents(traces.get({ name: "wrapped" }).attributes), {
      "retrieval.documents.0.document.content": "d0",
      "retrieval.documents.1.document.content": "d1",
    });
    assert.deepEqual(documents(traces.get({ name: "pinecone" }).attributes), {
      "retrieval.documents.0.document.id": "vec-1",
      "retrieval.documents.0.document.score": 0.8,
      "retrieval.documents.0.document.metadata": '{"text":"hello"}',
    });
  });

  test("a single string or document result is one document", () => {
    using traces = captureTraces();
    retriever.wrap(function context() { return "the whole context"; })();
    retriever.wrap(function one() { return { pageContent: "only", metadata: { a: 1 } }; })();
    assert.deepEqual(documents(traces.get({ name: "context" }).attributes), {
      "retrieval.documents.0.document.content": "the whole context",
    });
    assert.deepEqual(documents(traces.get({ name: "one" }).attributes), {
      "retrieval.documents.0.document.content": "only",
      "retrieval.documents.0.document.metadata": '{"a":1}',
    });
  });

  test("a returned async generator: documents yielded one by one or in batches are recorded when it ends", async () => {
    using traces = captureTraces();
    class Paged {
      @retriever({ maxDocuments: 3 })
      async *pages(_q: string) {
        yield ["p1-a", "p1-b"];
        yield { id: "x", content: "single", score: 0.5 };
        yield ["p2-a", "p2-b"];
      }
    }
    const seen: unknown[] = [];
    for await (const page of new Paged().pages("q")) seen.push(page);
    assert.equal(seen.length, 3);
    const span = traces.get({ name: "Paged.pages" });
    assert.deepEqual(documents(span.attributes), {
      "retrieval.documents.0.document.content": "p1-a",
      "retrieval.documents.1.document.content": "p1-b",
      "retrieval.documents.2.document.id": "x",
      "retrieval.documents.2.document.content": "single",
      "retrieval.documents.2.document.score": 0.5,
    });
    assert.equal(span.attributes[RETRIEVAL_DOCUMENTS_OMITTED], 2);
  });

  test("retriever.record({ documents }) records what the result does not show, and the result is not read", async () => {
    using traces = captureTraces();
    class Rag {
      @retriever
      async context(q: string) {
        const hits: RetrievedDocument[] = [{ id: 1, content: `${q}-a`, score: 0.4 }, "b"];
        retriever.record({ documents: hits });
        retriever.record({ documents: [["c", 0.1]] });
        return `${q}-a\nb`;
      }
    }
    assert.equal(await new Rag().context("q"), "q-a\nb");
    const span = traces.get({ name: "Rag.context" });
    assert.deepEqual(documents(span.attributes), {
      "retrieval.documents.0.document.id": 1,
      "retrieval.documents.0.document.content": "q-a",
      "retrieval.documents.0.document.score": 0.4,
      "retrieval.documents.1.document.content": "b",
      "retrieval.documents.2.document.content": "c",
      "retrieval.documents.2.document.score": 0.1,
    });
    assert.equal(span.attributes["output.value"], "q-a\nb");
  });

  test("retriever.record() outside a @retriever call does nothing and does not throw", () => {
    using traces = captureTraces();
    retriever.record({ documents: ["lost"] });
    assert.equal(traces.spans.length, 0);
  });

  test("maxDocuments caps the documents and counts the rest", () => {
    using traces = captureTraces();
    const many = retriever.wrap(function many() { return Array.from({ length: 5 }, (_, i) => `d${i}`); }, { maxDocuments: 2 });
    const none = retriever.wrap(function none() { return ["a", "b"]; }, { maxDocuments: 0 });
    const all = retriever.wrap(function all() { return Array.from({ length: 150 }, (_, i) => `d${i}`); });
    assert.equal(many().length, 5);
    none();
    all();
    const m = traces.get({ name: "many" }).attributes;
    assert.deepEqual(documents(m), {
      "retrieval.documents.0.document.content": "d0",
      "retrieval.documents.1.document.content": "d1",
    });
    assert.equal(m[RETRIEVAL_DOCUMENTS_OMITTED], 3);
    const n = traces.get({ name: "none" }).attributes;
    assert.deepEqual(documents(n), {});
    assert.equal(n[RETRIEVAL_DOCUMENTS_OMITTED], 2);
    const a = traces.get({ name: "all" }).attributes;
    assert.equal(Object.keys(documents(a)).length, 100, "default cap is 100");
    assert.equal(a["retrieval.documents.99.document.content"], "d99");
    assert.equal(a[RETRIEVAL_DOCUMENTS_OMITTED], 50);
  });

  test("malformed shapes are recorded safely and the result is returned unchanged", async () => {
    using traces = captureTraces();
    const hostile = {
      get content(): string {
        throw new Error("boom");
      },
      id: "h",
    };
    const weird = [null, undefined, 42, { unrelated: true }, hostile, [1, 2, 3], { id: "", content: null }];
    const search = retriever.wrap(async function weirdSearch() { return weird; });
    assert.equal(await search(), weird);
    const span = traces.get({ name: "weirdSearch" });
    assert.deepEqual(documents(span.attributes), {
      "retrieval.documents.0.document.content": "42",
      "retrieval.documents.1.document.content": '{"unrelated":true}',
      "retrieval.documents.2.document.id": "h",
      "retrieval.documents.3.document.content": "[1,2,3]",
    });
    for (const value of [42, "", { nothing: "here" }, new Map([["a", 1]]), Symbol("s")]) {
      const f = retriever.wrap(function odd() { return value; });
      assert.equal(f(), value);
    }
    assert.equal(traces.find({ name: "odd" }).length, 5);
    for (const s of traces.find({ name: "odd" })) assert.equal(s.status.code, SpanStatusCode.UNSET);
  });

  test("errors are recorded and rethrown unchanged", async () => {
    using traces = captureTraces();
    const failure = new Error("index offline");
    const search = retriever.wrap(async function failing(_q: string): Promise<string[]> { throw failure; });
    await assert.rejects(search("q"), (e) => e === failure);
    const span = traces.get({ name: "failing" });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.deepEqual(documents(span.attributes), {});
  });

  test("invalid options throw a CalltreeError naming the option when the class is defined", () => {
    assert.throws(
      () => {
        class Bad {
          @retriever({ maxDocuments: -1 })
          search() { return []; }
        }
        return Bad;
      },
      (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS" && /`maxDocuments`/.test(e.message),
    );
    assert.throws(
      () => retriever.wrap(() => [], { maxDocuments: 1.5 }),
      (e: unknown) => isCalltreeError(e) && /`maxDocuments`/.test(e.message),
    );
    assert.throws(
      // @ts-expect-error: an unknown option
      () => retriever.wrap(() => [], { topK: 3 }),
      (e: unknown) => isCalltreeError(e) && /unknown option `topK`/.test(e.message),
    );
  });

  test("methodsOf() reads back the options", () => {
    class Store {
      @retriever({ maxDocuments: 5 })
      search() { return []; }
    }
    const methods = retriever.methodsOf(Store);
    assert.equal(methods.length, 1);
    assert.equal(methods[0]!.methodName, "search");
    assert.equal(methods[0]!.options.maxDocuments, 5);
  });
});

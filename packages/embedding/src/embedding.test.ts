import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Attributes } from "@opentelemetry/api";
import { SpanStatusCode } from "@opentelemetry/api";
import OpenAI from "openai";
import { embed, embedMany } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { configureCapture, isCalltreeError, resetCapture } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import type { StandIn } from "@calltree-internal/llm-stand-in";
import { embedding, EMBEDDINGS_OMITTED, VECTORS_OMITTED } from "./index.js";

/** The `embedding.*` and `llm.token_count.*` attributes of a span, for exact comparison. */
function embeddingAttributes(attributes: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) {
    if (k.startsWith("embedding.") || k.startsWith("llm.token_count.")) out[k] = v;
  }
  return out;
}

function base64Floats(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

// Vectors whose values float32 holds exactly, so what the API sent and what the span holds compare exactly.
const VECTORS = [
  [0.5, -1.25, 2],
  [0.75, 0, -0.125],
  [1, 1.5, -2.5],
];

/**
 * The LLM stand-in as an OpenAI-compatible embeddings endpoint on 127.0.0.1, scripted to answer each input with one
 * of {@link VECTORS}, base64-encoded when the request asks for base64 (the openai SDK's default), as floats otherwise.
 */
function embeddingsServer(): Promise<StandIn> {
  return startStandIn({
    respond: ({ path, body }) => {
      if (path !== "/v1/embeddings") return undefined;
      const request = body as { input: unknown; encoding_format?: string };
      const inputs: unknown[] = Array.isArray(request.input) && typeof request.input[0] !== "number" ? request.input : [request.input];
      const data = inputs.map((_x, index) => {
        const vector = VECTORS[index % VECTORS.length]!;
        return { object: "embedding", index, embedding: request.encoding_format === "base64" ? base64Floats(vector) : vector };
      });
      return { json: { object: "list", data, model: "text-embedding-3-small", usage: { prompt_tokens: 7, total_tokens: 7 } } };
    },
  });
}

afterEach(() => resetCapture());

describe("@embedding with the openai SDK over real HTTP", () => {
  test("texts, decoded vectors, model and token counts from embeddings.create (APIPromise returned as is)", async () => {
    await using server = await embeddingsServer();
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "test-key", baseURL: server.openaiBaseURL, maxRetries: 0 });
    class Embedder {
      @embedding
      embed(texts: string[]) {
        return client.embeddings.create({ model: "text-embedding-3-small", input: texts });
      }
    }
    const response = await new Embedder().embed(["hello", "world"]);
    assert.equal((server.requests[0]!.body as Record<string, unknown>).encoding_format, "base64", "the SDK asked for base64 and decoded it");
    assert.deepEqual(response.data[0]!.embedding, VECTORS[0]);
    const span = traces.get({ name: "Embedder.embed" });
    assert.equal(span.attributes["openinference.span.kind"], "EMBEDDING");
    assert.deepEqual(embeddingAttributes(span.attributes), {
      "embedding.model_name": "text-embedding-3-small",
      "embedding.embeddings.0.embedding.text": "hello",
      "embedding.embeddings.1.embedding.text": "world",
      "embedding.embeddings.0.embedding.vector": VECTORS[0],
      "embedding.embeddings.1.embedding.vector": VECTORS[1],
      "llm.token_count.prompt": 7,
      "llm.token_count.total": 7,
    });
    assert.equal(span.attributes["input.value"], '["hello","world"]');
    assert.equal(
      span.attributes["output.value"],
      '{"object":"list","data":[{"object":"embedding","index":0,"embedding":"[3 floats]"},{"object":"embedding","index":1,"embedding":"[3 floats]"}],"model":"text-embedding-3-small","usage":{"prompt_tokens":7,"total_tokens":7}}',
    );
    assert.equal(span.attributes["output.mime_type"], "application/json");
  });

  test("wrapping the SDK call itself: the request object gives texts and model; base64 results are decoded", async () => {
    await using server = await embeddingsServer();
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "test-key", baseURL: server.openaiBaseURL, maxRetries: 0 });
    const create = embedding.wrap(
      (body: OpenAI.EmbeddingCreateParams) => client.embeddings.create(body),
      { name: "CreateEmbeddings" },
    );
    const response = await create({ model: "text-embedding-3-large", input: "one text", encoding_format: "base64" });
    assert.equal(typeof response.data[0]!.embedding, "string", "with an explicit base64 format the SDK returns the string");
    const span = traces.get({ name: "CreateEmbeddings" });
    assert.deepEqual(embeddingAttributes(span.attributes), {
      "embedding.model_name": "text-embedding-3-small",
      "embedding.embeddings.0.embedding.text": "one text",
      "embedding.embeddings.0.embedding.vector": VECTORS[0],
      "llm.token_count.prompt": 7,
      "llm.token_count.total": 7,
    });
    assert.equal(
      span.attributes["output.value"],
      '{"object":"list","data":[{"object":"embedding","index":0,"embedding":"[3 floats, base64]"}],"model":"text-embedding-3-small","usage":{"prompt_tokens":7,"total_tokens":7}}',
    );
  });

  test("token-id input has no text; the model option wins over request and response", async () => {
    await using server = await embeddingsServer();
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "test-key", baseURL: server.openaiBaseURL, maxRetries: 0 });
    const create = embedding.wrap(
      function tokens(input: number[]) {
        return client.embeddings.create({ model: "text-embedding-3-small", input });
      },
      { model: "my-deployment" },
    );
    await create([15339, 1917]);
    assert.deepEqual(embeddingAttributes(traces.get({ name: "tokens" }).attributes), {
      "embedding.model_name": "my-deployment",
      "embedding.embeddings.0.embedding.vector": VECTORS[0],
      "llm.token_count.prompt": 7,
      "llm.token_count.total": 7,
    });
  });

  test("the Vercel AI SDK's embed and embedMany, wrapped", async () => {
    await using server = await embeddingsServer();
    using traces = captureTraces();
    const provider = createOpenAI({ apiKey: "test-key", baseURL: server.openaiBaseURL });
    const tracedEmbed = embedding.wrap(embed);
    const tracedEmbedMany = embedding.wrap(embedMany);
    const one = await tracedEmbed({ model: provider.embedding("text-embedding-3-small"), value: "sunny day" });
    const many = await tracedEmbedMany({ model: provider.embedding("text-embedding-3-small"), values: ["a", "b"] });
    assert.deepEqual(one.embedding, VECTORS[0]);
    assert.equal(many.embeddings.length, 2);
    assert.deepEqual(embeddingAttributes(traces.get({ name: "embed" }).attributes), {
      "embedding.model_name": "text-embedding-3-small",
      "embedding.embeddings.0.embedding.text": "sunny day",
      "embedding.embeddings.0.embedding.vector": VECTORS[0],
      "llm.token_count.prompt": 7,
      "llm.token_count.total": 7,
    });
    assert.deepEqual(embeddingAttributes(traces.get({ name: "embedMany" }).attributes), {
      "embedding.model_name": "text-embedding-3-small",
      "embedding.embeddings.0.embedding.text": "a",
      "embedding.embeddings.1.embedding.text": "b",
      "embedding.embeddings.0.embedding.vector": VECTORS[0],
      "embedding.embeddings.1.embedding.vector": VECTORS[1],
      "llm.token_count.prompt": 7,
      "llm.token_count.total": 7,
    });
  });
});

describe("@embedding with plain signatures", () => {
  test("(text: string) => number[]", () => {
    using traces = captureTraces();
    class Local {
      @embedding({ model: "all-MiniLM-L6-v2" })
      embedOne(text: string) {
        return [text.length, 0.25];
      }
    }
    assert.deepEqual(new Local().embedOne("abc"), [3, 0.25]);
    const span = traces.get({ name: "Local.embedOne" });
    assert.deepEqual(embeddingAttributes(span.attributes), {
      "embedding.model_name": "all-MiniLM-L6-v2",
      "embedding.embeddings.0.embedding.text": "abc",
      "embedding.embeddings.0.embedding.vector": [3, 0.25],
    });
    assert.equal(span.attributes["input.value"], "abc");
    assert.equal(span.attributes["output.value"], '"[2 floats]"');
  });

  test("(texts: string[]) => Promise<number[][]> and Float32Array results", async () => {
    using traces = captureTraces();
    const batch = embedding.wrap(async function batch(texts: string[]) {
      return texts.map((t, i) => [i, t.length]);
    });
    const typed = embedding.wrap(function typed(texts: string[]) {
      return texts.map(() => new Float32Array([0.5, 0.25]));
    });
    assert.deepEqual(await batch(["a", "bb"]), [[0, 1], [1, 2]]);
    typed(["x"]);
    assert.deepEqual(embeddingAttributes(traces.get({ name: "batch" }).attributes), {
      "embedding.embeddings.0.embedding.text": "a",
      "embedding.embeddings.1.embedding.text": "bb",
      "embedding.embeddings.0.embedding.vector": [0, 1],
      "embedding.embeddings.1.embedding.vector": [1, 2],
    });
    assert.deepEqual(embeddingAttributes(traces.get({ name: "typed" }).attributes), {
      "embedding.embeddings.0.embedding.text": "x",
      "embedding.embeddings.0.embedding.vector": [0.5, 0.25],
    });
  });

  test("Ollama and Cohere response shapes", () => {
    using traces = captureTraces();
    const ollama = embedding.wrap(function ollama(_req: object) {
      return { model: "nomic-embed-text", embeddings: [[0.5, 1]], prompt_eval_count: 4 };
    });
    const cohere = embedding.wrap(function cohere(_req: object) {
      return { id: "e1", embeddings: { float: [[1, 2], [3, 4]] }, texts: ["p", "q"], meta: {} };
    });
    ollama({ model: "nomic-embed-text", input: "why?" });
    cohere({ model: "embed-v4.0", texts: ["p", "q"], input_type: "search_document" });
    assert.deepEqual(embeddingAttributes(traces.get({ name: "ollama" }).attributes), {
      "embedding.model_name": "nomic-embed-text",
      "embedding.embeddings.0.embedding.text": "why?",
      "embedding.embeddings.0.embedding.vector": [0.5, 1],
      "llm.token_count.prompt": 4,
      "llm.token_count.total": 4,
    });
    assert.deepEqual(embeddingAttributes(traces.get({ name: "cohere" }).attributes), {
      "embedding.model_name": "embed-v4.0",
      "embedding.embeddings.0.embedding.text": "p",
      "embedding.embeddings.1.embedding.text": "q",
      "embedding.embeddings.0.embedding.vector": [1, 2],
      "embedding.embeddings.1.embedding.vector": [3, 4],
    });
  });

  test("an output mapper is used as it is; captureOutput: false records no output, vectors included", () => {
    using traces = captureTraces();
    embedding.wrap(function mapped(_t: string) { return [1, 2]; }, { output: (v: number[]) => `dims=${v.length}` })("t");
    embedding.wrap(function silent(_t: string) { return [1, 2]; }, { captureOutput: false })("t");
    assert.equal(traces.get({ name: "mapped" }).attributes["output.value"], "dims=2");
    const silent = traces.get({ name: "silent" }).attributes;
    assert.equal(silent["output.value"], undefined);
    // The vectors are the output too: `false` means none of it on the span (docs/privacy.md).
    assert.equal(silent["embedding.embeddings.0.embedding.vector"], undefined);
  });
});

describe("@embedding bounds and masking", () => {
  test("maxEmbeddings and maxVectors bound a batch and count what was left out", () => {
    using traces = captureTraces();
    const embed = embedding.wrap(
      function capped(texts: string[]) {
        return texts.map((_t, i) => [i]);
      },
      { maxEmbeddings: 3, maxVectors: 2 },
    );
    embed(["t0", "t1", "t2", "t3", "t4"]);
    const attrs = traces.get({ name: "capped" }).attributes;
    assert.deepEqual(embeddingAttributes(attrs), {
      "embedding.embeddings.0.embedding.text": "t0",
      "embedding.embeddings.1.embedding.text": "t1",
      "embedding.embeddings.2.embedding.text": "t2",
      "embedding.embeddings.0.embedding.vector": [0],
      "embedding.embeddings.1.embedding.vector": [1],
    });
    assert.equal(attrs[EMBEDDINGS_OMITTED], 2);
    assert.equal(attrs[VECTORS_OMITTED], 3);
  });

  test("default bounds: 100 embeddings, 16 vectors", () => {
    using traces = captureTraces();
    const embed = embedding.wrap(function big(texts: string[]) {
      return texts.map(() => new Array(3072).fill(0.5));
    });
    embed(Array.from({ length: 1000 }, (_, i) => `text ${i}`));
    const attrs = traces.get({ name: "big" }).attributes;
    const keys = Object.keys(attrs);
    assert.equal(keys.filter((k) => k.endsWith(".embedding.text")).length, 100);
    assert.equal(keys.filter((k) => k.endsWith(".embedding.vector")).length, 16);
    assert.equal((attrs["embedding.embeddings.15.embedding.vector"] as number[]).length, 3072);
    assert.equal(attrs["embedding.embeddings.16.embedding.vector"], undefined);
    assert.equal(attrs["embedding.embeddings.99.embedding.text"], "text 99");
    assert.equal(attrs[EMBEDDINGS_OMITTED], 900);
    assert.equal(attrs[VECTORS_OMITTED], 984);
    assert.ok((attrs["output.value"] as string).length < 40_000);
  });

  test("maxVectors: 0 records texts only", () => {
    using traces = captureTraces();
    embedding.wrap(function textsOnly(t: string[]) { return t.map(() => [1]); }, { maxVectors: 0 })(["a"]);
    const attrs = traces.get({ name: "textsOnly" }).attributes;
    assert.deepEqual(embeddingAttributes(attrs), { "embedding.embeddings.0.embedding.text": "a" });
    assert.equal(attrs[VECTORS_OMITTED], 1);
  });

  test("hidden embedding vectors (OPENINFERENCE_HIDE_EMBEDDING_VECTORS) are not recorded; texts are", () => {
    configureCapture({ hide: { embeddingVectors: true } });
    using traces = captureTraces();
    class Local {
      @embedding
      embed(texts: string[]) {
        embedding.record({ embeddings: [{ index: 5, vector: [9, 9] }] });
        return texts.map(() => [0.5, 0.5]);
      }
    }
    new Local().embed(["secret-ish", "other"]);
    assert.deepEqual(embeddingAttributes(traces.get({ name: "Local.embed" }).attributes), {
      "embedding.embeddings.0.embedding.text": "secret-ish",
      "embedding.embeddings.1.embedding.text": "other",
    });
  });
});

describe("embedding.record()", () => {
  test("records model, embeddings and token counts the result does not show", async () => {
    using traces = captureTraces();
    class Indexer {
      @embedding
      async index(_docs: { id: string; body: string }[]) {
        embedding.record({
          model: "bge-small",
          embeddings: [{ text: "first", vector: [0.5] }, { index: 3, text: "fourth", vector: base64Floats([0.25, 4]) }],
          tokenCount: { prompt: 11, total: 11 },
        });
        return { stored: 2 };
      }
    }
    assert.deepEqual(await new Indexer().index([{ id: "1", body: "x" }]), { stored: 2 });
    const attrs = traces.get({ name: "Indexer.index" }).attributes;
    assert.deepEqual(embeddingAttributes(attrs), {
      "embedding.model_name": "bge-small",
      "embedding.embeddings.0.embedding.text": "first",
      "embedding.embeddings.0.embedding.vector": [0.5],
      "embedding.embeddings.3.embedding.text": "fourth",
      "embedding.embeddings.3.embedding.vector": [0.25, 4],
      "llm.token_count.prompt": 11,
      "llm.token_count.total": 11,
    });
    assert.equal(attrs["output.value"], '{"stored":2}');
  });

  test("outside an @embedding call it does nothing and does not throw", () => {
    using traces = captureTraces();
    embedding.record({ model: "x", embeddings: [{ vector: [1] }] });
    assert.equal(traces.spans.length, 0);
  });
});

describe("@embedding with malformed shapes", () => {
  test("bad vectors, bad base64, odd containers: recorded safely, the result unchanged", async () => {
    using traces = captureTraces();
    const hostile = new Proxy([] as unknown[], {
      get(_t, p) {
        if (p === "length") throw new Error("trap");
        return undefined;
      },
    });
    const results: unknown[] = [
      { data: "nope", model: 5, usage: { prompt_tokens: -1, total_tokens: 1.5 } },
      { data: [{ embedding: [1, "2"], index: 0 }, { embedding: [NaN], index: 1 }, { embedding: "%%%notbase64", index: 2 }, null, { embedding: "AAA=", index: 4 }] },
      [[], ["a"], [Infinity]],
      { embedding: { nested: true } },
      hostile,
      "just text",
      42,
      null,
    ];
    for (const value of results) {
      const f = embedding.wrap(async function odd(_x: unknown) { return value; });
      assert.equal(await f(hostile), value);
    }
    const spans = traces.find({ name: "odd" });
    assert.equal(spans.length, results.length);
    for (const span of spans) {
      assert.deepEqual(embeddingAttributes(span.attributes), {});
      assert.equal(span.status.code, SpanStatusCode.UNSET);
    }
  });

  test("errors are recorded and rethrown unchanged; texts recorded at the start stay", async () => {
    using traces = captureTraces();
    const failure = new Error("quota");
    const embed = embedding.wrap(async function failing(_t: string): Promise<number[]> { throw failure; }, { model: "m" });
    await assert.rejects(embed("keep me"), (e) => e === failure);
    const span = traces.get({ name: "failing" });
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.deepEqual(embeddingAttributes(span.attributes), {
      "embedding.model_name": "m",
      "embedding.embeddings.0.embedding.text": "keep me",
    });
  });
});

describe("@embedding options", () => {
  test("invalid options throw a CalltreeError naming the option when the class is defined", () => {
    const cases: [object, RegExp][] = [
      [{ model: 3 }, /option `model`/],
      [{ model: "" }, /option `model`/],
      [{ maxVectors: -1 }, /option `maxVectors`/],
      [{ maxVectors: 2.5 }, /option `maxVectors`/],
      [{ maxEmbeddings: "10" }, /option `maxEmbeddings`/],
      [{ modelName: "x" }, /unknown option `modelName`/],
    ];
    for (const [opts, pattern] of cases) {
      assert.throws(
        () => {
          class Bad {
            @embedding(opts as any)
            embed(t: string) { return [t.length]; }
          }
          return Bad;
        },
        (e: unknown) => isCalltreeError(e) && e.code === "INVALID_OPTIONS" && pattern.test(e.message),
        JSON.stringify(opts),
      );
    }
    assert.throws(() => embedding.wrap((t: string) => [t.length], { maxVectors: -5 }), (e: unknown) => isCalltreeError(e));
  });
});

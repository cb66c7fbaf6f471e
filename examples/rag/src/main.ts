// Retrieval-augmented generation over a few passages kept in memory: embed them once, then for a question embed
// it, retrieve the closest passages (cosine similarity), rerank them and answer from the best. Each step is one
// span of its OpenInference kind, so the trace shows which passages the answer came from.
// The models (embeddings, rerank, chat) are answered by a local stand-in unless OPENAI_API_KEY (and
// COHERE_API_KEY for the reranker) are set; traces print here as a tree unless PHOENIX_COLLECTOR_ENDPOINT is set.
import OpenAI from "openai";
import { chain, embedding, llm, register, reranker, retriever } from "calltree";
import { startStandIn } from "@calltree-internal/llm-stand-in";

const tracing = register({ projectName: "rag" });
const standIn = process.env.OPENAI_API_KEY ? undefined : await startStandIn();
// llm.fetch lets the @llm span below record the request the SDK sends (model, messages, tokens).
const openai = new OpenAI({ ...(standIn ? { baseURL: standIn.openaiBaseURL, apiKey: "stand-in" } : {}), fetch: llm.fetch });
const cohere = standIn
  ? { url: `${standIn.url}/v2/rerank`, apiKey: "stand-in" }
  : { url: "https://api.cohere.com/v2/rerank", apiKey: process.env.COHERE_API_KEY ?? "" };

interface Passage {
  id: string;
  content: string;
  metadata: { source: string };
}

interface Hit extends Passage {
  score: number;
}

const PASSAGES: Passage[] = [
  { id: "paris", content: "Paris is the capital of France and sits on the Seine.", metadata: { source: "atlas" } },
  { id: "rome", content: "Rome, the capital of Italy, was built on seven hills.", metadata: { source: "atlas" } },
  { id: "berlin", content: "Berlin became the capital of Germany again in 1990.", metadata: { source: "atlas" } },
  { id: "seine", content: "The Seine flows through Paris to the English Channel.", metadata: { source: "rivers" } },
  { id: "eiffel", content: "The Eiffel Tower in Paris was finished in 1889.", metadata: { source: "landmarks" } },
  { id: "tiber", content: "The Tiber runs through Rome to the sea.", metadata: { source: "rivers" } },
];

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb);
}

class Library {
  private readonly vectors = new Map<string, number[]>();

  @embedding
  embed(texts: string[]) {
    return openai.embeddings.create({ model: "text-embedding-3-small", input: texts });
  }

  @chain
  async index(passages: Passage[]): Promise<number> {
    const { data } = await this.embed(passages.map((p) => p.content));
    for (const item of data) this.vectors.set(passages[item.index]?.id ?? "", item.embedding);
    return this.vectors.size;
  }

  @retriever
  async search(query: string, k: number): Promise<Hit[]> {
    const [q] = (await this.embed([query])).data;
    return PASSAGES.map((p) => ({ ...p, score: cosine(q?.embedding ?? [], this.vectors.get(p.id) ?? []) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }

  @reranker({ model: "rerank-v3.5" })
  async rerank(query: string, hits: Hit[], topK: number): Promise<Hit[]> {
    const response = await fetch(cohere.url, {
      method: "POST",
      headers: { authorization: `Bearer ${cohere.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "rerank-v3.5", query, documents: hits.map((h) => h.content), top_n: topK }),
    });
    if (!response.ok) throw new Error(`rerank failed: HTTP ${response.status}`);
    const { results } = (await response.json()) as { results: Array<{ index: number; relevance_score: number }> };
    return results.flatMap((r) => {
      const hit = hits[r.index];
      return hit ? [{ ...hit, score: r.relevance_score }] : [];
    });
  }

  @llm({ provider: "openai" })
  async answer(question: string, passages: Hit[]): Promise<string> {
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      temperature: 0,
      messages: [
        { role: "system", content: `Answer from these passages only:\n${passages.map((p) => `- ${p.content}`).join("\n")}` },
        { role: "user", content: question },
      ],
    });
    return completion.choices[0]?.message.content ?? "";
  }

  @chain
  async ask(question: string): Promise<string> {
    const hits = await this.search(question, 4);
    const best = await this.rerank(question, hits, 2);
    return this.answer(question, best);
  }
}

try {
  const library = new Library();
  console.log(`indexed ${await library.index(PASSAGES)} passages`);
  console.log(`answer: ${await library.ask("What is the capital city of France?")}`);
} finally {
  await tracing.shutdown();
  await standIn?.close();
}

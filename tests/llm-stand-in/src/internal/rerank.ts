// POST /v1/rerank (and /v2/rerank), Cohere's shape: { query, documents, top_n } → results ordered by
// a deterministic relevance score (the share of the query's words found in the document).
import type { Exchange } from "./exchange.js";
import { isRecord } from "./conversation.js";
import { sendError, sendJson } from "./http.js";

function words(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []));
}

/** Share of the query's distinct words found in the document, in [0, 1], rounded to 4 places. */
function relevance(query: string, document: string): number {
  const q = words(query);
  if (q.size === 0) return 0;
  const d = words(document);
  let hits = 0;
  for (const w of q) if (d.has(w)) hits++;
  return Math.round((hits / q.size) * 10_000) / 10_000;
}

export async function rerank(ex: Exchange): Promise<void> {
  const { body } = ex;
  const documents = Array.isArray(body.documents)
    ? body.documents.map((d) => (typeof d === "string" ? d : isRecord(d) && typeof d.text === "string" ? d.text : undefined))
    : undefined;
  if (typeof body.query !== "string" || documents === undefined || documents.some((d) => d === undefined)) {
    sendError(ex.res, "cohere", 400, "'query' (string) and 'documents' (strings or { text }) are required.", ex.headers);
    return;
  }
  const query = body.query;
  const topN = typeof body.top_n === "number" && body.top_n > 0 ? Math.floor(body.top_n) : documents.length;
  const returnDocuments = body.return_documents === true;
  const results = documents
    .map((text = "", index) => ({ index, relevance_score: relevance(query, text), text }))
    // Stable: equal scores keep the documents' order.
    .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
    .slice(0, topN)
    .map(({ index, relevance_score, text }) => ({ index, relevance_score, ...(returnDocuments ? { document: { text } } : {}) }));
  sendJson(ex.res, 200, {
    id: ex.nextId("rerank-standin-"),
    results,
    meta: { api_version: { version: "2" }, billed_units: { search_units: 1 } },
  }, ex.headers);
}

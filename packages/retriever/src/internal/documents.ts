// Documents come from @calltree/core (shared with the reranker kind); what is retriever-specific stays here.
import { DOCUMENT_CONTENT_KEYS, read, readFirst } from "@calltree/core/kind";
export { isScoredPair, writeDocuments } from "@calltree/core/kind";

// Containers retrievers commonly wrap their hits in (LangChain-style stores, Pinecone `matches`, REST APIs).
const CONTAINER_KEYS = ["documents", "docs", "matches", "results"] as const;

function arrayOf(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/**
 * The list of documents in a retriever's result: an array of documents, an object holding one under
 * `documents`, `docs`, `matches` or `results`, or a single document (a string or an object with content).
 * `undefined` when the result holds none.
 * @internal
 */
export function documentList(result: unknown): unknown[] | undefined {
  if (result === undefined || result === null) return undefined;
  if (Array.isArray(result)) return result;
  if (typeof result === "string") return [result];
  if (typeof result !== "object" || ArrayBuffer.isView(result)) return undefined;
  const list = readFirst(result, CONTAINER_KEYS, arrayOf);
  if (list !== undefined) return list;
  for (const key of DOCUMENT_CONTENT_KEYS) {
    if (read(result, key) !== undefined) return [result];
  }
  return undefined;
}

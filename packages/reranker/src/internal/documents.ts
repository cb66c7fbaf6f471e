// Documents come from @calltree/core (shared with the retriever kind); small readers the reranker also needs.
export { readFirst, toDocument, writeDocuments } from "@calltree/core/kind";
export type { DocumentLike, FlatDocument } from "@calltree/core/kind";

/** `value` if it is a finite number. */
export function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

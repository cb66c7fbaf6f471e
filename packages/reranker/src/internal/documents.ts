// Documents come from @calltree/core (shared with the retriever kind); small readers the reranker also needs.
export { toDocument, writeDocuments } from "@calltree/core/kind";
export type { FlatDocument } from "@calltree/core/kind";
import type { FlatDocument } from "@calltree/core/kind";

/** `value` if it is a finite number. */
export function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** True when a document carries nothing. */
export function isEmpty(doc: FlatDocument): boolean {
  return doc.id === undefined && doc.content === undefined && doc.score === undefined && doc.metadata === undefined;
}

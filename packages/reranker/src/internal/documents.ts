// Documents come from @calltree/core (shared with the retriever kind); small readers the reranker also needs.
export { toDocument, writeDocuments } from "@calltree/core";
export type { FlatDocument } from "@calltree/core";
import type { FlatDocument } from "@calltree/core";

/** Reads `obj[key]`; a throwing getter or Proxy gives `undefined`. */
export function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A plain object (not an array, not binary data). */
export function isRecord(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** `value` if it is a finite number. */
export function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** True when a document carries nothing. */
export function isEmpty(doc: FlatDocument): boolean {
  return doc.id === undefined && doc.content === undefined && doc.score === undefined && doc.metadata === undefined;
}

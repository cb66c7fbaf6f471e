// The OpenInference document, shared by the kinds that record documents (retriever, reranker): one reader of the
// shapes libraries return, one writer of the flattened attributes.
import type { Attributes } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { safeJson, truncateText } from "./capture/serialize.js";
import { isRecord, read, readFirst } from "./read.js";

/**
 * One OpenInference document (`document.{id,content,score,metadata}`) as recorded by the retriever and reranker
 * kinds: each field is present only when the source had it; `metadata` is JSON text.
 */
export interface FlatDocument {
  id?: string | number;
  content?: string;
  score?: number;
  metadata?: string;
}

/**
 * A document with named fields, as {@link toDocument} reads it: e.g. a LangChain `Document` (`pageContent`,
 * `metadata`, `id`), a search hit, a rerank result.
 */
export interface DocumentLike {
  /** Recorded as `document.id` (strings and numbers as they are). */
  id?: string | number | undefined;
  /** The text; `pageContent`, `page_content` and `text` are read too, in that order after `content`. */
  content?: unknown;
  pageContent?: unknown;
  text?: unknown;
  /** Recorded as `document.score` (finite numbers only); `relevance_score` and `relevanceScore` are read too. */
  score?: number | undefined;
  /** Recorded as `document.metadata`, a JSON string (a string is kept as it is). */
  metadata?: unknown;
}

/** Keys a document's text is read from, in order (OpenInference, LangChain, Cohere-style). */
export const DOCUMENT_CONTENT_KEYS = ["content", "pageContent", "page_content", "text"] as const;
const SCORE_KEYS = ["score", "relevance_score", "relevanceScore"] as const;
const KNOWN_KEYS: ReadonlySet<string> = new Set(["id", "metadata", ...DOCUMENT_CONTENT_KEYS, ...SCORE_KEYS]);

function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function idOf(value: unknown): string | number | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return value.toString();
  // Ids such as a database ObjectId print themselves; a plain object would only print "[object Object]".
  if (isRecord(value) && typeof value.toString === "function" && value.toString !== Object.prototype.toString) {
    try {
      const text = String(value);
      return text === "" ? undefined : text;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

// A document's content or metadata as recorded: a string bounded as it is, anything else as JSON; nothing for null.
function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? truncateText(value) : safeJson(value);
}

/** A `[document, score]` pair, as LangChain's `similaritySearchWithScore` returns them. */
export function isScoredPair(value: unknown): value is [unknown, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    (typeof value[0] === "string" || isRecord(value[0])) &&
    typeof value[1] === "number"
  );
}

/**
 * Reads one document from any of the shapes retrievers and rerankers return: a string; `{ id, content |
 * pageContent | page_content | text, score | relevance_score | relevanceScore, metadata }` (a plain object or a
 * class instance such as LangChain's `Document`); a `[document, score]` pair. Any other value is kept as its JSON
 * text as the content, so nothing the method returned disappears silently. `null`/`undefined` give no document.
 * Text is bounded by the capture limit and secret-looking keys in metadata are redacted; a throwing getter reads as
 * a missing field. Never throws.
 */
export function toDocument(value: unknown): FlatDocument | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return { content: truncateText(value) };
  if (isScoredPair(value)) {
    const doc = toDocument(value[0]) ?? {};
    const score = finiteNumber(value[1]);
    if (score !== undefined) doc.score = score;
    return doc;
  }
  if (!isRecord(value)) return { content: textOf(value)! };
  const doc: FlatDocument = {};
  let known = false;
  const id = idOf(read(value, "id"));
  if (id !== undefined) doc.id = id;
  const content = readFirst(value, DOCUMENT_CONTENT_KEYS, textOf);
  if (content !== undefined) doc.content = content;
  const score = readFirst(value, SCORE_KEYS, finiteNumber);
  if (score !== undefined) doc.score = score;
  const metadata = textOf(read(value, "metadata"));
  if (metadata !== undefined) doc.metadata = metadata;
  try {
    for (const key of Object.keys(value)) {
      if (KNOWN_KEYS.has(key)) {
        known = true;
        break;
      }
    }
  } catch {
    known = true;
  }
  // LangChain's Document keeps `pageContent` as an own property, but a class with getters would not list it.
  if (!known && doc.content === undefined && doc.id === undefined && doc.metadata === undefined && doc.score === undefined) {
    return { content: safeJson(value) };
  }
  return doc;
}

/** Flattened attribute key of field `field` of document `index` under `prefix`. */
export function documentKey(prefix: string, index: number, field: string): string {
  return `${prefix}.${index}.${field}`;
}

/**
 * Writes `documents` into `attributes` as `prefix.N.document.{id,content,score,metadata}` (prefix e.g.
 * `retrieval.documents`), numbering from `start`, at most `room` of them, each read with `convert` (default
 * {@link toDocument}). Returns how many documents were written and how many were left out for lack of room. A
 * document that cannot be read (`convert` throws or gives nothing) is skipped and not counted; numbering stays
 * contiguous. Never throws; the attributes still pass core's masking and limits when a hook returns them.
 */
export function writeDocuments(
  attributes: Attributes,
  prefix: string,
  documents: readonly unknown[],
  start: number,
  room: number,
  convert: (value: unknown, position: number) => FlatDocument | undefined = toDocument,
): { written: number; omitted: number } {
  let written = 0;
  let omitted = 0;
  const n = documents.length;
  for (let i = 0; i < n; i++) {
    let doc: FlatDocument | undefined;
    try {
      doc = convert(documents[i], i);
    } catch {
      doc = undefined;
    }
    if (doc === undefined || isEmpty(doc)) continue;
    if (written >= room) {
      omitted++;
      continue;
    }
    writeDocument(attributes, prefix, start + written, doc);
    written++;
  }
  return { written, omitted };
}

function isEmpty(doc: FlatDocument): boolean {
  return doc.id === undefined && doc.content === undefined && doc.score === undefined && doc.metadata === undefined;
}

/** Writes one flattened document. */
export function writeDocument(attributes: Attributes, prefix: string, index: number, doc: FlatDocument): void {
  if (doc.id !== undefined) attributes[documentKey(prefix, index, SC.DOCUMENT_ID)] = doc.id;
  if (doc.content !== undefined) attributes[documentKey(prefix, index, SC.DOCUMENT_CONTENT)] = doc.content;
  if (doc.score !== undefined) attributes[documentKey(prefix, index, SC.DOCUMENT_SCORE)] = doc.score;
  if (doc.metadata !== undefined) attributes[documentKey(prefix, index, SC.DOCUMENT_METADATA)] = doc.metadata;
}

import type { Attributes } from "@opentelemetry/api";
import { defineKind } from "@calltree/core/kind";
import type { CallStart, CommonOptions, DocumentLike, Kind } from "@calltree/core/kind";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { z } from "zod";
import { documentList, isScoredPair, writeDocuments } from "./internal/documents.js";

/** Default of {@link RetrieverOptions.maxDocuments}. */
export const RETRIEVER_DEFAULT_MAX_DOCUMENTS = 100;

/**
 * Attribute set on a RETRIEVER span when documents were left out because of
 * {@link RetrieverOptions.maxDocuments}: how many were left out. Absent when none were.
 */
export const RETRIEVAL_DOCUMENTS_OMITTED = "calltree.retrieval.documents_omitted";

// Each option is written once, its check beside its TSDoc; the options type is an interface over this shape's input
// (an interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of
// an object literal's properties, not of the type z.object() maps them to.
const retrieverOptionsShape = {
  /**
   * Most documents recorded per call (default {@link RETRIEVER_DEFAULT_MAX_DOCUMENTS}); the rest are counted in
   * {@link RETRIEVAL_DOCUMENTS_OMITTED}. `0` records none.
   */
  maxDocuments: z.number().int().min(0).optional(),
};

/** Options of `@retriever`: the {@link CommonOptions} every kind takes, plus these. */
export interface RetrieverOptions extends z.input<z.ZodObject<typeof retrieverOptionsShape>> {}

/** A document with named fields, e.g. a LangChain `Document` (`pageContent`, `metadata`, `id`): core's {@link DocumentLike}. */
export type RetrievedDocumentLike = DocumentLike;

/**
 * A document in any shape `@retriever` reads: a string, a {@link RetrievedDocumentLike}, or a `[document, score]` pair
 * as LangChain's `similaritySearchWithScore` returns them.
 */
export type RetrievedDocument = string | RetrievedDocumentLike | readonly [string | RetrievedDocumentLike, number];

/** What `retriever.record()` takes. */
export interface RetrieverRecord {
  /** Documents to record, after any recorded earlier in the same call. */
  documents: readonly RetrievedDocument[];
}

interface RetrieverState {
  /** `record()` was called: documents come from it, not from the result. */
  manual: boolean;
  /** Documents written so far by `record()`. */
  recorded: number;
  omitted: number;
  /** Documents yielded by a returned stream, kept until it ends (at most `maxDocuments`). */
  streamed?: unknown[];
  streamedOmitted?: number;
}

const options = z.object(retrieverOptionsShape);

function state(call: CallStart<RetrieverOptions, RetrieverState>): RetrieverState {
  return (call.data ??= { manual: false, recorded: 0, omitted: 0 });
}

function limit(call: CallStart<RetrieverOptions, RetrieverState>): number {
  return call.options.maxDocuments ?? RETRIEVER_DEFAULT_MAX_DOCUMENTS;
}

/**
 * `@retriever`, `@retriever(options)` and `retriever.wrap(fn, options)`: a RETRIEVER span per call, for a step
 * that fetches documents (a vector store query, a search API, a database lookup).
 *
 * The span starts when the method is called, as a child of the active span, and ends when the result is
 * complete (at return, when a returned Promise settles, or when a returned stream ends). Captured automatically:
 * the arguments as `input.value` (the query), the result as `output.value`, and each returned document as
 * `retrieval.documents.N.document.{id,content,score,metadata}`. Documents are read from an array (or an object
 * holding one under `documents`, `docs`, `matches` or `results`) of strings, `{ id, content, score, metadata }`
 * objects, LangChain-style `{ pageContent, metadata, id }` documents and `[document, score]` pairs; metadata is
 * recorded as a JSON string. A returned stream (async generator, async iterable) records the documents it yields
 * (one per chunk, or a batch per chunk) when it ends. At most `maxDocuments` documents are recorded. A result in
 * another shape records no documents and is returned unchanged. Errors are recorded (status ERROR, an
 * `exception` event) and rethrown unchanged.
 *
 * `retriever.record({ documents })` records documents the return value does not show; once it has been called
 * in a call, documents are no longer read from that call's result.
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/retriever.md
 */
export const retriever: Kind<RetrieverOptions, RetrieverRecord> = defineKind<RetrieverOptions, RetrieverRecord, RetrieverState>({
  name: "retriever",
  spanKind: OpenInferenceSpanKind.RETRIEVER,
  options,
  onResult(result, call) {
    const s = state(call);
    if (s.manual) return undefined;
    const list = documentList(result);
    if (list === undefined) return undefined;
    const attrs: Attributes = {};
    const { omitted } = writeDocuments(attrs, SC.RETRIEVAL_DOCUMENTS, list, 0, limit(call));
    if (omitted > 0) attrs[RETRIEVAL_DOCUMENTS_OMITTED] = omitted;
    return attrs;
  },
  onChunk(chunk, call) {
    const s = state(call);
    if (s.manual) return;
    // A chunk is one document, or a batch of them (a page of results).
    const items = Array.isArray(chunk) && !isScoredPair(chunk) ? chunk : [chunk];
    const kept = (s.streamed ??= []);
    for (const item of items) {
      if (item === undefined || item === null) continue;
      if (kept.length < limit(call)) kept.push(item);
      else s.streamedOmitted = (s.streamedOmitted ?? 0) + 1;
    }
  },
  onStreamEnd(call) {
    const s = state(call);
    if (s.manual || s.streamed === undefined) return undefined;
    const attrs: Attributes = {};
    const { omitted } = writeDocuments(attrs, SC.RETRIEVAL_DOCUMENTS, s.streamed, 0, limit(call));
    const total = omitted + (s.streamedOmitted ?? 0);
    if (total > 0) attrs[RETRIEVAL_DOCUMENTS_OMITTED] = total;
    return attrs;
  },
  record(data, call) {
    const list = data?.documents;
    if (!Array.isArray(list)) return undefined;
    const s = state(call);
    s.manual = true;
    const attrs: Attributes = {};
    const { written, omitted } = writeDocuments(attrs, SC.RETRIEVAL_DOCUMENTS, list, s.recorded, Math.max(0, limit(call) - s.recorded));
    s.recorded += written;
    s.omitted += omitted;
    if (s.omitted > 0) attrs[RETRIEVAL_DOCUMENTS_OMITTED] = s.omitted;
    return attrs;
  },
});

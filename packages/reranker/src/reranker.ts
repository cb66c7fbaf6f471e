import type { Attributes } from "@opentelemetry/api";
import { defineKind, isRecord, read } from "@calltree/core/kind";
import type { CallStart, CommonOptions, Kind } from "@calltree/core/kind";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { z } from "zod";
import { finiteNumber, readFirst, toDocument, writeDocuments } from "./internal/documents.js";
import type { DocumentLike, FlatDocument } from "./internal/documents.js";

/** Default of {@link RerankerOptions.maxDocuments}. */
export const RERANKER_DEFAULT_MAX_DOCUMENTS = 100;

/** Set on a RERANKER span when input documents were left out by `maxDocuments`: how many. */
export const RERANKER_INPUT_DOCUMENTS_OMITTED = "calltree.reranker.input_documents_omitted";

/** Set on a RERANKER span when output documents were left out by `maxDocuments`: how many. */
export const RERANKER_OUTPUT_DOCUMENTS_OMITTED = "calltree.reranker.output_documents_omitted";

// Each option is written once, its check beside its TSDoc; the options type is an interface over this shape's input
// (an interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of
// an object literal's properties, not of the type z.object() maps them to.
const rerankerOptionsShape = {
  /** Recorded as `reranker.model_name`; wins over a model read from the request or the response. */
  model: z.string().min(1).optional(),
  /** Recorded as `reranker.top_k`; wins over a top-k read from the arguments. */
  topK: z.number().int().min(1).optional(),
  /**
   * Most documents recorded per list (input and output each; default {@link RERANKER_DEFAULT_MAX_DOCUMENTS}). Those
   * left out are counted in {@link RERANKER_INPUT_DOCUMENTS_OMITTED} / {@link RERANKER_OUTPUT_DOCUMENTS_OMITTED}.
   */
  maxDocuments: z.number().int().min(0).optional(),
};

/** Options of `@reranker`: the {@link CommonOptions} every kind takes, plus these. */
export interface RerankerOptions extends z.input<z.ZodObject<typeof rerankerOptionsShape>> {}

/** A document with named fields, e.g. a LangChain `Document` (`pageContent`, `metadata`, `id`): core's {@link DocumentLike}. */
export type RerankDocumentLike = DocumentLike;

/**
 * An output item that points back at an input document by position, as Cohere, Voyage and Jina rerank
 * responses do (`results[].index` with `relevance_score`).
 */
export interface RerankResultItem {
  index: number;
  relevance_score?: number;
  relevanceScore?: number;
  score?: number;
  /** The document text, when the API returns it (`{ text }` or a string). */
  document?: unknown;
}

/** A document in any shape `@reranker` reads: a string, an object, a `[document, score]` pair or an index. */
export type RerankDocument = string | RerankDocumentLike | RerankResultItem | readonly [string | RerankDocumentLike, number];

/** What `reranker.record()` takes. Every field is optional. */
export interface RerankerRecord {
  query?: string;
  topK?: number;
  model?: string;
  /** Added after the input documents recorded so far (from the arguments or an earlier `record()`). */
  inputDocuments?: readonly RerankDocument[];
  /**
   * Added after the output documents recorded so far. Items with an `index` are the input document at that
   * position with the item's score. Once given, output documents are no longer read from the call's result.
   */
  outputDocuments?: readonly RerankDocument[];
}

/** Documents of one list recorded so far in a call, and how many `maxDocuments` left out. */
interface Tally {
  count: number;
  omitted: number;
}

interface RerankerState {
  inputs: unknown[];
  input: Tally;
  output: Tally;
  manualOutput: boolean;
  modelKnown: boolean;
}

interface ParsedArgs {
  query?: string;
  documents?: unknown[];
  topK?: number;
  model?: string;
}

const options = z.object(rerankerOptionsShape);

const TOP_K_KEYS = ["topK", "top_k", "topN", "top_n", "k"] as const;
const RESULT_LIST_KEYS = ["results", "data", "documents"] as const;
const RESULT_SCORE_KEYS = ["relevance_score", "relevanceScore", "score"] as const;

function state(call: CallStart<RerankerOptions, RerankerState>): RerankerState {
  return (call.data ??= { inputs: [], input: { count: 0, omitted: 0 }, output: { count: 0, omitted: 0 }, manualOutput: false, modelKnown: false });
}

function limit(call: CallStart<RerankerOptions, RerankerState>): number {
  return call.options.maxDocuments ?? RERANKER_DEFAULT_MAX_DOCUMENTS;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function arrayOf(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

// The argument shapes rerankers are written with: `(query, documents, topK?)`, a request object
// `{ query, documents, topK | top_n, model }` (Cohere, Voyage, Jina), and LangChain's document compressors'
// `(documents, query)`.
function parseArgs(args: readonly unknown[]): ParsedArgs {
  const [a, b, c] = args;
  if (typeof a === "string") {
    return { query: a, ...(Array.isArray(b) ? { documents: b } : {}), ...(positiveInteger(c) ? { topK: c as number } : {}) };
  }
  if (Array.isArray(a)) return typeof b === "string" ? { query: b, documents: a } : { documents: a };
  if (!isRecord(a)) return {};
  const parsed: ParsedArgs = {};
  const query = read(a, "query");
  if (typeof query === "string") parsed.query = query;
  const documents = read(a, "documents");
  if (Array.isArray(documents)) parsed.documents = documents;
  const topK = readFirst(a, TOP_K_KEYS, positiveInteger);
  if (topK !== undefined) parsed.topK = topK;
  const model = nonEmptyString(read(a, "model"));
  if (model !== undefined) parsed.model = model;
  return parsed;
}

// Writes `documents` after those of the list recorded so far (within `maxDocuments`) and counts what is left out.
function addDocuments(
  call: CallStart<RerankerOptions, RerankerState>,
  attrs: Attributes,
  documents: readonly unknown[],
  tally: Tally,
  prefix: string,
  omittedKey: string,
  convert?: (item: unknown) => FlatDocument | undefined,
): void {
  const { written, omitted } = writeDocuments(attrs, prefix, documents, tally.count, Math.max(0, limit(call) - tally.count), convert);
  tally.count += written;
  tally.omitted += omitted;
  if (tally.omitted > 0) attrs[omittedKey] = tally.omitted;
}

function addInputs(call: CallStart<RerankerOptions, RerankerState>, attrs: Attributes, documents: readonly unknown[]): void {
  const s = state(call);
  s.inputs.push(...documents);
  addDocuments(call, attrs, documents, s.input, SC.RERANKER_INPUT_DOCUMENTS, RERANKER_INPUT_DOCUMENTS_OMITTED);
}

// Cohere returns `document: { text }` (v1) or `document: "..."`; Jina `document: { text }`.
function documentText(value: unknown): string | undefined {
  return typeof value === "string" || isRecord(value) ? toDocument(value)?.content : undefined;
}

// An output item: an index into the input documents (with the item's score), or a document in its own right.
function outputDocument(call: CallStart<RerankerOptions, RerankerState>, item: unknown): FlatDocument | undefined {
  if (isRecord(item)) {
    const index = read(item, "index");
    if (typeof index === "number" && Number.isInteger(index) && index >= 0) {
      const inputs = state(call).inputs;
      const base: FlatDocument = index < inputs.length ? { ...(toDocument(inputs[index]) ?? {}) } : {};
      const score = readFirst(item, RESULT_SCORE_KEYS, finiteNumber);
      if (score !== undefined) base.score = score;
      if (base.content === undefined) {
        const text = documentText(read(item, "document"));
        if (text !== undefined) base.content = text;
      }
      return base; // writeDocuments skips a document that carries nothing.
    }
  }
  const doc = toDocument(item);
  // LangChain's rerankers (e.g. CohereRerank) return documents with the score in `metadata.relevanceScore`.
  if (doc !== undefined && doc.score === undefined && isRecord(item)) {
    const metadata = read(item, "metadata");
    if (isRecord(metadata)) {
      const score = finiteNumber(read(metadata, "relevanceScore")) ?? finiteNumber(read(metadata, "relevance_score"));
      if (score !== undefined) doc.score = score;
    }
  }
  return doc;
}

function addOutputs(call: CallStart<RerankerOptions, RerankerState>, attrs: Attributes, documents: readonly unknown[]): void {
  const s = state(call);
  addDocuments(call, attrs, documents, s.output, SC.RERANKER_OUTPUT_DOCUMENTS, RERANKER_OUTPUT_DOCUMENTS_OMITTED, (item) =>
    outputDocument(call, item),
  );
}

function resultList(result: unknown): unknown[] | undefined {
  if (Array.isArray(result)) return result;
  if (!isRecord(result)) return undefined;
  return readFirst(result, RESULT_LIST_KEYS, arrayOf);
}

/**
 * `@reranker`, `@reranker(options)` and `reranker.wrap(fn, options)`: a RERANKER span per call, for a step that
 * reorders documents by relevance to a query (a cross-encoder, Cohere/Voyage/Jina rerank, an LLM judge).
 *
 * The span starts when the method is called, as a child of the active span, and ends when the result is
 * complete (at return, or when a returned Promise settles). Captured automatically, besides `input.value` and
 * `output.value`:
 * - from the arguments, `(query, documents, topK?)`, `(documents, query)` or one request object
 *   `{ query, documents, topK | top_k | top_n, model }`: `reranker.query`, `reranker.top_k`,
 *   `reranker.model_name` and `reranker.input_documents.N.document.{id,content,score,metadata}` (documents as
 *   strings or `{ id, content | text | pageContent, metadata }`);
 * - from the result, an array or an object with `results` / `data` / `documents`:
 *   `reranker.output_documents.N.document.*`. Items with an `index` (Cohere-style `{ index, relevance_score }`)
 *   are the input document at that position with that score; other items are documents in their own right
 *   (strings, objects with a `score`, `[document, score]` pairs). A `model` in the response is recorded too.
 *
 * Options `model` and `topK` win over what the call shows. At most `maxDocuments` documents are recorded per
 * list. A result of another shape records no output documents and is returned unchanged. Errors are recorded
 * (status ERROR, an `exception` event) and rethrown unchanged. `reranker.record()` records what the call does
 * not show.
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/reranker.md
 */
export const reranker: Kind<RerankerOptions, RerankerRecord> = defineKind<RerankerOptions, RerankerRecord, RerankerState>({
  name: "reranker",
  spanKind: OpenInferenceSpanKind.RERANKER,
  options,
  staticAttributes(opts) {
    const attrs: Attributes = {};
    if (opts.model !== undefined) attrs[SC.RERANKER_MODEL_NAME] = opts.model;
    if (opts.topK !== undefined) attrs[SC.RERANKER_TOP_K] = opts.topK;
    return attrs;
  },
  onStart(call) {
    const parsed = parseArgs(call.args);
    const attrs: Attributes = {};
    if (parsed.query !== undefined) attrs[SC.RERANKER_QUERY] = parsed.query;
    if (parsed.topK !== undefined && call.options.topK === undefined) attrs[SC.RERANKER_TOP_K] = parsed.topK;
    if (parsed.model !== undefined && call.options.model === undefined) attrs[SC.RERANKER_MODEL_NAME] = parsed.model;
    if (parsed.documents !== undefined) addInputs(call, attrs, parsed.documents);
    return attrs;
  },
  onResult(result, call) {
    const s = state(call);
    const attrs: Attributes = {};
    if (call.options.model === undefined && !s.modelKnown && isRecord(result)) {
      const model = nonEmptyString(read(result, "model"));
      if (model !== undefined) attrs[SC.RERANKER_MODEL_NAME] = model;
    }
    if (!s.manualOutput) {
      const list = resultList(result);
      if (list !== undefined) addOutputs(call, attrs, list);
    }
    return attrs;
  },
  record(data, call) {
    if (!isRecord(data)) return undefined;
    const s = state(call);
    const attrs: Attributes = {};
    if (typeof data.query === "string") attrs[SC.RERANKER_QUERY] = data.query;
    const topK = positiveInteger(data.topK);
    if (topK !== undefined && call.options.topK === undefined) attrs[SC.RERANKER_TOP_K] = topK;
    const model = nonEmptyString(data.model);
    if (model !== undefined && call.options.model === undefined) {
      attrs[SC.RERANKER_MODEL_NAME] = model;
      s.modelKnown = true;
    }
    if (Array.isArray(data.inputDocuments)) addInputs(call, attrs, data.inputDocuments);
    if (Array.isArray(data.outputDocuments)) {
      s.manualOutput = true;
      addOutputs(call, attrs, data.outputDocuments);
    }
    return attrs;
  },
});

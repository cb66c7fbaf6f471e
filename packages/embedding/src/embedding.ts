import type { Attributes } from "@opentelemetry/api";
import { defineKind, isRecord, read, safeJson, truncateText } from "@calltree/core/kind";
import type { CallStart, CommonOptions, Kind } from "@calltree/core/kind";
import { MimeType, OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { z } from "zod";
import { isNumericVector, summarizeVectors, toVector } from "./internal/vectors.js";

/** Default of {@link EmbeddingOptions.maxEmbeddings}. */
export const DEFAULT_MAX_EMBEDDINGS = 100;

/** Default of {@link EmbeddingOptions.maxVectors}. */
export const DEFAULT_MAX_VECTORS = 16;

/**
 * Set on an EMBEDDING span when embeddings beyond {@link EmbeddingOptions.maxEmbeddings} were left out
 * (neither text nor vector recorded): how many. Absent when none were.
 */
export const EMBEDDINGS_OMITTED = "calltree.embedding.omitted_embeddings";

/**
 * Set on an EMBEDDING span when vectors were left out by {@link EmbeddingOptions.maxVectors} or
 * {@link EmbeddingOptions.maxEmbeddings}: how many. Absent when none were.
 */
export const VECTORS_OMITTED = "calltree.embedding.omitted_vectors";

// Each option is written once, its check beside its TSDoc; the options type is an interface over this shape's input
// (an interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of
// an object literal's properties, not of the type z.object() maps them to.
const embeddingOptionsShape = {
  /** Recorded as `embedding.model_name`; wins over a model read from the request or the response. */
  model: z.string().min(1).optional(),
  /**
   * How many embeddings of one call are recorded (`embedding.embeddings.0` to `N-1`: text and vector), default
   * {@link DEFAULT_MAX_EMBEDDINGS}. The rest are counted in {@link EMBEDDINGS_OMITTED}.
   */
  maxEmbeddings: z.number().int().min(0).optional(),
  /**
   * Of those, how many carry their vector (embeddings `0` to `N-1`), default {@link DEFAULT_MAX_VECTORS}; `0`
   * records no vectors. Vectors are large (a 3,072-dimension vector is 3,072 numbers), so batches are bounded;
   * the vectors left out are counted in {@link VECTORS_OMITTED}.
   */
  maxVectors: z.number().int().min(0).optional(),
};

/** Options of `@embedding`: the {@link CommonOptions} every kind takes, plus these. */
export interface EmbeddingOptions extends z.input<z.ZodObject<typeof embeddingOptionsShape>> {}

/** One embedding given to `embedding.record()`. */
export interface RecordedEmbedding {
  /** Position in the call's batch; default: the position in the `embeddings` list. */
  index?: number;
  /** The embedded text (`embedding.text`). */
  text?: string;
  /** The vector (`embedding.vector`): numbers, a typed array, or a base64 string of float32 values. */
  vector?: ArrayLike<number> | string;
}

/** What `embedding.record()` takes. Every field is optional. */
export interface EmbeddingRecord {
  /** Recorded as `embedding.model_name` unless the `model` option is set. */
  model?: string;
  /** Embeddings to record, at their `index` (or list position), within the caps. */
  embeddings?: readonly RecordedEmbedding[];
  /** `llm.token_count.prompt` and `llm.token_count.total`. */
  tokenCount?: { prompt?: number; total?: number };
}

interface EmbeddingState {
  textsOmitted: number;
  vectorsOmitted: number;
  /** Indices that already counted as omitted embeddings, so text and vector of one count once. */
  omittedIndices: Set<number>;
  /** The model was recorded by hand; a response model does not replace it. */
  modelRecorded: boolean;
  /** Texts came from the request; texts echoed by the response are not written again. */
  textsFromRequest: boolean;
}

const TEXT_KEYS = ["input", "texts", "values", "value"] as const;

function state(call: CallStart<EmbeddingOptions, EmbeddingState>): EmbeddingState {
  return (call.data ??= {
    textsOmitted: 0,
    vectorsOmitted: 0,
    omittedIndices: new Set(),
    modelRecorded: false,
    textsFromRequest: false,
  });
}

function maxEmbeddings(call: CallStart<EmbeddingOptions, EmbeddingState>): number {
  return call.options.maxEmbeddings ?? DEFAULT_MAX_EMBEDDINGS;
}

function maxVectors(call: CallStart<EmbeddingOptions, EmbeddingState>): number {
  return Math.min(call.options.maxVectors ?? DEFAULT_MAX_VECTORS, maxEmbeddings(call));
}

function key(index: number, field: string): string {
  return `${SC.EMBEDDING_EMBEDDINGS}.${index}.${field}`;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The model of a request: a string, or the model object of the Vercel AI SDK (`{ modelId }`). */
function modelOf(value: unknown): string | undefined {
  const direct = nonEmptyString(value);
  if (direct !== undefined) return direct;
  return isRecord(value) ? nonEmptyString(read(value, "modelId")) : undefined;
}

/**
 * The texts of an input: a string, or an array whose string items are texts (token-id arrays have no text:
 * they are not decoded, as OpenInference specifies). `undefined` when the input holds no text at all.
 */
function textsOf(value: unknown): (string | undefined)[] | undefined {
  if (typeof value === "string") return [value];
  if (!Array.isArray(value) || isNumericVector(value)) return undefined;
  const texts = value.map((t: unknown) => (typeof t === "string" ? t : undefined));
  return texts.some((t) => t !== undefined) ? texts : undefined;
}

/** Texts and model from the arguments: `(text)`, `(texts)`, or one request object (OpenAI, Vercel AI SDK, Cohere). */
function parseRequest(args: readonly unknown[]): { texts?: (string | undefined)[]; model?: string } {
  const [first] = args;
  const direct = textsOf(first);
  if (direct !== undefined) return { texts: direct };
  if (!isRecord(first)) return {};
  const out: { texts?: (string | undefined)[]; model?: string } = {};
  const model = modelOf(read(first, "model"));
  if (model !== undefined) out.model = model;
  for (const k of TEXT_KEYS) {
    const texts = textsOf(read(first, k));
    if (texts !== undefined) {
      out.texts = texts;
      break;
    }
  }
  return out;
}

interface ParsedResponse {
  vectors: { index: number; vector: unknown }[];
  texts?: (string | undefined)[];
  model?: string;
  promptTokens?: number;
  totalTokens?: number;
}

function vectorList(list: readonly unknown[]): { index: number; vector: unknown }[] {
  const out: { index: number; vector: unknown }[] = [];
  list.forEach((item, position) => {
    if (isRecord(item) && !isNumericVector(item)) {
      // OpenAI-style `{ embedding, index }` (also Mistral, Voyage, Together, Ollama's OpenAI endpoint).
      const index = count(read(item, "index")) ?? position;
      out.push({ index, vector: read(item, "embedding") });
    } else out.push({ index: position, vector: item });
  });
  return out;
}

/**
 * Vectors, texts, model and token usage from a result: a vector (`number[]`, a typed array), a list of vectors,
 * an OpenAI-style response `{ data: [{ embedding, index }], model, usage }`, or `{ embedding }` / `{ embeddings }`
 * objects (Vercel AI SDK `embed`/`embedMany`, Ollama, Cohere's `{ embeddings: { float } }`).
 */
function parseResponse(result: unknown): ParsedResponse {
  if (isNumericVector(result)) return { vectors: [{ index: 0, vector: result }] };
  if (Array.isArray(result)) return { vectors: vectorList(result) };
  if (!isRecord(result)) return { vectors: [] };
  const parsed: ParsedResponse = { vectors: [] };
  const data = read(result, "data");
  let embeddings = read(result, "embeddings");
  if (isRecord(embeddings) && !isNumericVector(embeddings)) embeddings = read(embeddings, "float");
  const single = read(result, "embedding");
  if (Array.isArray(data)) parsed.vectors = vectorList(data);
  else if (Array.isArray(embeddings)) parsed.vectors = vectorList(embeddings);
  else if (single !== undefined) parsed.vectors = [{ index: 0, vector: single }];
  const model = nonEmptyString(read(result, "model"));
  if (model !== undefined) parsed.model = model;
  for (const k of ["values", "value", "texts"] as const) {
    const texts = textsOf(read(result, k));
    if (texts !== undefined) {
      parsed.texts = texts;
      break;
    }
  }
  const usage = read(result, "usage");
  if (isRecord(usage)) {
    const prompt = count(read(usage, "prompt_tokens")) ?? count(read(usage, "input_tokens"));
    const total = count(read(usage, "total_tokens"));
    const tokens = count(read(usage, "tokens"));
    if (prompt !== undefined) parsed.promptTokens = prompt;
    else if (tokens !== undefined) parsed.promptTokens = tokens;
    if (total !== undefined) parsed.totalTokens = total;
    else if (tokens !== undefined) parsed.totalTokens = tokens;
  } else {
    const ollama = count(read(result, "prompt_eval_count"));
    if (ollama !== undefined) {
      parsed.promptTokens = ollama;
      parsed.totalTokens = ollama;
    }
  }
  return parsed;
}

function omitEmbedding(s: EmbeddingState, index: number): void {
  if (s.omittedIndices.size < 1_000_000 && !s.omittedIndices.has(index)) {
    s.omittedIndices.add(index);
    s.textsOmitted++;
  }
}

function writeTexts(call: CallStart<EmbeddingOptions, EmbeddingState>, attrs: Attributes, texts: readonly (string | undefined)[], indices?: readonly number[]): void {
  const s = state(call);
  const max = maxEmbeddings(call);
  texts.forEach((text, position) => {
    if (text === undefined) return;
    const index = indices?.[position] ?? position;
    if (index >= max) return omitEmbedding(s, index);
    attrs[key(index, SC.EMBEDDING_TEXT)] = truncateText(text);
  });
  if (s.textsOmitted > 0) attrs[EMBEDDINGS_OMITTED] = s.textsOmitted;
}

function writeVectors(call: CallStart<EmbeddingOptions, EmbeddingState>, attrs: Attributes, vectors: readonly { index: number; vector: unknown }[]): void {
  const s = state(call);
  const maxE = maxEmbeddings(call);
  const maxV = maxVectors(call);
  for (const { index, vector } of vectors) {
    if (index >= maxE) omitEmbedding(s, index);
    if (index >= maxV) {
      // Counted without decoding: the point of the cap is not to touch large batches.
      if (vector !== undefined && vector !== null) s.vectorsOmitted++;
      continue;
    }
    const floats = toVector(vector);
    if (floats !== undefined) attrs[key(index, SC.EMBEDDING_VECTOR)] = floats;
  }
  if (s.textsOmitted > 0) attrs[EMBEDDINGS_OMITTED] = s.textsOmitted;
  if (s.vectorsOmitted > 0) attrs[VECTORS_OMITTED] = s.vectorsOmitted;
}

/**
 * `@embedding`, `@embedding(options)` and `embedding.wrap(fn, options)`: an EMBEDDING span per call, for a step
 * that turns text into vectors (an embeddings API call, a local model).
 *
 * The span starts when the method is called, as a child of the active span, and ends when the result is
 * complete (at return, or when a returned Promise, such as the openai SDK's `APIPromise`, settles). Captured
 * automatically:
 * - `embedding.model_name`: the `model` option, else the response's `model`, else the request's `model`;
 * - `embedding.embeddings.N.embedding.text`, at span start, from a `string` or `string[]` argument or a request
 *   object's `input` (OpenAI), `values`/`value` (Vercel AI SDK) or `texts` (Cohere); token-id inputs have no text;
 * - `embedding.embeddings.N.embedding.vector` (float arrays) from the result: a `number[]` or typed array, a
 *   list of them, an OpenAI-style `{ data: [{ embedding, index }] }` (base64 strings are decoded to floats), or
 *   `{ embedding }` / `{ embeddings }` objects;
 * - `llm.token_count.prompt` / `llm.token_count.total` from the response's `usage`;
 * - `input.value`, and `output.value` with each vector shortened to a `"[1536 floats]"` marker (an `output`
 *   mapper, if given, is used as it is).
 *
 * Large batches are bounded by `maxEmbeddings` and `maxVectors`; what is left out is counted in
 * {@link EMBEDDINGS_OMITTED} and {@link VECTORS_OMITTED}. Vectors are dropped when vectors are masked
 * (`OPENINFERENCE_HIDE_EMBEDDING_VECTORS`). A result of another shape records no vectors and is returned
 * unchanged. Errors are recorded (status ERROR, an `exception` event) and rethrown unchanged; texts recorded at
 * the start stay. `embedding.record()` records what the call does not show.
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/embedding.md
 */
export const embedding: Kind<EmbeddingOptions, EmbeddingRecord> = defineKind<EmbeddingOptions, EmbeddingRecord, EmbeddingState>({
  name: "embedding",
  spanKind: OpenInferenceSpanKind.EMBEDDING,
  options: z.object(embeddingOptionsShape),
  staticAttributes(opts) {
    return opts.model !== undefined ? { [SC.EMBEDDING_MODEL_NAME]: opts.model } : undefined;
  },
  onStart(call) {
    const request = parseRequest(call.args);
    const attrs: Attributes = {};
    if (request.model !== undefined && call.options.model === undefined) attrs[SC.EMBEDDING_MODEL_NAME] = request.model;
    if (request.texts !== undefined) {
      writeTexts(call, attrs, request.texts);
      state(call).textsFromRequest = true;
    }
    return attrs;
  },
  onResult(result, call) {
    const s = state(call);
    const parsed = parseResponse(result);
    const attrs: Attributes = {};
    if (parsed.model !== undefined && call.options.model === undefined && !s.modelRecorded) {
      attrs[SC.EMBEDDING_MODEL_NAME] = parsed.model;
    }
    if (parsed.texts !== undefined && !s.textsFromRequest) writeTexts(call, attrs, parsed.texts);
    writeVectors(call, attrs, parsed.vectors);
    if (parsed.promptTokens !== undefined) attrs[SC.LLM_TOKEN_COUNT_PROMPT] = parsed.promptTokens;
    if (parsed.totalTokens !== undefined) attrs[SC.LLM_TOKEN_COUNT_TOTAL] = parsed.totalTokens;
    if (parsed.vectors.length > 0 && call.options.output === undefined && call.options.captureOutput !== false) {
      attrs[SC.OUTPUT_VALUE] = safeJson(summarizeVectors(result));
      attrs[SC.OUTPUT_MIME_TYPE] = MimeType.JSON;
    }
    return attrs;
  },
  record(data, call) {
    if (!isRecord(data)) return undefined;
    const s = state(call);
    const attrs: Attributes = {};
    const model = nonEmptyString(data.model);
    if (model !== undefined && call.options.model === undefined) {
      attrs[SC.EMBEDDING_MODEL_NAME] = model;
      s.modelRecorded = true;
    }
    if (Array.isArray(data.embeddings)) {
      const texts: (string | undefined)[] = [];
      const indices: number[] = [];
      const vectors: { index: number; vector: unknown }[] = [];
      data.embeddings.forEach((entry: unknown, position: number) => {
        if (!isRecord(entry)) return;
        const index = count(read(entry, "index")) ?? position;
        const text = read(entry, "text");
        if (typeof text === "string") {
          texts.push(text);
          indices.push(index);
        }
        const vector = read(entry, "vector");
        if (vector !== undefined) vectors.push({ index, vector });
      });
      writeTexts(call, attrs, texts, indices);
      writeVectors(call, attrs, vectors);
    }
    const tokens = data.tokenCount;
    if (isRecord(tokens)) {
      const prompt = count(tokens.prompt);
      const total = count(tokens.total);
      if (prompt !== undefined) attrs[SC.LLM_TOKEN_COUNT_PROMPT] = prompt;
      if (total !== undefined) attrs[SC.LLM_TOKEN_COUNT_TOTAL] = total;
    }
    return attrs;
  },
});

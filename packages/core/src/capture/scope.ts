import type { Attributes } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { captureConfig } from "./config.js";
import { safeJson, truncateText, TRUNCATION_MARKER } from "./serialize.js";

/**
 * Attribute keys a kind writes from a call's data, beyond the OpenInference keys core knows (input and output
 * values, messages, documents, embedding texts and vectors, reranker query, prompt template; docs/privacy.md): each entry is an exact key, or a prefix that covers `prefix.*`. With `captureInput: false`
 * every input key is left off the span; with `captureOutput: false` every output key.
 */
export interface DataKeys {
  input?: readonly string[] | undefined;
  output?: readonly string[] | undefined;
}

function under(key: string, prefix: string): boolean {
  return key === prefix || (key.startsWith(prefix) && key.charCodeAt(prefix.length) === 46 /* . */);
}

const INPUT_PREFIXES: readonly string[] = [
  SC.INPUT_VALUE,
  SC.INPUT_MIME_TYPE,
  SC.LLM_INPUT_MESSAGES,
  SC.LLM_PROMPTS,
  SC.RERANKER_QUERY,
  SC.RERANKER_INPUT_DOCUMENTS,
  SC.PROMPT_TEMPLATE_TEMPLATE,
  SC.PROMPT_TEMPLATE_VARIABLES,
];
const OUTPUT_PREFIXES: readonly string[] = [
  SC.OUTPUT_VALUE,
  SC.OUTPUT_MIME_TYPE,
  SC.LLM_OUTPUT_MESSAGES,
  SC.RETRIEVAL_DOCUMENTS,
  SC.RERANKER_OUTPUT_DOCUMENTS,
];
// What an evaluation says in words or data (its score, name and judge are the verdict, not the data judged).
const EVALUATION_OUTPUT_FIELDS: readonly string[] = [SC.EVALUATION_LABEL, SC.EVALUATION_EXPLANATION, SC.EVALUATION_METADATA];

/**
 * Which side of a call's data an OpenInference attribute carries: `"input"` (input value, input messages and
 * prompts, embedding texts, reranker query and input documents, prompt template and variables), `"output"`
 * (output value, output messages, embedding vectors, retrieved documents, reranker output documents, an
 * evaluation's label, explanation and metadata), or `undefined` for everything else (names, models, counts,
 * settings). Keys a kind declares in its {@link DataKeys} count too.
 */
function dataSide(key: string, kindKeys?: DataKeys): "input" | "output" | undefined {
  for (const p of INPUT_PREFIXES) if (under(key, p)) return "input";
  for (const p of OUTPUT_PREFIXES) if (under(key, p)) return "output";
  if (key.startsWith(`${SC.EMBEDDING_EMBEDDINGS}.`)) {
    if (key.endsWith(`.${SC.EMBEDDING_TEXT}`)) return "input";
    if (key.endsWith(`.${SC.EMBEDDING_VECTOR}`)) return "output";
  }
  if (key.startsWith(`${SC.EVALUATIONS}.`)) {
    for (const f of EVALUATION_OUTPUT_FIELDS) if (key.endsWith(`.${f}`)) return "output";
  }
  if (kindKeys !== undefined) {
    for (const p of kindKeys.input ?? []) if (under(key, p)) return "input";
    for (const p of kindKeys.output ?? []) if (under(key, p)) return "output";
  }
  return undefined;
}

/**
 * The last step of every attribute a kind hook or recorder writes, in place: removes the attributes holding the
 * call data that `captureInput: false` / `captureOutput: false` withhold, and holds every string (and every
 * string in an array) to `maxValueLength`: text is cut with a marker, JSON text is re-serialized so it stays
 * valid JSON. Returns `attributes`. @internal
 */
export function scopeAttributes(
  attributes: Attributes,
  options: { captureInput?: boolean | undefined; captureOutput?: boolean | undefined },
  kindKeys: DataKeys | undefined,
): Attributes {
  const noInput = options.captureInput === false;
  const noOutput = options.captureOutput === false;
  const withhold = noInput || noOutput;
  const max = captureConfig().maxValueLength;
  for (const key of Object.keys(attributes)) {
    if (withhold) {
      const side = dataSide(key, kindKeys);
      if ((side === "input" && noInput) || (side === "output" && noOutput)) {
        delete attributes[key];
        continue;
      }
    }
    const value = attributes[key];
    if (typeof value === "string") {
      if (value.length > max) attributes[key] = bound(value, max);
    } else if (Array.isArray(value)) {
      boundArray(attributes, key, value, max);
    }
  }
  return attributes;
}

function bound(text: string, max: number): string {
  const c = text.charCodeAt(0);
  if (c === 123 /* { */ || c === 91 /* [ */) {
    try {
      return safeJson(JSON.parse(text), max);
    } catch {
      // Not JSON after all: cut as text.
    }
  }
  return truncateText(text, max);
}

// Arrays of strings (tags, lists of names) are held to the limit together; the items left out are counted.
function boundArray(attributes: Attributes, key: string, value: readonly unknown[], max: number): void {
  let total = 0;
  for (const item of value) if (typeof item === "string") total += item.length;
  if (total <= max) return;
  const room = max - 40;
  const kept: (string | number | boolean | null | undefined)[] = [];
  let used = 0;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const text = typeof item === "string" ? truncateText(item, Math.max(64, room)) : item;
    const size = typeof text === "string" ? text.length : 0;
    if (used + size > room) {
      kept.push(`${TRUNCATION_MARKER.slice(0, -1)} ${value.length - i} more items]`);
      break;
    }
    used += size;
    kept.push(text as string | number | boolean | null | undefined);
  }
  attributes[key] = kept as Attributes[string];
}

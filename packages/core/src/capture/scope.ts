import type { Attributes } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";

/**
 * Attribute keys a kind writes from a call's data, beyond the OpenInference keys core knows (see
 * {@link dataSide}): each entry is an exact key, or a prefix that covers `prefix.*`. With `captureInput: false`
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
export function dataSide(key: string, kindKeys?: DataKeys): "input" | "output" | undefined {
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
 * Removes, in place, the attributes holding the call data that `captureInput: false` / `captureOutput: false`
 * withhold, and returns `attributes`. Nothing to do (and no work) while both are on. @internal
 */
export function withholdData(
  attributes: Attributes,
  options: { captureInput?: boolean | undefined; captureOutput?: boolean | undefined },
  kindKeys: DataKeys | undefined,
): Attributes {
  const noInput = options.captureInput === false;
  const noOutput = options.captureOutput === false;
  if (!noInput && !noOutput) return attributes;
  for (const key of Object.keys(attributes)) {
    const side = dataSide(key, kindKeys);
    if ((side === "input" && noInput) || (side === "output" && noOutput)) delete attributes[key];
  }
  return attributes;
}

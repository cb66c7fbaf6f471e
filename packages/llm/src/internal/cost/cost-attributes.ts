import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import type { Attributes } from "@opentelemetry/api";
import type { CostBreakdown } from "./compute-cost.js";

// The keys, read once: an object literal with computed keys cost ~0.9 µs per call (it runs at the end of every
// priced LLM span); plain stores of constant keys build the same object, keys in the same order.
const PROMPT = SemanticConventions.LLM_COST_PROMPT;
const COMPLETION = SemanticConventions.LLM_COST_COMPLETION;
const TOTAL = SemanticConventions.LLM_COST_TOTAL;
const INPUT = SemanticConventions.LLM_COST_INPUT;
const OUTPUT = SemanticConventions.LLM_COST_OUTPUT;
const CACHE_READ = SemanticConventions.LLM_COST_PROMPT_DETAILS_CACHE_READ;
const CACHE_WRITE = SemanticConventions.LLM_COST_PROMPT_DETAILS_CACHE_WRITE;
const PROMPT_AUDIO = SemanticConventions.LLM_COST_PROMPT_DETAILS_AUDIO;
const REASONING = SemanticConventions.LLM_COST_COMPLETION_DETAILS_REASONING;
const COMPLETION_AUDIO = SemanticConventions.LLM_COST_COMPLETION_DETAILS_AUDIO;

/**
 * The `llm.cost.*` span attributes of a {@link CostBreakdown}, in USD: `llm.cost.{prompt,completion,total}`,
 * `llm.cost.prompt_details.{input,cache_read,cache_write,audio}` and
 * `llm.cost.completion_details.{output,reasoning,audio}`, each detail only when the breakdown has it.
 */
export function costAttributes(breakdown: CostBreakdown): Attributes {
  return writeCostAttributes({}, breakdown);
}

/** Writes {@link costAttributes} of `breakdown` into `attributes` (no intermediate object); returns it. */
export function writeCostAttributes(attributes: Attributes, breakdown: CostBreakdown): Attributes {
  attributes[PROMPT] = breakdown.prompt;
  attributes[COMPLETION] = breakdown.completion;
  attributes[TOTAL] = breakdown.total;
  attributes[INPUT] = breakdown.promptDetails.input;
  attributes[OUTPUT] = breakdown.completionDetails.output;
  const { cacheRead, cacheWrite, audio: promptAudio } = breakdown.promptDetails;
  const { reasoning, audio: completionAudio } = breakdown.completionDetails;
  if (cacheRead !== undefined) attributes[CACHE_READ] = cacheRead;
  if (cacheWrite !== undefined) attributes[CACHE_WRITE] = cacheWrite;
  if (promptAudio !== undefined) attributes[PROMPT_AUDIO] = promptAudio;
  if (reasoning !== undefined) attributes[REASONING] = reasoning;
  if (completionAudio !== undefined) attributes[COMPLETION_AUDIO] = completionAudio;
  return attributes;
}

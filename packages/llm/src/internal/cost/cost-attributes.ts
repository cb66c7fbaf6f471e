import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import type { Attributes } from "@opentelemetry/api";
import type { CostBreakdown } from "./compute-cost.js";

/**
 * The `llm.cost.*` span attributes of a {@link CostBreakdown}, in USD: `llm.cost.{prompt,completion,total}`,
 * `llm.cost.prompt_details.{input,cache_read,cache_write,audio}` and
 * `llm.cost.completion_details.{output,reasoning,audio}`, each detail only when the breakdown has it.
 */
export function costAttributes(breakdown: CostBreakdown): Attributes {
  const attributes: Attributes = {
    [SemanticConventions.LLM_COST_PROMPT]: breakdown.prompt,
    [SemanticConventions.LLM_COST_COMPLETION]: breakdown.completion,
    [SemanticConventions.LLM_COST_TOTAL]: breakdown.total,
    [SemanticConventions.LLM_COST_INPUT]: breakdown.promptDetails.input,
    [SemanticConventions.LLM_COST_OUTPUT]: breakdown.completionDetails.output,
  };
  const { cacheRead, cacheWrite, audio: promptAudio } = breakdown.promptDetails;
  const { reasoning, audio: completionAudio } = breakdown.completionDetails;
  if (cacheRead !== undefined) attributes[SemanticConventions.LLM_COST_PROMPT_DETAILS_CACHE_READ] = cacheRead;
  if (cacheWrite !== undefined) attributes[SemanticConventions.LLM_COST_PROMPT_DETAILS_CACHE_WRITE] = cacheWrite;
  if (promptAudio !== undefined) attributes[SemanticConventions.LLM_COST_PROMPT_DETAILS_AUDIO] = promptAudio;
  if (reasoning !== undefined) attributes[SemanticConventions.LLM_COST_COMPLETION_DETAILS_REASONING] = reasoning;
  if (completionAudio !== undefined) attributes[SemanticConventions.LLM_COST_COMPLETION_DETAILS_AUDIO] = completionAudio;
  return attributes;
}

import type { TokenCounts } from "../extract/model.js";
import { findPrice } from "./find-price.js";
import { pricePerMillion } from "./rates.js";
import type { Rate } from "./rates.js";


/** What {@link computeCost} prices: a model as the span names it, its provider if known, and the token counts. */
export interface CostInput {
  /** The model id as reported, e.g. `gpt-4o-2024-08-06` or `openrouter/google/gemma-3n-e4b-it:free`. */
  model: string;
  /** The `llm.provider` (or `llm.system`) value, e.g. `openai`, `anthropic`, `openrouter`. */
  provider?: string;
  tokens: TokenCounts;
  /** When the call was made (default: now); a few models' prices change by date or time of day. */
  at?: Date;
}

/**
 * The cost of one LLM call in USD, shaped as OpenInference's `llm.cost.*` attributes. `total` is `prompt +
 * completion`; `prompt` is the sum of its details, and so is `completion`. A detail is present when its token
 * count was given.
 */
export interface CostBreakdown {
  /** `llm.cost.prompt` */
  prompt: number;
  /** `llm.cost.completion` */
  completion: number;
  /** `llm.cost.total` */
  total: number;
  promptDetails: {
    /** `llm.cost.prompt_details.input`: prompt tokens that are neither cache reads, cache writes nor audio. */
    input: number;
    /** `llm.cost.prompt_details.cache_read` */
    cacheRead?: number;
    /** `llm.cost.prompt_details.cache_write` */
    cacheWrite?: number;
    /** `llm.cost.prompt_details.audio` */
    audio?: number;
  };
  completionDetails: {
    /** `llm.cost.completion_details.output`: completion tokens that are neither reasoning nor audio. */
    output: number;
    /** `llm.cost.completion_details.reasoning` */
    reasoning?: number;
    /** `llm.cost.completion_details.audio` */
    audio?: number;
  };
  /** Which price was used: a user's (`override`, keyed by `model`) or the catalog's (its provider and model id). */
  pricedAs: { source: "override" | "catalog"; model: string; provider?: string };
}

/**
 * Prices one LLM call from its token counts, with the price set by `setModelPrices()` for the model if any, else
 * the bundled catalog's (see docs/pricing.md). Cache reads, cache writes, audio and reasoning tokens are charged at
 * their own rates where the model has one, else at the prompt or completion rate; tiered prices follow the size of
 * the prompt, as the providers bill them.
 *
 * Returns undefined, never a made-up zero, when the model is unknown, when its price is not per token, or when no
 * usable token count was given. A free model (one the catalog prices at 0) costs 0. Fast after the first call for
 * a model/provider pair, and never throws.
 */
export function computeCost(input: CostInput): CostBreakdown | undefined {
  try {
    return compute(input);
  } catch {
    // Called at the end of a span: a cost we cannot compute is left out rather than disturbing the app.
    return undefined;
  }
}

function compute({ model, provider, tokens, at }: CostInput): CostBreakdown | undefined {
  if (typeof model !== "string" || model.trim() === "" || typeof tokens !== "object" || tokens === null) return undefined;
  const promptCount = count(tokens.prompt);
  const completionCount = count(tokens.completion);
  const cacheReadCount = count(tokens.cacheRead);
  const cacheWriteCount = count(tokens.cacheWrite);
  const promptAudioCount = count(tokens.promptAudio);
  const reasoningCount = count(tokens.reasoning);
  const completionAudioCount = count(tokens.completionAudio);
  if (
    promptCount === undefined &&
    completionCount === undefined &&
    cacheReadCount === undefined &&
    cacheWriteCount === undefined &&
    promptAudioCount === undefined &&
    reasoningCount === undefined &&
    completionAudioCount === undefined
  ) {
    return undefined;
  }

  const name = typeof provider === "string" && provider.trim() !== "" ? provider.trim() : undefined;
  const source = findPrice(model.trim(), name);
  if (source === undefined) return undefined;
  // No date made for a price that does not change with it (most): the source takes "now" when it needs one.
  const rates = source.rates(at instanceof Date && !Number.isNaN(at.getTime()) ? at : undefined);
  if (rates === undefined) return undefined;

  // Details are parts of the prompt and completion. Where they add up to more than the count given, the count
  // is the one that is wrong (e.g. Anthropic's input_tokens passed as is): every detail token was billed.
  const cacheRead = cacheReadCount ?? 0;
  const cacheWrite = cacheWriteCount ?? 0;
  const promptAudio = promptAudioCount ?? 0;
  const promptTokens = Math.max(promptCount ?? 0, cacheRead + cacheWrite + promptAudio);
  const reasoning = reasoningCount ?? 0;
  const completionAudio = completionAudioCount ?? 0;
  const completionTokens = Math.max(completionCount ?? 0, reasoning + completionAudio);

  // Tiered rates depend on the whole prompt, cache included, for every token of the call.
  const usd = (tokenCount: number, rate: Rate | undefined, parent?: Rate): number =>
    (tokenCount * pricePerMillion(rate ?? parent, promptTokens)) / 1_000_000;

  const inputCost = usd(promptTokens - cacheRead - cacheWrite - promptAudio, rates.prompt);
  const cacheReadCost = usd(cacheRead, rates.cacheRead, rates.prompt);
  const cacheWriteCost = usd(cacheWrite, rates.cacheWrite, rates.prompt);
  const promptAudioCost = usd(promptAudio, rates.promptAudio, rates.prompt);
  const outputCost = usd(completionTokens - reasoning - completionAudio, rates.completion);
  const reasoningCost = usd(reasoning, rates.reasoning, rates.completion);
  const completionAudioCost = usd(completionAudio, rates.completionAudio, rates.completion);

  const prompt = inputCost + cacheReadCost + cacheWriteCost + promptAudioCost;
  const completion = outputCost + reasoningCost + completionAudioCost;
  const breakdown: CostBreakdown = {
    prompt: round(prompt),
    completion: round(completion),
    total: round(prompt + completion),
    promptDetails: { input: round(inputCost) },
    completionDetails: { output: round(outputCost) },
    pricedAs:
      source.provider === undefined
        ? { source: source.source, model: source.model }
        : { source: source.source, model: source.model, provider: source.provider },
  };
  if (cacheReadCount !== undefined) breakdown.promptDetails.cacheRead = round(cacheReadCost);
  if (cacheWriteCount !== undefined) breakdown.promptDetails.cacheWrite = round(cacheWriteCost);
  if (promptAudioCount !== undefined) breakdown.promptDetails.audio = round(promptAudioCost);
  if (reasoningCount !== undefined) breakdown.completionDetails.reasoning = round(reasoningCost);
  if (completionAudioCount !== undefined) breakdown.completionDetails.audio = round(completionAudioCost);
  return breakdown;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Rounds to 1e-12 USD, far below any price, so sums such as 0.003 + 0.0075 read 0.0105 and not
 * 0.010499999999999999. Amounts of $1,000 or more keep their float value: scaling them would lose precision.
 */
function round(usd: number): number {
  return Math.abs(usd) < 1000 ? Math.round(usd * 1e12) / 1e12 : usd;
}

/**
 * A price in USD per 1 million tokens: flat, or tiered by the size of the call's prompt the way the catalog's
 * `TieredPrices` are (Anthropic and Google charge every token of a call at a higher rate once its prompt passes
 * 200,000 tokens).
 */
export type Rate = number | TieredRate;

/** A tiered {@link Rate}: `base` until the prompt holds more than `start` tokens, then that tier's `price`. */
interface TieredRate {
  readonly base: number;
  /** Sorted by `start`, ascending. */
  readonly tiers: readonly { readonly start: number; readonly price: number }[];
}

/**
 * The rates of one model, one per token category of OpenInference's `llm.token_count.*`. A missing category is
 * charged at its parent's rate (`prompt` for the prompt details, `completion` for the completion details), which
 * is how providers bill a category they do not price separately.
 */
export interface Rates {
  readonly prompt?: Rate;
  readonly completion?: Rate;
  readonly cacheRead?: Rate;
  readonly cacheWrite?: Rate;
  readonly promptAudio?: Rate;
  readonly reasoning?: Rate;
  readonly completionAudio?: Rate;
}

/**
 * The USD-per-1M-token price `rate` sets for a call whose prompt holds `promptTokens` tokens (cache reads and
 * writes included), 0 when there is no rate. Same rule as the catalog: the last tier whose `start` the prompt
 * exceeds wins, for every token of the call.
 */
export function pricePerMillion(rate: Rate | undefined, promptTokens: number): number {
  if (rate === undefined) return 0;
  if (typeof rate === "number") return rate;
  let price = rate.base;
  for (const tier of rate.tiers) if (promptTokens > tier.start) price = tier.price;
  return price;
}

/** True for a usable price: a finite number, zero or more. */
export function isPrice(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

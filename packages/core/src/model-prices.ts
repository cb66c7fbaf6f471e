import { reportOnce } from "./internal/diagnostics.js";
import { sharedPart } from "./shared-part.js";

/**
 * A model's price in USD per 1 million tokens, as `@calltree/llm`'s `setModelPrices()` and `register({ prices })`
 * take it. Every token category OpenInference counts has a rate; an optional one left out is charged at its
 * parent's rate, as providers do: `cacheRead`, `cacheWrite` and `promptAudio` at `prompt`; `reasoning` and
 * `completionAudio` at `completion`.
 */
export interface ModelPrice {
  /** Prompt tokens that are neither cache reads, cache writes nor audio. */
  prompt: number;
  /** Completion tokens that are neither reasoning nor audio. */
  completion: number;
  /** Prompt tokens read from the provider's prompt cache. */
  cacheRead?: number;
  /** Prompt tokens written to the provider's prompt cache. */
  cacheWrite?: number;
  /** Audio prompt tokens. */
  promptAudio?: number;
  /** Reasoning ("thinking") tokens. */
  reasoning?: number;
  /** Audio completion tokens. */
  completionAudio?: number;
}

/** What takes model prices: `@calltree/llm`'s `setModelPrices()`. It validates and may throw a `CalltreeError`. */
export type ModelPriceSetter = (prices: Record<string, ModelPrice>) => void;

interface Handoff {
  setter: ModelPriceSetter | undefined;
  /** Prices handed over before a setter was provided, applied in order when one is. */
  pending: Record<string, ModelPrice>[];
}

// In the global slot: `register()` and `@calltree/llm` may each be loaded through another copy (ESM and CommonJS).
function handoff(): Handoff {
  return sharedPart<Handoff>("core.model-prices", () => ({ setter: undefined, pending: [] }));
}

/**
 * Says where model prices go. `@calltree/llm` calls this when it loads, so `register({ prices })` reaches it
 * without `@calltree/otel` depending on (or loading) `@calltree/llm`. Prices handed over before are applied now;
 * one that fails is reported through OpenTelemetry's `diag` (it was validated when it was handed over).
 */
export function provideModelPriceSetter(setter: ModelPriceSetter): void {
  const h = handoff();
  h.setter = setter;
  const pending = h.pending.splice(0);
  for (const prices of pending) {
    try {
      setter(prices);
    } catch (e) {
      reportOnce("model-prices-pending", "prices given to register() before @calltree/llm loaded could not be set", e);
    }
  }
}

/** True once a copy of `@calltree/llm` has loaded and provided its setter. */
export function hasModelPriceSetter(): boolean {
  return handoff().setter !== undefined;
}

/**
 * Hands `prices` to `@calltree/llm`: at once when it has loaded (its errors reach the caller), else kept until it
 * loads. For `register({ prices })`; apps call `setModelPrices()` of `@calltree/llm` instead.
 */
export function handOverModelPrices(prices: Record<string, ModelPrice>): void {
  const h = handoff();
  if (h.setter !== undefined) h.setter(prices);
  else h.pending.push(prices);
}

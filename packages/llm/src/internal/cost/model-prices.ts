import { provideModelPriceSetter, sharedPart } from "@calltree/core/sdk";
import type { ModelPrice } from "@calltree/core/sdk";
import { isPrice } from "./rates.js";
import type { Rates } from "./rates.js";

/** A model's price in USD per 1 million tokens: one type for `setModelPrices()` and `register({ prices })`. */
export type { ModelPrice };

const RATE_KEYS = ["prompt", "completion", "cacheRead", "cacheWrite", "promptAudio", "reasoning", "completionAudio"] as const;

interface PriceRegistry {
  readonly prices: Map<string, Rates>;
  /** Bumped on every change, so each copy's lookup memo knows to start over. */
  version: number;
}

// In calltree's global slot so the ESM and CJS builds (or two installs) of this package share one registry: prices
// set through one copy must reach decorators loaded through the other.
const registry: PriceRegistry = sharedPart<PriceRegistry>("llm:model-prices", () => ({ prices: new Map(), version: 0 }));

/**
 * Sets the price of models the catalog does not know, or overrides the catalog's price (a negotiated rate, a
 * self-hosted model): a price set here always wins over the catalog. Keys are model ids as the spans report them,
 * matched exactly, after `provider/` is put in front of them when the span names a provider (so
 * `"azure/gpt-4o"` prices only Azure's `gpt-4o`), or after leading `segment/` prefixes are removed (so
 * `"gemma-3n-e4b-it:free"` also prices `openrouter/google/gemma-3n-e4b-it:free`).
 *
 * Merges into the prices set before (a key given again is replaced). Validates every entry first and stores
 * none if one is invalid.
 *
 * @throws a `CalltreeError` (code `INVALID_MODEL_PRICE`) when a key is empty or a rate is not a finite number
 *   of zero or more.
 */
export function setModelPrices(prices: Record<string, ModelPrice>): void {
  if (typeof prices !== "object" || prices === null) {
    throw invalidPrice("setModelPrices() takes an object keyed by model id, e.g. { \"my-model\": { prompt: 1, completion: 2 } }.");
  }
  const parsed: [string, Rates][] = [];
  for (const [model, price] of Object.entries(prices)) {
    const key = model.trim();
    if (key === "") throw invalidPrice("setModelPrices(): a model id is empty; use the model name the spans report.");
    parsed.push([key, toRates(key, price)]);
  }
  for (const [key, rates] of parsed) registry.prices.set(key, rates);
  registry.version++;
}

/** Removes every price set with {@link setModelPrices}; costs come from the catalog alone again. */
export function clearModelPrices(): void {
  registry.prices.clear();
  registry.version++;
}

/** The user's price for the first of `candidates` that has one, with the key that matched. */
export function findUserPrice(candidates: readonly string[]): { model: string; rates: Rates } | undefined {
  if (registry.prices.size === 0) return undefined;
  for (const candidate of candidates) {
    const rates = registry.prices.get(candidate);
    if (rates !== undefined) return { model: candidate, rates };
  }
  return undefined;
}

/** Changes whenever the user's prices change. */
export function userPricesVersion(): number {
  return registry.version;
}

function toRates(model: string, price: unknown): Rates {
  if (typeof price !== "object" || price === null) {
    throw invalidPrice(`setModelPrices(): the price of "${model}" must be an object such as { prompt: 1.25, completion: 10 } (USD per 1M tokens).`);
  }
  const record = price as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!(RATE_KEYS as readonly string[]).includes(name)) {
      throw invalidPrice(`setModelPrices(): "${model}" has an unknown rate "${name}"; the rates are ${RATE_KEYS.join(", ")}.`);
    }
  }
  const rates: Record<string, number> = {};
  for (const name of RATE_KEYS) {
    const value = record[name];
    if (value === undefined && name !== "prompt" && name !== "completion") continue;
    if (!isPrice(value)) {
      throw invalidPrice(
        `setModelPrices(): "${model}".${name} is ${String(value)}; give a finite number of USD per 1M tokens, 0 or more` +
          (name === "prompt" || name === "completion" ? " (prompt and completion are required)." : "."),
      );
    }
    rates[name] = value;
  }
  return rates;
}

function invalidPrice(message: string): TypeError {
  // Shaped as @calltree/core's CalltreeError (a TypeError named "CalltreeError" with a `code`), which
  // isCalltreeError() recognises by name and code.
  return Object.assign(new TypeError(message), { name: "CalltreeError", code: "INVALID_MODEL_PRICE" });
}

// register({ prices }) of @calltree/otel hands its prices over through core (otel does not depend on this package).
provideModelPriceSetter(setModelPrices);

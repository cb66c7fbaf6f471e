// The only file that knows the price catalog (@pydantic/genai-prices, see docs/pricing.md). It uses the data
// bundled in the package and never calls updatePrices(), so nothing is fetched at run time.
import { calcPrice, findProvider } from "@pydantic/genai-prices";
import type { ModelPrice as CatalogPrice, PriceCalculation, PriceOptions, Provider } from "@pydantic/genai-prices";
import { modelIdForms, modelIdPrefixes } from "./model-id.js";
import { isPrice } from "./rates.js";
import type { Rate, Rates } from "./rates.js";

/** A model found in the catalog. */
export interface CatalogEntry {
  /** The catalog's provider id, e.g. `openai`, `openrouter`. */
  readonly provider: string;
  /** The catalog's model id, e.g. `gpt-4o` for `gpt-4o-2024-08-06`. */
  readonly model: string;
  /**
   * The model's rates at `when` (now when not given: a few models change price by date or time of day), or
   * undefined when the catalog prices it in units other than tokens (audio hours, pages) so token counts cannot
   * price it.
   */
  rates(when?: Date): Rates | undefined;
}

// The lookup only needs the matched model and its price; zero usage keeps the calculation trivial.
const PROBE = { input_tokens: 0, output_tokens: 0 };

// The catalog's token prices, mapped onto OpenInference's token categories. Prices the spans have no count for
// (images, 1-hour cache writes, web searches, per-request fees) are left out; see docs/pricing.md.
const CATALOG_KEYS: readonly [string, keyof Rates][] = [
  ["input_mtok", "prompt"],
  ["output_mtok", "completion"],
  ["cache_read_mtok", "cacheRead"],
  ["cache_write_mtok", "cacheWrite"],
  ["input_audio_mtok", "promptAudio"],
  ["output_reasoning_mtok", "reasoning"],
  ["output_audio_mtok", "completionAudio"],
];

const providerIds = new Map<string, string | undefined>();

/**
 * Finds `model` in the catalog. The provider decides where to look:
 * - a provider the catalog knows (`openai`, `mistralai`, `vertexai`, `openrouter`...): that provider's models,
 *   then those of providers named by the id's own prefixes (`openai/gpt-4o`, `openrouter/google/...`);
 * - a provider it does not know (`ollama`): only providers named by the id's prefixes, so a local model is
 *   never priced like a hosted one of a similar name;
 * - no provider: the id's prefixes, then the catalog's guess from the model name (`gpt-*` is OpenAI's).
 * Each is tried with the full id first, then with leading `segment/` prefixes removed. Undefined when nothing
 * matches. Slow (tens of microseconds per try): callers memoise.
 */
export function findCatalogEntry(model: string, provider: string | undefined): CatalogEntry | undefined {
  const forms = modelIdForms(model);
  const tries: [providerId: string | undefined, form: string][] = [];
  if (provider !== undefined) {
    const id = catalogProviderId(provider);
    if (id !== undefined) for (const form of forms) tries.push([id, form]);
  }
  for (const [segment, next] of modelIdPrefixes(model)) {
    const id = catalogProviderId(segment);
    if (id !== undefined) for (const form of forms.slice(next)) tries.push([id, form]);
  }
  if (provider === undefined) for (const form of forms) tries.push([undefined, form]);

  const seen = new Set<string>();
  for (const [providerId, form] of tries) {
    const key = `${providerId ?? ""}\u0000${form}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const found = probe(form, providerId === undefined ? undefined : { providerId });
    if (found !== undefined) return toEntry(found, form);
  }
  return undefined;
}

/** The catalog's id for a provider name or alias (`mistralai` → `mistral`, `bedrock` → `aws`), if it has one. */
function catalogProviderId(name: string): string | undefined {
  const cached = providerIds.get(name);
  if (cached !== undefined || providerIds.has(name)) return cached;
  let id: string | undefined;
  try {
    id = findProvider({ providerId: name })?.id;
  } catch {
    id = undefined;
  }
  if (providerIds.size > 1000) providerIds.clear();
  providerIds.set(name, id);
  return id;
}

function probe(form: string, options: PriceOptions | undefined): PriceCalculation | undefined {
  try {
    return calcPrice(PROBE, form, options) ?? undefined;
  } catch {
    // The catalog throws on data it cannot use (an invalid price constraint): for us that model is unknown.
    return undefined;
  }
}

function toEntry(found: PriceCalculation, form: string): CatalogEntry {
  const provider = found.provider.id;
  const model = found.model.id;
  if (!Array.isArray(found.model.prices)) {
    const rates = toRates(found.model_price);
    return { provider, model, rates: () => rates };
  }
  // Prices that change with the date or the time of day: let the catalog pick the one in force at each call,
  // from a provider holding only this model so the pick costs no search.
  const single: Provider = {
    id: found.provider.id,
    name: found.provider.name,
    api_pattern: found.provider.api_pattern,
    models: [found.model],
  };
  return {
    provider,
    model,
    rates: (when) => {
      const current = probe(form, { provider: single, timestamp: when ?? new Date() });
      return current === undefined ? undefined : toRates(current.model_price);
    },
  };
}

/**
 * The catalog's price as {@link Rates}. An empty price is a free model (the catalog lists OpenRouter's `:free`
 * variants that way); a price with neither an input nor an output token rate is not a token price and gives
 * undefined.
 */
export function toRates(price: CatalogPrice): Rates | undefined {
  const keys = Object.keys(price).filter((key) => price[key] !== undefined);
  if (keys.length > 0 && price["input_mtok"] === undefined && price["output_mtok"] === undefined) return undefined;
  const rates: Record<string, Rate> = {};
  for (const [catalogKey, name] of CATALOG_KEYS) {
    const value: unknown = price[catalogKey];
    if (value === undefined) continue;
    const rate = toRate(value);
    if (rate === undefined) return undefined;
    rates[name] = rate;
  }
  return rates;
}

function toRate(value: unknown): Rate | undefined {
  if (isPrice(value)) return value;
  if (typeof value !== "object" || value === null) return undefined;
  const { base, tiers } = value as { base?: unknown; tiers?: unknown };
  if (!isPrice(base) || !Array.isArray(tiers)) return undefined;
  const parsed: { start: number; price: number }[] = [];
  for (const tier of tiers as unknown[]) {
    const { start, price } = (tier ?? {}) as { start?: unknown; price?: unknown };
    if (!isPrice(start) || !isPrice(price)) return undefined;
    parsed.push({ start, price });
  }
  parsed.sort((a, b) => a.start - b.start);
  return { base, tiers: parsed };
}

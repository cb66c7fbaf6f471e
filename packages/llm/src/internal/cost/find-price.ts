import { findCatalogEntry } from "./catalog.js";
import { modelIdForms } from "./model-id.js";
import { findUserPrice, userPricesVersion } from "./model-prices.js";
import type { Rates } from "./rates.js";

/** Where a model's price was found. */
export interface PriceSource {
  /** `override`: set with `setModelPrices()`; `catalog`: the bundled price catalog. */
  readonly source: "override" | "catalog";
  /** The key of the user's price, or the catalog's model id. */
  readonly model: string;
  /** The catalog's provider id; absent for a user's price. */
  readonly provider?: string;
  /** The rates in force at `when` (now when not given); undefined when the model cannot be priced from token counts. */
  rates(when?: Date): Rates | undefined;
}

// computeCost() runs at the end of every LLM span, and a catalog search takes tens of microseconds per try:
// each model/provider pair is searched once. Bounded, because model names come from the application.
// Keyed by provider, then model: no key string is built per call.
const MEMO_LIMIT = 2048;
const memo = new Map<string | undefined, Map<string, PriceSource | null>>();
let memoSize = 0;
let memoVersion = -1;

/**
 * The price of `model` as served by `provider`: the user's price if one matches (see `setModelPrices`), else the
 * catalog's, else undefined. Memoised per model/provider pair until the user's prices change.
 */
export function findPrice(model: string, provider: string | undefined): PriceSource | undefined {
  const version = userPricesVersion();
  if (version !== memoVersion) {
    memo.clear();
    memoSize = 0;
    memoVersion = version;
  }
  let byModel = memo.get(provider);
  const cached = byModel?.get(model);
  if (cached !== undefined) return cached ?? undefined;
  const found = search(model, provider);
  if (memoSize >= MEMO_LIMIT) {
    memo.clear();
    memoSize = 0;
    byModel = undefined;
  }
  if (byModel === undefined) memo.set(provider, (byModel = new Map()));
  byModel.set(model, found ?? null);
  memoSize++;
  return found;
}

function search(model: string, provider: string | undefined): PriceSource | undefined {
  const forms = modelIdForms(model);
  const candidates = provider === undefined ? forms : [`${provider}/${model}`, ...forms];
  const user = findUserPrice(candidates);
  if (user !== undefined) {
    const { rates } = user;
    return { source: "override", model: user.model, rates: () => rates };
  }
  const entry = findCatalogEntry(model, provider);
  if (entry === undefined) return undefined;
  return { source: "catalog", model: entry.model, provider: entry.provider, rates: entry.rates };
}

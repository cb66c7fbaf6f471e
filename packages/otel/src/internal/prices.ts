import { CalltreeError, handOverModelPrices, hasModelPriceSetter } from "./core.js";
import type { ModelPrice } from "./core.js";

type SetModelPrices = (prices: Record<string, ModelPrice>) => void;

// @calltree/otel does not depend on the kind packages (dependencies run one way), and does not load them either:
// @calltree/llm provides its price setter to @calltree/core when it loads, and core hands the prices over (at once,
// or when @calltree/llm loads, if the app imports it after calling register()).
let setter: SetModelPrices | undefined;

/** Lets a caller (tests, an app bundling its own copy) say where prices go. */
export function useModelPriceSetter(fn: SetModelPrices | undefined): void {
  setter = fn;
}

/**
 * Passes `prices` to `@calltree/llm`'s `setModelPrices()`, through core. `llmInstalled` says whether the app could
 * load `@calltree/llm` later (the platform finds it without loading it), so that prices nothing would ever use fail
 * at setup with a fix-it message.
 */
export function applyModelPrices(prices: Record<string, ModelPrice>, llmInstalled: () => boolean): void {
  if (setter !== undefined) {
    setter(prices);
    return;
  }
  if (!hasModelPriceSetter() && !llmInstalled()) {
    throw new CalltreeError(
      "PRICES_NEED_LLM",
      "register({ prices }): prices are used by @llm spans, but @calltree/llm is not installed (or too old to have " +
        "setModelPrices). Install it (`npm i @calltree/llm`) or leave `prices` out.",
    );
  }
  handOverModelPrices(prices);
}

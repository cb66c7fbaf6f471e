import type { ModelPrice } from "../options.js";
import { CalltreeError } from "./core.js";

type SetModelPrices = (prices: Record<string, ModelPrice>) => void;

// @calltree/otel does not depend on the kind packages (dependencies run one way); prices are handed to the app's
// own copy of @calltree/llm, whose registry lives on globalThis and so is shared by its ESM and CJS builds.
let setter: SetModelPrices | undefined;

/** Lets a caller (tests, an app bundling its own copy) say where prices go. */
export function useModelPriceSetter(fn: SetModelPrices | undefined): void {
  setter = fn;
}

/** Passes `prices` to `@calltree/llm`'s `setModelPrices()`. */
export function applyModelPrices(prices: Record<string, ModelPrice>, load: (name: string) => unknown): void {
  let set = setter;
  if (set === undefined) {
    const llm = load("@calltree/llm") as { setModelPrices?: unknown } | undefined;
    if (typeof llm?.setModelPrices !== "function") {
      throw new CalltreeError(
        "PRICES_NEED_LLM",
        "register({ prices }): prices are used by @llm spans, but @calltree/llm is not installed (or too old to have " +
          "setModelPrices). Install it (`npm i @calltree/llm`) or leave `prices` out.",
      );
    }
    set = llm.setModelPrices as SetModelPrices;
  }
  set(prices);
}

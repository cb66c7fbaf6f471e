// What the rest of @calltree/llm uses from the cost module. setModelPrices, clearModelPrices and the types are
// meant for the package's public index; the rest stays internal.
export { computeCost } from "./compute-cost.js";
export { writeCostAttributes } from "./cost-attributes.js";
export { clearModelPrices, setModelPrices } from "./model-prices.js";
export type { ModelPrice } from "./model-prices.js";

// @calltree/core/sdk: what SDK wiring needs (`@calltree/otel`'s register(), `@calltree/testing`, an app that builds
// its own TracerProvider): the tracer slot, the span processor, calltree's one global slot and the probes of the
// OpenTelemetry globals. Listed by name on purpose.
export { useTracerProvider, currentTracerProvider, TRACER_NAME, TRACER_VERSION } from "./tracer.js";
export { createCalltreeSpanProcessor } from "./span-processor.js";
export type { CalltreeSpanProcessor } from "./span-processor.js";
export { sharedPart } from "./shared-part.js";
export { globalTracerDelegate, hasContextManager, isNoopTracerProvider } from "./probe.js";
export { handOverModelPrices, hasModelPriceSetter, provideModelPriceSetter } from "./model-prices.js";
export type { ModelPrice, ModelPriceSetter } from "./model-prices.js";

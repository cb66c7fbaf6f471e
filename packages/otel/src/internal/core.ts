// The only file that imports @calltree/core: everything register() needs from the engine goes through here,
// so a change in core's API is a change in one place. App-facing names come from the package root, SDK wiring
// from `@calltree/core/sdk`.
export { CalltreeError, configureCapture } from "@calltree/core";
export type { CaptureOptions } from "@calltree/core";
export {
  createCalltreeSpanProcessor,
  globalTracerDelegate,
  handOverModelPrices,
  hasContextManager,
  hasModelPriceSetter,
  isNoopTracerProvider,
  sharedPart,
  useTracerProvider,
} from "@calltree/core/sdk";
export type { ModelPrice } from "@calltree/core/sdk";

// @calltree/core for app code: what you write around decorated calls. Listed by name on purpose: nothing else is
// public here. Kind authors import `@calltree/core/kind`; SDK wiring (`register()`, the testing kit, a hand-built
// provider) imports `@calltree/core/sdk`.
export {
  currentTraceId,
  suppressTracing,
  traceHeaders,
  withAttributes,
  withMetadata,
  withPromptTemplate,
  withSession,
  withTags,
  withTraceHeaders,
  withUser,
} from "./context.js";
export type { HeaderCarrier, PromptTemplate } from "./context.js";
export { configureCapture, resetCapture, DEFAULT_REDACT_KEYS, HIDE_ENVIRONMENT_VARIABLES } from "./capture/config.js";
export type { CaptureOptions, HideOptions } from "./capture/config.js";
export { REDACTED, TRUNCATION_MARKER } from "./capture/serialize.js";
export { OPENINFERENCE_REDACTED } from "./capture/mask.js";
export { decoratedMethods } from "./decorated-methods.js";
export { CalltreeError, isCalltreeError } from "./errors.js";
export { FIRST_TOKEN_EVENT, STREAM_STATE } from "./conventions.js";
export type { Kind, DualMethodDecorator } from "./define-kind.js";
export type { CommonOptions } from "./common-options.js";
export type { AnyFunction, DecoratedMethod } from "./types.js";

// Public API of @calltree/core. Listed by name on purpose: nothing else is public.
export { defineKind } from "./define-kind.js";
export type { DualMethodDecorator, Kind, KindDefinition } from "./define-kind.js";
export type { AnyFunction, CallInfo, CommonOptions, DecoratedMethod } from "./types.js";
export { decoratedMethods } from "./internal/decorate.js";
export { copyFunctionShape } from "./internal/function-shape.js";
export { createCalltreeSpanProcessor } from "./internal/engine.js";
export type { ChildSpan } from "./internal/engine.js";
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
export { captureValue, hasRedactedKey, safeJson, truncateText, REDACTED, TRUNCATION_MARKER } from "./capture/serialize.js";
export { maskAttributes, OPENINFERENCE_REDACTED } from "./capture/mask.js";
export { dataSide } from "./capture/scope.js";
export type { DataKeys } from "./capture/scope.js";
export { useTracerProvider, currentTracerProvider, TRACER_NAME, TRACER_VERSION } from "./tracer.js";
export { CalltreeError, isCalltreeError } from "./errors.js";
export { STREAM_STATE, FIRST_TOKEN_EVENT } from "./internal/constants.js";
export {
  DOCUMENT_CONTENT_KEYS,
  documentKey,
  isScoredPair,
  toDocument,
  writeDocument,
  writeDocuments,
} from "./documents.js";
export type { FlatDocument } from "./documents.js";

// Public API of @calltree/otel, listed by name: nothing else is public.
export { register } from "./register.js";
export type { FetchHandler, Tracing, TracingStats } from "./tracing.js";
export type {
  AsyncLocalStorageClass,
  BatchOptions,
  Conventions,
  ExporterChoice,
  InstrumentationLike,
  LogLevel,
  ModelPrice,
  OtlpProtocol,
  OtlpTransportName,
  RegisterOptions,
  SpanLimitsOptions,
} from "./options.js";

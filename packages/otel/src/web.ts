// Public API of @calltree/otel for Workers and edge runtimes (the `workerd`, `edge-light` and `worker` export
// conditions): the same names as index.ts, listed by name.
export { register } from "./register-web.js";
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

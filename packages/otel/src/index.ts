// Public API of @calltree/otel, listed by name: nothing else is public.
export { register } from "./register.js";
export type { Tracing, TracingStats } from "./register.js";
export type {
  BatchOptions,
  Conventions,
  ExporterChoice,
  InstrumentationLike,
  LogLevel,
  ModelPrice,
  OtlpProtocol,
  RegisterOptions,
  SpanLimitsOptions,
} from "./options.js";

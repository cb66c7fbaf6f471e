// The zod checks register()'s option shape (options.ts) is built from: values of outside types, and numbers.
import type { Attributes } from "@opentelemetry/api";
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import type { AsyncLocalStorageClass, InstrumentationLike, ModelPrice } from "../../options.js";
import type { CaptureOptions } from "../core.js";

/**
 * `schema`, typed as checking exactly `T`: an option then shows the named type (`LogLevel`, `Attributes`) where zod
 * would spell it out. The compiler checks both ways that `schema` accepts what `T` allows and nothing else.
 */
export function typed<T>() {
  return <S extends z.ZodType<T, T>>(schema: S & ([T] extends [z.input<S>] ? unknown : never)): z.ZodType<T, T> => schema;
}

/** The values of `LogLevel`, as the option and `CALLTREE_LOG_LEVEL` take them. */
export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;

export const positiveInt = (what: string) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).positive(`${what} must be greater than 0`);

const isExporter = (v: unknown): v is SpanExporter =>
  typeof v === "object" && v !== null && typeof (v as SpanExporter).export === "function" &&
  typeof (v as SpanExporter).shutdown === "function";

export const exporterSchema = z.union([
  z.enum(["otlp", "console", "file", "memory", "none"]),
  z.custom<SpanExporter>(isExporter),
], {
  error: 'must be "otlp", "console", "file", "memory", "none" or an OpenTelemetry SpanExporter (an object with export() and shutdown())',
});

export const spanProcessorSchema = z.custom<SpanProcessor>(
  (v) => typeof v === "object" && v !== null && typeof (v as SpanProcessor).onEnd === "function" &&
    typeof (v as SpanProcessor).onStart === "function" && typeof (v as SpanProcessor).shutdown === "function" &&
    typeof (v as SpanProcessor).forceFlush === "function",
  { error: "must be an OpenTelemetry SpanProcessor (onStart, onEnd, forceFlush, shutdown)" },
);

export const instrumentationSchema = z.custom<InstrumentationLike>(
  (v) => typeof v === "object" && v !== null && typeof (v as InstrumentationLike).setTracerProvider === "function" &&
    typeof (v as InstrumentationLike).enable === "function" && typeof (v as InstrumentationLike).disable === "function",
  { error: "must be an OpenTelemetry instrumentation (setTracerProvider, enable, disable), e.g. new OpenAIInstrumentation()" },
);

export const asyncLocalStorageSchema = z.custom<AsyncLocalStorageClass>(
  (v) => typeof v === "function" && typeof (v as { prototype?: { run?: unknown } }).prototype?.run === "function",
  { error: 'must be the AsyncLocalStorage class: import { AsyncLocalStorage } from "node:async_hooks"' },
);

// One price type (core's ModelPrice), checked both ways.
export const priceSchema = typed<ModelPrice>()(z.strictObject({
  prompt: z.number().nonnegative(),
  completion: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  promptAudio: z.number().nonnegative().optional(),
  reasoning: z.number().nonnegative().optional(),
  completionAudio: z.number().nonnegative().optional(),
}));

// OpenTelemetry's AttributeValue: arrays may hold null/undefined.
const nullish = z.union([z.null(), z.undefined()]);
const attributeValue = z.union([
  z.string(), z.number(), z.boolean(),
  z.array(z.union([z.string(), nullish])), z.array(z.union([z.number(), nullish])), z.array(z.union([z.boolean(), nullish])),
]);
export const attributesSchema = typed<Attributes>()(z.record(z.string(), attributeValue.optional()));

// A plain object (what z.record() accepts); validated in depth by configureCapture(), which throws its own
// CalltreeError. A record schema would type it Record<string, unknown>, which CaptureOptions (an interface) is not.
export const captureSchema = z.custom<CaptureOptions>((v) => z.core.util.isPlainObject(v), {
  error: "must be an object of capture options, e.g. { maxValueLength: 4096 } (see configureCapture() of @calltree/core)",
});

// register()'s options object: its zod schema, and validation with fix-it messages.
import type { SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import type { AsyncLocalStorageClass, InstrumentationLike, ModelPrice, RegisterOptions } from "../../options.js";
import { CalltreeError } from "../core.js";
import { CONVENTIONS } from "../genai-conventions.js";

const positiveInt = (what: string) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).positive(`${what} must be greater than 0`);

const isExporter = (v: unknown): v is SpanExporter =>
  typeof v === "object" && v !== null && typeof (v as SpanExporter).export === "function" &&
  typeof (v as SpanExporter).shutdown === "function";

const exporterSchema = z.union([
  z.enum(["otlp", "console", "file", "memory", "none"]),
  z.custom<SpanExporter>(isExporter),
], {
  error: 'must be "otlp", "console", "file", "memory", "none" or an OpenTelemetry SpanExporter (an object with export() and shutdown())',
});

const spanProcessorSchema = z.custom<SpanProcessor>(
  (v) => typeof v === "object" && v !== null && typeof (v as SpanProcessor).onEnd === "function" &&
    typeof (v as SpanProcessor).onStart === "function" && typeof (v as SpanProcessor).shutdown === "function" &&
    typeof (v as SpanProcessor).forceFlush === "function",
  { error: "must be an OpenTelemetry SpanProcessor (onStart, onEnd, forceFlush, shutdown)" },
);

const instrumentationSchema = z.custom<InstrumentationLike>(
  (v) => typeof v === "object" && v !== null && typeof (v as InstrumentationLike).setTracerProvider === "function" &&
    typeof (v as InstrumentationLike).enable === "function" && typeof (v as InstrumentationLike).disable === "function",
  { error: "must be an OpenTelemetry instrumentation (setTracerProvider, enable, disable), e.g. new OpenAIInstrumentation()" },
);

// One price type (core's ModelPrice): the schema is checked against it.
const priceSchema = z.strictObject({
  prompt: z.number().nonnegative(),
  completion: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  promptAudio: z.number().nonnegative().optional(),
  reasoning: z.number().nonnegative().optional(),
  completionAudio: z.number().nonnegative().optional(),
}) satisfies z.ZodType<ModelPrice>;

// OpenTelemetry's AttributeValue, as RegisterOptions declares it (`Attributes`): arrays may hold null/undefined.
const nullish = z.union([z.null(), z.undefined()]);
const attributeValue = z.union([
  z.string(), z.number(), z.boolean(),
  z.array(z.union([z.string(), nullish])), z.array(z.union([z.number(), nullish])), z.array(z.union([z.boolean(), nullish])),
]);

const optionsSchema = z.strictObject({
  projectName: z.string().trim().min(1, "projectName must not be empty").optional(),
  serviceName: z.string().trim().min(1, "serviceName must not be empty").optional(),
  resourceAttributes: z.record(z.string(), attributeValue.optional()).optional(),
  endpoint: z.string({ error: "endpoint must be a URL string such as http://localhost:6006" }).optional(),
  apiKey: z.string().trim().min(1, "apiKey must not be empty; leave it out to send no key").optional(),
  headers: z.record(z.string().min(1), z.string({ error: "header values must be strings" })).optional(),
  protocol: z.enum(["http/protobuf", "http/json"], {
    error: (issue) => issue.input === "grpc"
      ? 'calltree sends OTLP over HTTP only: use "http/protobuf" (Phoenix serves it on port 6006, a collector on 4318)'
      : 'must be "http/protobuf" (Phoenix accepts only this) or "http/json"',
  }).optional(),
  compression: z.enum(["gzip", "none"], { error: 'must be "gzip" or "none"' }).optional(),
  exportTimeoutMillis: positiveInt("exportTimeoutMillis").optional(),
  transport: z.enum(["node", "fetch"], { error: 'must be "node" (node:http) or "fetch"' }).optional(),
  asyncLocalStorage: z.custom<AsyncLocalStorageClass>(
    (v) => typeof v === "function" && typeof (v as { prototype?: { run?: unknown } }).prototype?.run === "function",
    { error: 'must be the AsyncLocalStorage class: import { AsyncLocalStorage } from "node:async_hooks"' },
  ).optional(),
  exporter: exporterSchema.optional(),
  file: z.string().trim().min(1, "file must be a path such as traces.jsonl").optional(),
  color: z.boolean().optional(),
  batch: z.union([
    z.boolean(),
    z.strictObject({
      maxExportBatchSize: positiveInt("batch.maxExportBatchSize").optional(),
      scheduledDelayMillis: z.number().int().nonnegative("batch.scheduledDelayMillis must be 0 or more").optional(),
      maxQueueSize: positiveInt("batch.maxQueueSize").optional(),
      maxPendingMegabytes: z.number().positive("batch.maxPendingMegabytes must be greater than 0").optional(),
    }),
  ], { error: "must be true, false or { maxExportBatchSize, scheduledDelayMillis, maxQueueSize, maxPendingMegabytes }" }).optional(),
  global: z.boolean().optional(),
  instrumentations: z.array(instrumentationSchema).optional(),
  autoInstrument: z.boolean().optional(),
  sampleRate: z.number({ error: "sampleRate must be a number from 0 to 1" })
    .min(0, "sampleRate must be from 0 (record nothing) to 1 (record everything)")
    .max(1, "sampleRate must be from 0 (record nothing) to 1 (record everything)").optional(),
  spanLimits: z.strictObject({
    attributeCountLimit: positiveInt("spanLimits.attributeCountLimit").optional(),
    attributeValueLengthLimit: positiveInt("spanLimits.attributeValueLengthLimit").optional(),
    eventCountLimit: z.number().int().nonnegative().optional(),
    linkCountLimit: z.number().int().nonnegative().optional(),
    attributePerEventCountLimit: z.number().int().nonnegative().optional(),
    attributePerLinkCountLimit: z.number().int().nonnegative().optional(),
  }).optional(),
  // Validated in depth by configureCapture(), which throws its own CalltreeError.
  capture: z.record(z.string(), z.unknown()).optional(),
  prices: z.record(z.string().trim().min(1, "a model id must not be empty"), priceSchema).optional(),
  flushOnExit: z.boolean().optional(),
  flushTimeoutMillis: positiveInt("flushTimeoutMillis").optional(),
  logLevel: z.enum(["silent", "error", "warn", "info", "debug"], {
    error: 'must be "silent", "error", "warn", "info" or "debug"',
  }).optional(),
  spanProcessors: z.array(spanProcessorSchema).optional(),
  conventions: z.enum(CONVENTIONS, { error: `must be ${CONVENTIONS.map((c) => `"${c}"`).join(", ")}` }).optional(),
  enabled: z.boolean().optional(),
});

const OPTION_NAMES = Object.keys(optionsSchema.shape);

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const temp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = temp;
    }
  }
  return row[b.length] as number;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const where = path === "" ? "" : ` in ${path}`;
    return issue.keys
      .map((key) => {
        const known = path === "" ? OPTION_NAMES : [];
        const guess = closest(key, known);
        return `unknown option \`${key}\`${where}${guess ? ` (did you mean \`${guess}\`?)` : ""}`;
      })
      .join("; ");
  }
  return path === "" ? issue.message : `\`${path}\` ${issue.message.startsWith(path) ? issue.message.slice(path.length).trim() : issue.message}`;
}

/** Validates `options`; throws a {@link CalltreeError} (`INVALID_OPTIONS`) that lists every problem and its fix. */
export function validateOptions(options: unknown): RegisterOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new CalltreeError("INVALID_OPTIONS", `register() takes an options object, e.g. register({ projectName: "my-app" }); got ${Array.isArray(options) ? "an array" : typeof options}.`);
  }
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const problems = result.error.issues.map(describeIssue);
    throw new CalltreeError(
      "INVALID_OPTIONS",
      `register(): ${problems.join("; ")}. See docs/configuration.md for every option.`,
    );
  }
  return options as RegisterOptions;
}

// Checked at compile time: the schema accepts exactly what RegisterOptions describes (capture is checked by core).
type SchemaInput = Omit<z.input<typeof optionsSchema>, "capture">;
type Keys<T> = keyof T;
const _sameKeys: [Exclude<Keys<SchemaInput>, Keys<RegisterOptions>>, Exclude<Keys<RegisterOptions>, Keys<SchemaInput> | "capture">] =
  [undefined as never, undefined as never];
void _sameKeys;

// Stronger than the keys: each option's type in RegisterOptions (written by hand for its TSDoc and exact callback
// types) and in the schema must accept the same values, option by option, so the two cannot drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type OptionTypes = Required<Omit<RegisterOptions, "capture">>;
type Drift = {
  [K in keyof Required<SchemaInput> as Same<Required<SchemaInput>[K], OptionTypes[K & keyof OptionTypes]> extends true ? never : K]: true;
};
const _noDrift: { [K in keyof Drift]: never } = {};
void _noDrift;

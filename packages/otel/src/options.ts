import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import {
  asyncLocalStorageSchema,
  attributesSchema,
  captureSchema,
  exporterSchema,
  instrumentationSchema,
  positiveInt,
  priceSchema,
  spanProcessorSchema,
  typed,
} from "./internal/config/checks.js";
import { LOG_LEVELS } from "./internal/config/checks.js";
import { CONVENTIONS } from "./internal/genai-conventions.js";
import type { ModelPrice } from "./internal/core.js";

/**
 * Where finished spans go.
 * - `"otlp"`: OTLP over HTTP to {@link RegisterOptions.endpoint} (Phoenix, Langfuse, a collector, `calltree collect`).
 * - `"console"`: each finished trace printed to stderr once, as a tree.
 * - `"file"`: OTLP/JSON lines appended to {@link RegisterOptions.file} (`calltree view FILE` reads it).
 * - `"memory"`: kept in memory; read them with {@link Tracing.spans}.
 * - `"none"`: nothing is exported (add your own {@link RegisterOptions.spanProcessors}).
 * - any OpenTelemetry `SpanExporter`.
 */
export type ExporterChoice = "otlp" | "console" | "file" | "memory" | "none" | SpanExporter;

/** The OTLP encodings calltree can send. Phoenix accepts only `http/protobuf`. */
export type OtlpProtocol = "http/protobuf" | "http/json";

/**
 * Which attribute conventions exported spans carry.
 * - `"openinference"`: OpenInference only (`llm.*`, `input.value`, ...), what Phoenix reads.
 * - `"genai"`: OpenTelemetry GenAI (`gen_ai.*`) for the model, provider, token usage (cache reads and writes,
 *   reasoning), finish reasons, operation, conversation id and messages; the `llm.*` keys those replace are removed.
 *   Span kind, `input.*`/`output.*`, `session.id`, cost and the rest of OpenInference stay.
 * - `"both"`: OpenInference and `gen_ai.*` side by side (Phoenix keeps reading OpenInference; Langfuse, Logfire,
 *   Datadog and Sentry read `gen_ai.*`).
 */
export type Conventions = "openinference" | "genai" | "both";

/** How much calltree itself prints (to stderr). Diagnostics always also go to OpenTelemetry's `diag`. */
export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";

// Each option is written once, its check beside its TSDoc; the option types are interfaces over these shapes' input
// (interfaces, so that they are shown by name). The shapes are constants of their own: a .d.ts keeps the doc comments
// of an object literal's properties, not of the type z.object() maps them to.
const batchShape = {
  /** Spans per export (default 512; `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`). */
  maxExportBatchSize: positiveInt("batch.maxExportBatchSize").optional(),
  /** Longest wait before a partial batch is exported, in ms (default 1,000; `OTEL_BSP_SCHEDULE_DELAY`). */
  scheduledDelayMillis: z.number().int().nonnegative("batch.scheduledDelayMillis must be 0 or more").optional(),
  /**
   * Spans waiting for the exporter, beyond which new spans are dropped and counted (default 16,384;
   * `OTEL_BSP_MAX_QUEUE_SIZE`). Only reached when the exporter cannot keep up.
   */
  maxQueueSize: positiveInt("batch.maxQueueSize").optional(),
  /**
   * Upper bound, in MiB, on encoded spans that are waiting to be sent or being sent (default 96, which keeps a
   * process that makes a million spans without ever yielding under ~250 MB). Past it, spans wait in the queue
   * above, then are dropped and counted.
   */
  maxPendingMegabytes: z.number().positive("batch.maxPendingMegabytes must be greater than 0").optional(),
};

/**
 * Batching of exports. Spans are exported in batches of `maxExportBatchSize`, at the latest `scheduledDelayMillis`
 * after the first span of a batch ended. A full batch is handed to the exporter at once, and the OTLP exporters
 * encode it right away, so a burst of spans made without yielding is held compactly and not dropped.
 */
export interface BatchOptions extends z.input<z.ZodObject<typeof batchShape>> {}

const spanLimitsShape = {
  /** Attributes per span (default 10,000; `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, `OTEL_ATTRIBUTE_COUNT_LIMIT`). */
  attributeCountLimit: positiveInt("spanLimits.attributeCountLimit").optional(),
  /**
   * Longest attribute value, in characters (default unlimited: calltree's capture limit already cuts values;
   * `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`).
   */
  attributeValueLengthLimit: positiveInt("spanLimits.attributeValueLengthLimit").optional(),
  /** Events per span (default 128; `OTEL_SPAN_EVENT_COUNT_LIMIT`). */
  eventCountLimit: z.number().int().nonnegative().optional(),
  /** Links per span (default 128; `OTEL_SPAN_LINK_COUNT_LIMIT`). */
  linkCountLimit: z.number().int().nonnegative().optional(),
  /** Attributes per event (default 128; `OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`). */
  attributePerEventCountLimit: z.number().int().nonnegative().optional(),
  /** Attributes per link (default 128; `OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`). */
  attributePerLinkCountLimit: z.number().int().nonnegative().optional(),
};

/**
 * Span limits of the SDK. OpenTelemetry's default of 128 attributes per span silently drops the token counts
 * and output of an LLM call with many messages, so calltree's default is 10,000.
 */
export interface SpanLimitsOptions extends z.input<z.ZodObject<typeof spanLimitsShape>> {}

/** A model's price in USD per 1 million tokens (one type, `@calltree/core/sdk`'s, shared with `@calltree/llm`). */
export type { ModelPrice };

/**
 * An OpenTelemetry instrumentation (e.g. `new OpenAIInstrumentation()`): anything with `setTracerProvider()`,
 * `enable()` and `disable()`.
 */
export interface InstrumentationLike {
  setTracerProvider(provider: unknown): void;
  enable(): void;
  disable(): void;
  /** OpenInference instrumentations have it: patches a module object an ES module import returned. */
  manuallyInstrument?(module: unknown): void;
  instrumentationName?: string;
}

/** How OTLP requests are sent; see {@link RegisterOptions.transport}. */
export type OtlpTransportName = "node" | "fetch";

/** The `AsyncLocalStorage` class (of `node:async_hooks`), as {@link RegisterOptions.asyncLocalStorage} takes it. */
export type AsyncLocalStorageClass = new () => {
  getStore(): unknown;
  run<R>(store: unknown, fn: (...args: unknown[]) => R, ...args: unknown[]): R;
  disable(): void;
};

const registerOptionsShape = {
  /**
   * Project the traces belong to, sent as the resource attribute `openinference.project.name` (Phoenix groups
   * traces by it). Env `PHOENIX_PROJECT_NAME`; default `"default"`.
   */
  projectName: z.string().trim().min(1, "projectName must not be empty").optional(),
  /** Resource attribute `service.name`. Env `OTEL_SERVICE_NAME`; default the project name when one is set. */
  serviceName: z.string().trim().min(1, "serviceName must not be empty").optional(),
  /** More resource attributes (merged over `OTEL_RESOURCE_ATTRIBUTES`). */
  resourceAttributes: attributesSchema.optional(),
  /**
   * OTLP/HTTP endpoint: a base URL (`http://localhost:6006`, `/v1/traces` is appended) or a full URL ending in
   * `/v1/traces`. Setting one makes `"otlp"` the default exporter. Env `PHOENIX_COLLECTOR_ENDPOINT`, then
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), then `OTEL_EXPORTER_OTLP_ENDPOINT`.
   */
  endpoint: z.string({ error: "endpoint must be a URL string such as http://localhost:6006" }).optional(),
  /** Sent as `authorization: Bearer <apiKey>` (Phoenix Cloud, self-hosted Phoenix with auth). Env `PHOENIX_API_KEY`. */
  apiKey: z.string().trim().min(1, "apiKey must not be empty; leave it out to send no key").optional(),
  /**
   * Extra HTTP headers for OTLP requests, merged by name (case-insensitive) over `OTEL_EXPORTER_OTLP_HEADERS`,
   * `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, `PHOENIX_CLIENT_HEADERS` and the `apiKey` header.
   */
  headers: z.record(z.string().min(1), z.string({ error: "header values must be strings" })).optional(),
  /** OTLP encoding (default `"http/protobuf"`). Env `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`. */
  protocol: typed<OtlpProtocol>()(z.enum(["http/protobuf", "http/json"], {
    error: (issue) => issue.input === "grpc"
      ? 'calltree sends OTLP over HTTP only: use "http/protobuf" (Phoenix serves it on port 6006, a collector on 4318)'
      : 'must be "http/protobuf" (Phoenix accepts only this) or "http/json"',
  })).optional(),
  /** Request body compression (default `"none"`). Env `OTEL_EXPORTER_OTLP_TRACES_COMPRESSION`, `OTEL_EXPORTER_OTLP_COMPRESSION`. */
  compression: z.enum(["gzip", "none"], { error: 'must be "gzip" or "none"' }).optional(),
  /**
   * How long one OTLP export may take, retries included, in ms (default 10,000): a deadline from the export's start
   * to the last byte of the answer, so a server that answers slowly or trickles its answer in is cut off at it.
   * Env `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`.
   */
  exportTimeoutMillis: positiveInt("exportTimeoutMillis").optional(),
  /**
   * How OTLP requests are sent: `"node"` (`node:http`, the default where it exists: Node, Bun, Deno) or `"fetch"`
   * (the runtime's `fetch`; the only one in Cloudflare Workers and Vercel's edge runtime, where calltree's edge build
   * is loaded). Both share one delivery policy: the export deadline, retries with back-off honouring `Retry-After`,
   * fault reporting and drop counting. The `"fetch"` transport cannot use the `OTEL_EXPORTER_OTLP_*CERTIFICATE*` files.
   * See docs/runtimes.md.
   */
  transport: typed<OtlpTransportName>()(z.enum(["node", "fetch"], { error: 'must be "node" (node:http) or "fetch"' })).optional(),
  /**
   * The `AsyncLocalStorage` class of `node:async_hooks`, for runtimes where calltree cannot find it itself: a
   * Cloudflare Worker with only the `nodejs_als` compatibility flag (`import { AsyncLocalStorage } from
   * "node:async_hooks"` and pass it here). Elsewhere it is found without help. Nesting (one trace per call tree) needs it.
   */
  asyncLocalStorage: asyncLocalStorageSchema.optional(),
  /** Where spans go; see {@link ExporterChoice}. Env `OTEL_TRACES_EXPORTER`. Default `"otlp"` when an endpoint is configured, else `"console"`. */
  exporter: typed<ExporterChoice>()(exporterSchema).optional(),
  /** File for the `"file"` exporter (setting it selects that exporter). Env `CALLTREE_FILE`; default `traces.jsonl`. */
  file: z.string().trim().min(1, "file must be a path such as traces.jsonl").optional(),
  /** Colours in the console tree (default: when stderr is a terminal and `NO_COLOR` is unset). */
  color: z.boolean().optional(),
  /** Batch exports (default `true`). `false` exports spans as soon as they end (one request per tick at most). */
  batch: z.union([z.boolean(), typed<BatchOptions>()(z.strictObject(batchShape))], {
    error: "must be true, false or { maxExportBatchSize, scheduledDelayMillis, maxQueueSize, maxPendingMegabytes }",
  }).optional(),
  /**
   * Make this the global OpenTelemetry provider, context manager and propagator (default `true`). With `false`
   * the OpenTelemetry globals are left alone, yet calltree's decorators use this provider and nesting works
   * (an AsyncLocalStorage context manager is installed only if none is set).
   */
  global: z.boolean().optional(),
  /** OpenTelemetry instrumentations to enable with this provider. */
  instrumentations: z.array(instrumentationSchema).optional(),
  /**
   * Find the OpenInference instrumentations installed in the app (`@arizeai/openinference-instrumentation-*`)
   * and enable them. Default `false`; env `CALLTREE_AUTO_INSTRUMENT`. See docs/configuration.md for why.
   */
  autoInstrument: z.boolean().optional(),
  /**
   * Fraction of new traces recorded, 0 to 1 (parent-based: a child follows its parent's decision).
   * Env `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`; default 1.
   */
  sampleRate: z.number({ error: "sampleRate must be a number from 0 to 1" })
    .min(0, "sampleRate must be from 0 (record nothing) to 1 (record everything)")
    .max(1, "sampleRate must be from 0 (record nothing) to 1 (record everything)").optional(),
  /** Span limits; see {@link SpanLimitsOptions}. */
  spanLimits: typed<SpanLimitsOptions>()(z.strictObject(spanLimitsShape)).optional(),
  /** Capture limits and masking, passed to `configureCapture()` of `@calltree/core`. `OPENINFERENCE_HIDE_*` apply by default. */
  capture: captureSchema.optional(),
  /** Prices of models the bundled catalog lacks or prices differently (USD per 1M tokens), keyed by model id. Needs `@calltree/llm`. */
  prices: z.record(z.string().trim().min(1, "a model id must not be empty"), priceSchema).optional(),
  /**
   * Export pending spans when the process ends normally, on `beforeExit`, SIGINT and SIGTERM (default `true`).
   * Bounded by {@link RegisterOptions.flushTimeoutMillis}; never keeps a process alive. At a signal, the spans that
   * had ended when it came are exported; spans the app ends while that runs are counted as dropped and reported
   * before the signal ends the process. With `false`, nothing is flushed, and what is pending is counted and reported.
   */
  flushOnExit: z.boolean().optional(),
  /** Longest wait for pending spans at exit, in `forceFlush()` and in `shutdown()` (all of it), in ms (default 5,000). */
  flushTimeoutMillis: positiveInt("flushTimeoutMillis").optional(),
  /** What calltree prints: the start line (`info`), the dropped-spans line (`error`). Env `CALLTREE_LOG_LEVEL`; default `info`. */
  logLevel: typed<LogLevel>()(z.enum(LOG_LEVELS, { error: `must be ${LOG_LEVELS.map((l) => `"${l}"`).join(", ")}` })).optional(),
  /**
   * Attribute conventions of exported spans (see {@link Conventions}). The `gen_ai.*` attributes are written from
   * the OpenInference ones when a span ends, so masking and limits apply to both alike. Env `CALLTREE_CONVENTIONS`;
   * default `"openinference"`.
   */
  conventions: typed<Conventions>()(z.enum(CONVENTIONS, { error: `must be ${CONVENTIONS.map((c) => `"${c}"`).join(", ")}` })).optional(),
  /** More span processors, after calltree's own (e.g. Langfuse's `LangfuseSpanProcessor`). */
  spanProcessors: z.array(spanProcessorSchema).optional(),
  /** `false` sets nothing up and returns an inert handle. Env `OTEL_SDK_DISABLED=true`; default `true`. */
  enabled: z.boolean().optional(),
};

/**
 * Options of {@link register}. Every option is optional and most have an environment variable; an option
 * given in code always beats its environment variable. See docs/configuration.md for the full table.
 */
export interface RegisterOptions extends z.input<z.ZodObject<typeof registerOptionsShape>> {}

// What register() validates its options with (internal: not listed in index.ts).
export const registerOptionsSchema = z.strictObject(registerOptionsShape);

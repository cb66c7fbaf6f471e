// RegisterOptions (and BatchOptions, SpanLimitsOptions) are read from register()'s option schema: what the types
// accept, register() accepts; what they refuse (checked here at compile time by @ts-expect-error), register()
// refuses at run time too. `enabled: false` keeps each call from setting anything up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { register } from "@calltree/otel";
// Every public type the options use, by its public name.
import type * as otel from "@calltree/otel";

const instrumentation: otel.InstrumentationLike = { setTracerProvider() {}, enable() {}, disable() {} };
const exporters: otel.ExporterChoice[] = ["otlp", "console", "file", "memory", "none", new InMemorySpanExporter()];
const protocols: otel.OtlpProtocol[] = ["http/protobuf", "http/json"];
const transports: otel.OtlpTransportName[] = ["node", "fetch"];
const logLevels: otel.LogLevel[] = ["silent", "error", "warn", "info", "debug"];
const conventions: otel.Conventions[] = ["openinference", "genai", "both"];
const price: otel.ModelPrice = { prompt: 0.15, completion: 0.6, cacheRead: 0.075 };
const batch: otel.BatchOptions = { maxExportBatchSize: 256, scheduledDelayMillis: 0, maxQueueSize: 2048, maxPendingMegabytes: 8 };
const spanLimits: otel.SpanLimitsOptions = { attributeCountLimit: 500, attributeValueLengthLimit: 4096, eventCountLimit: 0 };
const als: otel.AsyncLocalStorageClass = AsyncLocalStorage;

const accepted: otel.RegisterOptions[] = [
  {},
  {
    projectName: "my-app", serviceName: "api", resourceAttributes: { "deployment.environment": "test", "x.list": ["a", null] },
    endpoint: "http://127.0.0.1:6006", apiKey: "k", headers: { "x-team": "ai" }, compression: "gzip",
    exportTimeoutMillis: 1000, asyncLocalStorage: als, file: "traces.jsonl", color: false, global: false,
    instrumentations: [instrumentation], autoInstrument: false, sampleRate: 0.5, spanLimits,
    capture: { maxValueLength: 4096, redactKeys: ["password"] }, prices: { "my-model": price }, flushOnExit: false,
    flushTimeoutMillis: 100, spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
  },
  ...exporters.map((exporter) => ({ exporter })),
  ...protocols.map((protocol) => ({ protocol })),
  ...transports.map((transport) => ({ transport })),
  ...logLevels.map((logLevel) => ({ logLevel })),
  ...conventions.map((c) => ({ conventions: c })),
  { batch: true }, { batch: false }, { batch },
  { projectName: undefined, exporter: undefined, batch: undefined, capture: undefined },
];

const refused: otel.RegisterOptions[] = [
  // @ts-expect-error projectName is a string
  { projectName: 1 },
  // @ts-expect-error resourceAttributes hold OpenTelemetry attribute values
  { resourceAttributes: { nested: { a: 1 } } },
  // @ts-expect-error headers are strings
  { headers: { "x-retries": 3 } },
  // @ts-expect-error no gRPC
  { protocol: "grpc" },
  // @ts-expect-error compression is "gzip" or "none"
  { compression: "br" },
  // @ts-expect-error transport is "node" or "fetch"
  { transport: "xhr" },
  // @ts-expect-error asyncLocalStorage is the class
  { asyncLocalStorage: new AsyncLocalStorage() },
  // @ts-expect-error an exporter name or a SpanExporter
  { exporter: "jaeger" },
  // @ts-expect-error batch is a boolean or BatchOptions
  { batch: "yes" },
  // @ts-expect-error BatchOptions' fields are numbers
  { batch: { maxQueueSize: "2048" } },
  // @ts-expect-error instrumentations are instrumentations
  { instrumentations: [{ enable() {} }] },
  // @ts-expect-error sampleRate is a number
  { sampleRate: "0.5" },
  // @ts-expect-error SpanLimitsOptions' fields are numbers
  { spanLimits: { eventCountLimit: "128" } },
  // @ts-expect-error capture is CaptureOptions
  { capture: "all" },
  // @ts-expect-error a price has prompt and completion
  { prices: { "my-model": { prompt: 1 } } },
  // @ts-expect-error logLevel is one of LogLevel
  { logLevel: "verbose" },
  // @ts-expect-error conventions is one of Conventions
  { conventions: "otel" },
  // @ts-expect-error spanProcessors are SpanProcessors
  { spanProcessors: [new InMemorySpanExporter()] },
  // @ts-expect-error enabled is a boolean
  { enabled: "false" },
];

test("RegisterOptions: the values its type accepts pass register(), the ones it refuses fail with INVALID_OPTIONS", async () => {
  for (const options of accepted) {
    const tracing = register({ ...options, enabled: false });
    await tracing.shutdown();
  }
  for (const options of refused) {
    assert.throws(() => register({ enabled: false, ...options }), { name: "CalltreeError", code: "INVALID_OPTIONS" }, JSON.stringify(Object.keys(options)));
  }
});

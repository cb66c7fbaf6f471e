import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, createContextKey, propagation, ProxyTracerProvider, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { ContextManager } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { isDefaultExportSpan } from "@langfuse/otel";
import { resetCapture } from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import { TRACER_NAME } from "@calltree/core/sdk";
import { register } from "@calltree/otel";
import { useModelPriceSetter } from "../dist/esm/internal/prices.js";
import { startReceiver } from "@calltree-internal/otlp-receiver";
import { delay, inSpan, tracerOf, withEnv } from "./util.js";

const chain = defineKind({ name: "chain", spanKind: "CHAIN" });

const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();
function globalDelegate() {
  return (trace.getTracerProvider() as ProxyTracerProvider).getDelegate();
}

describe("register() over OTLP/HTTP", () => {
  test("sends protobuf with openinference.project.name and service.name on the resource, from calltree's scope", async () => {
    await using server = await startReceiver();
    const tracing = register({ endpoint: server.origin, projectName: "hinbox", serviceName: "assistant", logLevel: "silent" });
    inSpan(tracerOf(), "Assistant.run", "AGENT", () => 42);
    await tracing.shutdown();
    assert.equal(server.requests.length, 1);
    const request = server.requests[0]!;
    assert.equal(request.contentType, "application/x-protobuf");
    const [span] = request.spans;
    assert.equal(span?.name, "Assistant.run");
    assert.equal(span?.resource["openinference.project.name"], "hinbox");
    assert.equal(span?.resource["service.name"], "assistant");
    assert.equal(span?.resource["telemetry.sdk.language"], "nodejs");
    assert.equal(span?.scope, "openinference.calltree");
    assert.equal(span?.attributes["openinference.span.kind"], "AGENT");
  });

  test("nested spans (await, setTimeout, Promise.all) share one trace id and point at their parents", async () => {
    await using server = await startReceiver();
    const tracing = register({ endpoint: `${server.origin}/v1/traces`, logLevel: "silent" });
    const tracer = tracerOf();
    await inSpan(tracer, "root", "AGENT", async () => {
      await inSpan(tracer, "child", "LLM", async () => {
        await delay(5);
        await new Promise<void>((resolve) => setTimeout(() => { inSpan(tracer, "grandchild", "TOOL", () => 1); resolve(); }, 1));
      });
      await Promise.all([1, 2].map((i) => inSpan(tracer, `fan-${i}`, "RETRIEVER", async () => delay(i))));
    });
    await tracing.shutdown();
    const spans = server.spans();
    assert.equal(spans.length, 5);
    const byName = new Map(spans.map((s) => [s.name, s]));
    const root = byName.get("root")!;
    assert.equal(root.parentSpanId, "");
    assert.match(root.traceId, /^[0-9a-f]{32}$/);
    for (const s of spans) assert.equal(s.traceId, root.traceId, `${s.name} is in the root's trace`);
    assert.equal(byName.get("child")!.parentSpanId, root.spanId);
    assert.equal(byName.get("grandchild")!.parentSpanId, byName.get("child")!.spanId);
    assert.equal(byName.get("fan-1")!.parentSpanId, root.spanId);
    assert.equal(byName.get("fan-2")!.parentSpanId, root.spanId);
  });

  test("apiKey goes as a bearer token and custom headers as given, replacing the same header from the environment", async () => {
    await using server = await startReceiver();
    await withEnv({ OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20old,x-env=from-env" }, async () => {
      const tracing = register({ endpoint: server.origin, apiKey: "sk-test-123", headers: { "X-Team": "ml" }, logLevel: "silent" });
      inSpan(tracerOf(), "s", "CHAIN", () => 0);
      await tracing.shutdown();
    });
    const headers = server.requests[0]!.headers;
    assert.equal(headers.authorization, "Bearer sk-test-123");
    assert.equal(headers["x-team"], "ml");
    assert.equal(headers["x-env"], "from-env");
  });

  test("gzip compresses the body and the server reads the same spans", async () => {
    await using server = await startReceiver();
    const tracing = register({ endpoint: server.origin, compression: "gzip", logLevel: "silent" });
    for (let i = 0; i < 20; i++) inSpan(tracerOf(), `span-${i}`, "CHAIN", (s) => s.setAttribute("input.value", "x".repeat(500)));
    await tracing.shutdown();
    const request = server.requests[0]!;
    assert.equal(request.contentEncoding, "gzip");
    assert.equal(request.spans.length, 20);
    assert.ok(request.bytes < 20 * 500, `gzip body is small (${request.bytes} bytes)`);
    assert.equal(request.spans[0]?.attributes["input.value"], "x".repeat(500));
  });

  test("protocol http/json sends OTLP/JSON", async () => {
    await using server = await startReceiver();
    const tracing = register({ endpoint: server.origin, protocol: "http/json", logLevel: "silent" });
    inSpan(tracerOf(), "json-span", "TOOL", (s) => s.setAttribute("tool.name", "weather"));
    await tracing.shutdown();
    assert.equal(server.requests[0]!.contentType, "application/json");
    assert.equal(server.spans()[0]?.attributes["tool.name"], "weather");
  });

  test("the Phoenix environment variables configure endpoint, key, project and headers", async () => {
    await using server = await startReceiver();
    await withEnv({
      PHOENIX_COLLECTOR_ENDPOINT: server.origin,
      PHOENIX_API_KEY: "env-key",
      PHOENIX_PROJECT_NAME: "env-project",
      PHOENIX_CLIENT_HEADERS: "x-phoenix=yes",
    }, async () => {
      const tracing = register({ logLevel: "silent" });
      assert.equal(tracing.destination, `traces → ${server.url} (http/protobuf, project "env-project", headers: x-phoenix, authorization)`);
      inSpan(tracerOf(), "s", "CHAIN", () => 0);
      await tracing.shutdown();
    });
    const request = server.requests[0]!;
    assert.equal(request.headers.authorization, "Bearer env-key");
    assert.equal(request.headers["x-phoenix"], "yes");
    assert.equal(request.spans[0]?.resource["openinference.project.name"], "env-project");
  });

  test("a span with 200 messages' worth of attributes keeps its last attributes (token counts, output)", async () => {
    await using server = await startReceiver();
    const tracing = register({ endpoint: server.origin, logLevel: "silent" });
    inSpan(tracerOf(), "long-chat", "LLM", (span) => {
      for (let i = 0; i < 200; i++) {
        span.setAttribute(`llm.input_messages.${i}.message.role`, i % 2 ? "assistant" : "user");
        span.setAttribute(`llm.input_messages.${i}.message.content`, `message ${i}`);
      }
      span.setAttribute("llm.token_count.prompt", 4000);
      span.setAttribute("llm.token_count.completion", 50);
      span.setAttribute("output.value", "the answer");
    });
    await tracing.shutdown();
    const span = server.spans()[0]!;
    assert.equal(Object.keys(span.attributes).length, 404);
    assert.equal(span.attributes["llm.input_messages.199.message.content"], "message 199");
    assert.equal(span.attributes["llm.token_count.prompt"], 4000);
    assert.equal(span.attributes["llm.token_count.completion"], 50);
    assert.equal(span.attributes["output.value"], "the answer");
  });

  test("spanLimits.attributeCountLimit is honoured (a low limit drops the last attributes, as OTel does)", async () => {
    await using server = await startReceiver();
    const tracing = register({ endpoint: server.origin, spanLimits: { attributeCountLimit: 128 }, logLevel: "silent" });
    inSpan(tracerOf(), "long-chat", "LLM", (span) => {
      for (let i = 0; i < 200; i++) span.setAttribute(`llm.input_messages.${i}.message.content`, `m${i}`);
      span.setAttribute("llm.token_count.prompt", 4000);
    });
    await tracing.shutdown();
    const span = server.spans()[0]!;
    assert.equal(Object.keys(span.attributes).length, 128);
    assert.equal(span.attributes["llm.token_count.prompt"], undefined);
  });
});

describe("register() globals and lifecycle", () => {
  test("global: true sets the OTel tracer provider, propagator and context manager, and shutdown() undoes them", async () => {
    assert.equal(globalDelegate(), NOOP_PROVIDER);
    const tracing = register({ exporter: "memory", logLevel: "silent" });
    assert.equal(globalDelegate(), tracing.provider);
    assert.deepEqual(propagation.fields(), ["traceparent", "tracestate", "baggage"]);
    await tracing.shutdown();
    assert.equal(globalDelegate(), NOOP_PROVIDER);
    assert.deepEqual(propagation.fields(), []);
    const key = createContextKey("k");
    assert.equal(context.with(ROOT_CONTEXT.setValue(key, 1), () => context.active().getValue(key)), undefined);
  });

  test("global: false leaves the OTel globals alone, yet decorated calls use the provider and nest", async () => {
    const tracing = register({ exporter: "memory", global: false, logLevel: "silent" });
    assert.equal(globalDelegate(), NOOP_PROVIDER, "no global tracer provider");
    assert.deepEqual(propagation.fields(), [], "no global propagator");
    const inner = chain.wrap(async function inner(x: number) {
      await delay(1);
      return x * 2;
    });
    const outer = chain.wrap(async function outer(x: number) {
      return (await inner(x)) + (await inner(x + 1));
    });
    assert.equal(await outer(1), 6);
    const spans = tracing.spans();
    await tracing.shutdown();
    assert.deepEqual(spans.map((s) => s.name).sort(), ["inner", "inner", "outer"]);
    const root = spans.find((s) => s.name === "outer")!;
    for (const s of spans.filter((x) => x.name === "inner")) {
      assert.equal(s.parentSpanContext?.spanId, root.spanContext().spanId);
      assert.equal(s.spanContext().traceId, root.spanContext().traceId);
    }
  });

  test("global: false keeps a context manager that is already installed", async () => {
    const mine: ContextManager = new AsyncLocalStorageContextManager().enable();
    assert.equal(context.setGlobalContextManager(mine), true);
    const tracing = register({ exporter: "memory", global: false, logLevel: "silent" });
    const used = (context as unknown as { _getContextManager(): ContextManager })._getContextManager();
    await tracing.shutdown();
    assert.equal(used, mine);
    assert.equal((context as unknown as { _getContextManager(): ContextManager })._getContextManager(), mine, "shutdown leaves it");
    context.disable();
  });

  test("calling register() twice is an error naming the first call; after shutdown() it works again", async () => {
    const first = register({ exporter: "memory", logLevel: "silent" });
    assert.throws(() => register({ exporter: "memory" }), (error: unknown) => {
      assert.equal((error as { code: string }).code, "ALREADY_REGISTERED");
      assert.match((error as Error).message, /register\(\) was already called \(at .*register\.test\.[jt]s:\d+:\d+\).*await tracing\.shutdown\(\)/);
      return true;
    });
    const p1 = first.shutdown();
    assert.equal(first.shutdown(), p1, "shutdown() is idempotent");
    await p1;
    const second = register({ exporter: "memory", logLevel: "silent" });
    await second[Symbol.asyncDispose]();
    await second.shutdown();
  });

  test("an invalid option or environment value throws and sets nothing up", async () => {
    assert.throws(() => register({ exporter: "jaeger" as never }), { name: "CalltreeError", code: "INVALID_OPTIONS" });
    await withEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }, () => {
      assert.throws(() => register(), { name: "CalltreeError", code: "INVALID_ENVIRONMENT" });
    });
    assert.equal(globalDelegate(), NOOP_PROVIDER);
    const tracing = register({ exporter: "memory", logLevel: "silent" });
    await tracing.shutdown();
  });

  test("enabled: false returns an inert handle and installs nothing", async () => {
    const tracing = register({ enabled: false });
    assert.equal(tracing.destination, "tracing disabled (enabled: false)");
    assert.equal(globalDelegate(), NOOP_PROVIDER);
    await tracing.shutdown();
    const again = register({ exporter: "memory", logLevel: "silent" });
    await again.shutdown();
  });

  test("sampleRate: 0 records no trace, sampleRate: 1 records every trace", async () => {
    let tracing = register({ exporter: "memory", sampleRate: 0, logLevel: "silent" });
    for (let i = 0; i < 20; i++) inSpan(tracerOf(), "s", "CHAIN", () => 0);
    assert.equal(tracing.spans().length, 0);
    await tracing.shutdown();
    tracing = register({ exporter: "memory", sampleRate: 1, logLevel: "silent" });
    for (let i = 0; i < 20; i++) inSpan(tracerOf(), "s", "CHAIN", () => 0);
    await tracing.forceFlush();
    assert.equal(tracing.spans().length, 20);
    await tracing.shutdown();
  });

  test("core's span processor is installed: a decorated call sees the spans that end inside it", async () => {
    const seen: string[] = [];
    const watcher = defineKind({
      name: "watcher",
      spanKind: "CHAIN",
      onChildSpan: (child) => { seen.push(child.name); },
    });
    const tracing = register({ exporter: "memory", logLevel: "silent" });
    const watched = watcher.wrap(function watched() {
      inSpan(tracerOf(), "sdk call", "LLM", () => 0);
      return 1;
    });
    assert.equal(watched(), 1);
    await tracing.shutdown();
    assert.deepEqual(seen, ["sdk call"]);
  });

  test("spanProcessors receive the spans too", async () => {
    const extra = new InMemorySpanExporter();
    const tracing = register({ exporter: "none", spanProcessors: [new SimpleSpanProcessor(extra)], logLevel: "silent" });
    inSpan(tracerOf(), "s", "CHAIN", () => 0);
    assert.deepEqual(extra.getFinishedSpans().map((s) => s.name), ["s"]);
    await tracing.shutdown();
  });

  test("capture options reach core's configureCapture", async () => {
    const tracing = register({ exporter: "memory", capture: { maxValueLength: 100 }, logLevel: "silent" });
    const echo = chain.wrap(function echo(text: string) { return text.length; });
    echo("y".repeat(5000));
    const value = String(tracing.spans()[0]?.attributes["input.value"]);
    await tracing.shutdown();
    resetCapture();
    assert.ok(value.length < 200 && value.startsWith("yyyy"), `input.value was cut (${value.length} chars)`);
  });

  test("a wrong capture option throws core's CalltreeError before anything is set up", () => {
    assert.throws(() => register({ capture: { maxValueLength: -1 } }), { name: "CalltreeError", code: "INVALID_CAPTURE_OPTIONS" });
    assert.equal(globalDelegate(), NOOP_PROVIDER);
  });

  test("prices are handed to the model price setter", async () => {
    const received: unknown[] = [];
    useModelPriceSetter((prices) => received.push(prices));
    try {
      const tracing = register({ exporter: "memory", prices: { "my-model": { prompt: 1, completion: 2 } }, logLevel: "silent" });
      await tracing.shutdown();
    } finally {
      useModelPriceSetter(undefined);
    }
    assert.deepEqual(received, [{ "my-model": { prompt: 1, completion: 2 } }]);
  });

  test("prices without @calltree/llm installed is a setup error that says what to install", () => {
    assert.throws(() => register({ prices: { m: { prompt: 1, completion: 1 } } }), (error: unknown) => {
      assert.equal((error as { code: string }).code, "PRICES_NEED_LLM");
      assert.match((error as Error).message, /npm i @calltree\/llm/);
      return true;
    });
    assert.throws(() => register({ prices: { m: { prompt: -1, completion: 1 } } }), { code: "INVALID_OPTIONS" });
  });
});

describe("register() exporters", () => {
  test("file writes one OTLP/JSON ExportTraceServiceRequest per line with hex ids", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "calltree-")), "sub", "traces.jsonl");
    const tracing = register({ file: path, batch: { maxExportBatchSize: 2 }, logLevel: "silent" });
    inSpan(tracerOf(), "root", "AGENT", () => {
      inSpan(tracerOf(), "a", "LLM", () => 0);
      inSpan(tracerOf(), "b", "TOOL", () => 0);
    });
    await tracing.shutdown();
    const lines = readFileSync(path, "utf8").split("\n");
    assert.equal(lines.pop(), "", "ends with a newline");
    assert.equal(lines.length, 2);
    const requests = lines.map((l) => JSON.parse(l) as { resourceSpans: Array<{ resource: unknown; scopeSpans: Array<{ scope: { name: string }; spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; startTimeUnixNano: string }> }> }> });
    const spans = requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    assert.deepEqual(spans.map((s) => s.name), ["a", "b", "root"]);
    for (const s of spans) {
      assert.match(s.traceId, /^[0-9a-f]{32}$/);
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
      assert.match(s.startTimeUnixNano, /^\d{19}$/);
    }
    assert.equal(spans[0]!.parentSpanId, spans[2]!.spanId);
    assert.equal(requests[0]!.resourceSpans[0]!.scopeSpans[0]!.scope.name, TRACER_NAME);
  });

  test("memory keeps spans for tracing.spans() and stats() counts them", async () => {
    const tracing = register({ exporter: "memory", logLevel: "silent" });
    for (let i = 0; i < 3; i++) inSpan(tracerOf(), `m${i}`, "CHAIN", () => 0);
    await tracing.forceFlush();
    assert.deepEqual(tracing.spans().map((s) => s.name), ["m0", "m1", "m2"]);
    assert.deepEqual(tracing.stats(), { exportedSpans: 3, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 });
    await tracing.shutdown();
  });

  test("calltree's spans pass Langfuse's default export filter (scope prefix openinference.)", async () => {
    const tracing = register({ exporter: "memory", logLevel: "silent" });
    const plain = chain.wrap(function plain() { return 1; });
    plain();
    const [span] = tracing.spans();
    await tracing.shutdown();
    assert.equal(span?.instrumentationScope.name, "openinference.calltree");
    assert.equal(isDefaultExportSpan(span as never), true);
  });
});

// A child process of the throughput benchmark: makes `scenario.spans` spans with one `@chain` method, flushes,
// and prints a ChildReport as JSON on its last stdout line.
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { context, diag, DiagLogLevel, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { chain } from "@calltree/chain";
import { useTracerProvider } from "@calltree/core/sdk";
import { DiscardExporter } from "../pipeline.js";
import type { ChildReport, Scenario } from "./scenario.js";

const scenario = JSON.parse(process.argv[2] ?? "{}") as Scenario;
const QUESTION = "What is the capital of France?";

class Service {
  @chain
  run(q: string): string {
    return q;
  }
  @chain
  async runAsync(q: string): Promise<string> {
    return q;
  }
}

const messages: string[] = [];
const log = (m: string) => {
  if (/drop/i.test(m)) messages.push(m);
};
diag.setLogger({ error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

const discard = scenario.exporter === "discard" ? new DiscardExporter() : undefined;
let flush: () => Promise<void>;
let stats: () => { exported?: number; dropped?: number } = () => ({});

if (scenario.pipeline === "register") {
  // Loaded here only: the SDK scenarios compare against a setup without @calltree/otel.
  const { register } = await import("@calltree/otel");
  const tracing = register({
    ...(discard ? { exporter: discard } : { endpoint: scenario.endpoint! }),
    logLevel: "error",
    // The flush after the loop is given time to deliver everything: what is measured is how long that takes.
    flushTimeoutMillis: 300_000,
  });
  flush = () => tracing.shutdown();
  stats = () => {
    const s = tracing.stats();
    return { exported: s.exportedSpans, dropped: s.droppedSpans };
  };
} else {
  const exporter: SpanExporter = discard ?? new OTLPTraceExporter({ url: `${scenario.endpoint}/v1/traces` });
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  useTracerProvider(provider);
  flush = () => provider.shutdown();
}

const service = new Service();
let sink: unknown;
const t0 = process.hrtime.bigint();
if (scenario.loop === "sync") {
  for (let i = 0; i < scenario.spans; i++) sink = service.run(QUESTION);
} else if (scenario.loop === "async") {
  for (let i = 0; i < scenario.spans; i++) sink = await service.runAsync(QUESTION);
} else {
  for (let i = 0; i < scenario.spans; i++) {
    sink = await service.runAsync(QUESTION);
    if (i % 1000 === 999) await yieldToLoop();
  }
}
const t1 = process.hrtime.bigint();
const before = stats();
await flush();
const t2 = process.hrtime.bigint();
const after = { ...before, ...stats() };

const report: ChildReport = {
  loopSeconds: Number(t1 - t0) / 1e9,
  totalSeconds: Number(t2 - t0) / 1e9,
  maxRssKiB: process.resourceUsage().maxRSS,
  messages,
};
if (discard) report.discarded = discard.exported;
if (after.exported !== undefined) report.pipelineExported = after.exported;
if (after.dropped !== undefined) report.pipelineDropped = after.dropped;
void sink;
process.stdout.write(`${JSON.stringify(report)}\n`);

// The seed scenario as a program: `register()` configured by the environment alone (PHOENIX_COLLECTOR_ENDPOINT,
// PHOENIX_PROJECT_NAME...), the model answered by the stand-in at STAND_IN_OPENAI_URL. Prints one JSON line on
// stdout: the answer, the trace ids, the app's own latency and calltree's counters after shutdown.
// TRACING=off runs the same app without register(), the baseline scenario 8 compares with.
import OpenAI from "openai";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";
import type { RegisterOptions } from "@calltree/otel";
import { Hinbox } from "./seed.js";

type Processor = NonNullable<RegisterOptions["spanProcessors"]>[number];
const traceIds = new Set<string>();
const seen: Processor = {
  onStart() {},
  onEnd(span) {
    traceIds.add(span.spanContext().traceId);
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};

const tracing = process.env.TRACING === "off" ? undefined : register({ spanProcessors: [seen] });
const openai = new OpenAI({ baseURL: process.env.STAND_IN_OPENAI_URL, apiKey: "sk-test", fetch: llm.fetch, maxRetries: 0 });
const runs = Number(process.env.RUNS ?? 1);
const latenciesMs: number[] = [];
let answer = "";
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  answer = await new Hinbox(openai).myLlmApplication();
  latenciesMs.push(performance.now() - t0);
}
const t0 = performance.now();
await tracing?.shutdown();
const shutdownMs = performance.now() - t0;
console.log(JSON.stringify({ answer, traceIds: [...traceIds], latenciesMs, shutdownMs, stats: tracing?.stats() }));

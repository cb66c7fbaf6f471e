import { trace } from "@opentelemetry/api";
import { OpenInferenceSpanKind } from "@arizeai/openinference-semantic-conventions";
import { observe as oiObserve, traceChain } from "@arizeai/openinference-core";
import { observe as langfuseObserve } from "@langfuse/tracing";
import { withTask } from "@traceloop/node-server-sdk";
import { chain } from "@calltree/chain";
import { handAsync, handSync, textInput, textOutput } from "../hand.js";
import type { Group, Row } from "../harness.js";
import { setUpTraceloop } from "../peers.js";

/** The argument of every trivial call. */
export const QUESTION = "What is the capital of France?";
const SPAN_NAME = "Service.run";

/** Anything a row computes goes here, so no call can be optimized away. */
export let sink: unknown;

class Plain {
  run(q: string): string {
    return q;
  }
  async runAsync(q: string): Promise<string> {
    return q;
  }
}

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

class OiService {
  @oiObserve()
  run(q: string): string {
    return q;
  }
  @oiObserve()
  async runAsync(q: string): Promise<string> {
    return q;
  }
}

const TASK = { name: SPAN_NAME };

function syncRows(): Row[] {
  setUpTraceloop();
  const tracer = trace.getTracer("bench-raw");
  const plain = new Plain();
  const service = new Service();
  const oiService = new OiService();
  const plainRun = (q: string) => plain.run(q);
  const bare = (q: string) =>
    tracer.startActiveSpan(SPAN_NAME, (span) => {
      try {
        return plain.run(q);
      } finally {
        span.end();
      }
    });
  const ref = handSync(tracer, SPAN_NAME, textInput(OpenInferenceSpanKind.CHAIN), plainRun, textOutput);
  const oiChain = traceChain(function run(q: string) {
    return plain.run(q);
  }, { name: SPAN_NAME });
  const lf = langfuseObserve(function run(q: string) {
    return plain.run(q);
  }, { name: SPAN_NAME, asType: "chain" });
  return [
    { id: "undecorated", label: "undecorated method", spansPerCall: 0, run: (n) => { for (let i = 0; i < n; i++) sink = plain.run(QUESTION); } },
    { id: "otel-bare", label: "raw startActiveSpan + end()", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = bare(QUESTION); } },
    { id: "otel-5-attributes", label: "raw startActiveSpan + 5 OpenInference attributes (reference)", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = ref(QUESTION); } },
    { id: "calltree", label: "calltree @chain", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = service.run(QUESTION); } },
    { id: "oi-trace-chain", label: "openinference-core traceChain", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = oiChain(QUESTION); } },
    { id: "oi-observe", label: "openinference-core @observe", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = oiService.run(QUESTION); } },
    { id: "langfuse-observe", label: "Langfuse observe", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = lf(QUESTION); } },
    {
      id: "traceloop-with-task",
      label: "Traceloop withTask",
      note: "returns a Promise, not awaited here",
      spansPerCall: 1,
      run: (n) => { for (let i = 0; i < n; i++) sink = withTask(TASK, plainRun, QUESTION); },
    },
  ];
}

function asyncRows(): Row[] {
  setUpTraceloop();
  const tracer = trace.getTracer("bench-raw");
  const plain = new Plain();
  const service = new Service();
  const oiService = new OiService();
  const plainRun = (q: string) => plain.runAsync(q);
  const bare = (q: string) =>
    tracer.startActiveSpan(SPAN_NAME, async (span) => {
      try {
        return await plain.runAsync(q);
      } finally {
        span.end();
      }
    });
  const ref = handAsync(tracer, SPAN_NAME, textInput(OpenInferenceSpanKind.CHAIN), plainRun, textOutput);
  const oiChain = traceChain(function run(q: string) {
    return plain.runAsync(q);
  }, { name: SPAN_NAME });
  const lf = langfuseObserve(function run(q: string) {
    return plain.runAsync(q);
  }, { name: SPAN_NAME, asType: "chain" });
  return [
    { id: "undecorated", label: "undecorated method", spansPerCall: 0, run: async (n) => { for (let i = 0; i < n; i++) sink = await plain.runAsync(QUESTION); } },
    { id: "otel-bare", label: "raw startActiveSpan + end()", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await bare(QUESTION); } },
    { id: "otel-5-attributes", label: "raw startActiveSpan + 5 OpenInference attributes (reference)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await ref(QUESTION); } },
    { id: "calltree", label: "calltree @chain", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await service.runAsync(QUESTION); } },
    { id: "oi-trace-chain", label: "openinference-core traceChain", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await oiChain(QUESTION); } },
    { id: "oi-observe", label: "openinference-core @observe", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await oiService.runAsync(QUESTION); } },
    { id: "langfuse-observe", label: "Langfuse observe", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await lf(QUESTION); } },
    { id: "traceloop-with-task", label: "Traceloop withTask", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await withTask(TASK, plainRun, QUESTION); } },
  ];
}

/** Item 1 and 2 of the issue: per-call overhead of a trivial method, tracing on (two processors) and off. */
export function overheadGroups(): Group[] {
  const groups: Group[] = [];
  for (const shape of ["sync", "async"] as const) {
    for (const processor of ["batch", "simple"] as const) {
      groups.push({
        id: `overhead.${shape}.${processor}`,
        title: `Trivial ${shape} method, tracing on, ${processor === "batch" ? "BatchSpanProcessor" : "SimpleSpanProcessor"} → discarding exporter`,
        tracing: processor,
        unit: "call",
        opsPerCall: 1,
        reference: "otel-5-attributes",
        maxCallsPerSample: shape === "sync" ? 1024 : 100_000,
        rows: shape === "sync" ? syncRows : asyncRows,
      });
    }
    groups.push({
      id: `overhead.${shape}.off`,
      title: `Trivial ${shape} method, tracing off (no provider, no context manager registered)`,
      tracing: "off",
      unit: "call",
      opsPerCall: 1,
      reference: "otel-bare",
      maxCallsPerSample: 1_000_000,
      rows: shape === "sync" ? syncRows : asyncRows,
      notes: ["Reference: raw startActiveSpan + end() on OpenTelemetry's no-op tracer."],
    });
  }
  return groups;
}

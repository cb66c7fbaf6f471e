import { trace } from "@opentelemetry/api";
import type { Attributes, Span } from "@opentelemetry/api";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { traceAgent, traceChain, traceLLM } from "@arizeai/openinference-core";
import { agent } from "@calltree/agent";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import type { DualMethodDecorator } from "@calltree/core";
import { handAsync, handSync, textInput, textOutput } from "../hand.js";
import type { Group, Row } from "../harness.js";
import { QUESTION } from "./overhead.js";

/** Anything a row computes goes here, so no call can be optimized away. */
export let sink: unknown;

const ANSWER = "Paris";

// What @llm records for a text question and a text answer beyond the five attributes: one input and one output
// message. The hand-written LLM span records them too, so both sides make the same spans.
function llmInput(q: string): Attributes {
  return {
    ...textInput(OpenInferenceSpanKind.LLM)(q),
    [`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`]: "user",
    [`${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]: q,
  };
}
// What @agent records: the agent's name and its node of the agent graph (the node id is the span's own id).
function agentInput(q: string): Attributes {
  return { ...textInput(OpenInferenceSpanKind.AGENT)(q), [SC.AGENT_NAME]: "Assistant.run", [SC.GRAPH_NODE_NAME]: "Assistant.run" };
}
function agentOutput(r: string, span: Span): Attributes {
  return { ...textOutput(r), [SC.GRAPH_NODE_ID]: span.spanContext().spanId };
}
function llmOutput(r: string): Attributes {
  return {
    ...textOutput(r),
    [`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`]: "assistant",
    [`${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`]: r,
  };
}

class Plain {
  handle(q: string): string {
    return this.run(q);
  }
  run(q: string): string {
    return this.ask(q);
  }
  ask(_q: string): string {
    return ANSWER;
  }
  async handleAsync(q: string): Promise<string> {
    return this.runAsync(q);
  }
  async runAsync(q: string): Promise<string> {
    return this.askAsync(q);
  }
  async askAsync(_q: string): Promise<string> {
    return ANSWER;
  }
}

function decorated(outer: DualMethodDecorator, middle: DualMethodDecorator, inner: DualMethodDecorator) {
  class Assistant {
    @outer
    handle(q: string): string {
      return this.run(q);
    }
    @middle
    run(q: string): string {
      return this.ask(q);
    }
    @inner
    ask(_q: string): string {
      return ANSWER;
    }
    @outer
    async handleAsync(q: string): Promise<string> {
      return this.runAsync(q);
    }
    @middle
    async runAsync(q: string): Promise<string> {
      return this.askAsync(q);
    }
    @inner
    async askAsync(_q: string): Promise<string> {
      return ANSWER;
    }
  }
  return new Assistant();
}

function rows(shape: "sync" | "async"): Row[] {
  const tracer = trace.getTracer("bench-raw");
  const plain = new Plain();
  const chains = decorated(chain, chain, chain);
  const mixed = decorated(chain, agent, llm);
  const CHAIN = OpenInferenceSpanKind.CHAIN;
  if (shape === "sync") {
    const ask = handSync(tracer, "Assistant.ask", llmInput, (q: string) => plain.ask(q), llmOutput);
    const run = handSync(tracer, "Assistant.run", agentInput, (q: string) => ask(q), agentOutput);
    const handle = handSync(tracer, "Assistant.handle", textInput(CHAIN), (q: string) => run(q), textOutput);
    const oiAsk = traceLLM((_q: string) => ANSWER, { name: "Assistant.ask" });
    const oiRun = traceAgent((q: string) => oiAsk(q), { name: "Assistant.run" });
    const oiHandle = traceChain((q: string) => oiRun(q), { name: "Assistant.handle" });
    return [
      { id: "undecorated", label: "undecorated", spansPerCall: 0, run: (n) => { for (let i = 0; i < n; i++) sink = plain.handle(QUESTION); } },
      { id: "by-hand", label: "by hand: 3 × startActiveSpan, same attributes (reference)", spansPerCall: 3, run: (n) => { for (let i = 0; i < n; i++) sink = handle(QUESTION); } },
      { id: "calltree", label: "calltree @chain → @agent → @llm", spansPerCall: 3, run: (n) => { for (let i = 0; i < n; i++) sink = mixed.handle(QUESTION); } },
      { id: "calltree-chains", label: "calltree @chain → @chain → @chain", spansPerCall: 3, run: (n) => { for (let i = 0; i < n; i++) sink = chains.handle(QUESTION); } },
      { id: "oi", label: "openinference-core traceChain → traceAgent → traceLLM", spansPerCall: 3, run: (n) => { for (let i = 0; i < n; i++) sink = oiHandle(QUESTION); } },
    ];
  }
  const ask = handAsync(tracer, "Assistant.ask", llmInput, (q: string) => plain.askAsync(q), llmOutput);
  const run = handAsync(tracer, "Assistant.run", agentInput, (q: string) => ask(q), agentOutput);
  const handle = handAsync(tracer, "Assistant.handle", textInput(CHAIN), (q: string) => run(q), textOutput);
  const oiAsk = traceLLM(async (_q: string) => ANSWER, { name: "Assistant.ask" });
  const oiRun = traceAgent((q: string) => oiAsk(q), { name: "Assistant.run" });
  const oiHandle = traceChain((q: string) => oiRun(q), { name: "Assistant.handle" });
  return [
    { id: "undecorated", label: "undecorated", spansPerCall: 0, run: async (n) => { for (let i = 0; i < n; i++) sink = await plain.handleAsync(QUESTION); } },
    { id: "by-hand", label: "by hand: 3 × startActiveSpan, same attributes (reference)", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await handle(QUESTION); } },
    { id: "calltree", label: "calltree @chain → @agent → @llm", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await mixed.handleAsync(QUESTION); } },
    { id: "calltree-chains", label: "calltree @chain → @chain → @chain", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await chains.handleAsync(QUESTION); } },
    { id: "oi", label: "openinference-core traceChain → traceAgent → traceLLM", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await oiHandle(QUESTION); } },
  ];
}

/** Item 3 of the issue: three nested calls against the same spans made by hand. */
export function nestedGroups(): Group[] {
  return (["sync", "async"] as const).map((shape) => ({
    id: `nested.${shape}`,
    title: `Three nested ${shape} calls (CHAIN → AGENT → LLM), BatchSpanProcessor → discarding exporter`,
    tracing: "batch" as const,
    unit: "call" as const,
    opsPerCall: 1,
    reference: "by-hand",
    maxCallsPerSample: shape === "sync" ? 512 : 100_000,
    rows: () => rows(shape),
    notes: [
      "By hand: three nested startActiveSpan calls recording what calltree records for these calls (kind, input, output; " +
        "agent.name and graph.node.* on the AGENT span; one input and one output message on the LLM span), without " +
        "calltree's code.* location attributes.",
    ],
  }));
}

import { trace } from "@opentelemetry/api";
import type { Attributes, Span, Tracer } from "@opentelemetry/api";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { traceAgent, traceChain, traceLLM } from "@arizeai/openinference-core";
import { agent } from "@calltree/agent";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import type { DualMethodDecorator } from "@calltree/core";
import { before } from "../before.js";
import { handAsync, handSync, site, textInput, textOutput, tightAsync, tightSync } from "../hand.js";
import type { TightExtra } from "../hand.js";
import { coldCaches } from "../harness.js";
import type { Group, Row } from "../harness.js";
import { QUESTION } from "./overhead.js";

/**
 * Anything a row computes goes here, so no call can be optimized away: exported, so the writes are observable.
 * @public
 */
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

// The tight form of the same three spans (see hand.ts): the keys above in constants, one setAttribute each.
const LLM_IN_ROLE = `${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`;
const LLM_IN_CONTENT = `${SC.LLM_INPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`;
const LLM_OUT_ROLE = `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_ROLE}`;
const LLM_OUT_CONTENT = `${SC.LLM_OUTPUT_MESSAGES}.0.${SC.MESSAGE_CONTENT}`;
const AGENT_NAME = SC.AGENT_NAME;
const NODE_NAME = SC.GRAPH_NODE_NAME;
const NODE_ID = SC.GRAPH_NODE_ID;
// What @agent names the agent: the class of `this`.
const AGENT_LABEL = "Assistant";
const llmExtra: TightExtra<string, string> = {
  start(span, q) {
    span.setAttribute(LLM_IN_ROLE, "user");
    span.setAttribute(LLM_IN_CONTENT, q);
  },
  end(span, r) {
    span.setAttribute(LLM_OUT_ROLE, "assistant");
    span.setAttribute(LLM_OUT_CONTENT, r);
  },
};
const agentExtra: TightExtra<string, string> = {
  start(span) {
    span.setAttribute(AGENT_NAME, AGENT_LABEL);
    span.setAttribute(NODE_NAME, AGENT_LABEL);
  },
  end(span) {
    span.setAttribute(NODE_ID, span.spanContext().spanId);
  },
};

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

/**
 * The decorated class's six methods traced by hand in the tight form. Each body is the decorated method's own (an
 * async one stays an async function that returns the next call's Promise), so this row runs the same code as the
 * undecorated and the decorated rows, with spans written by hand around it.
 */
function tightAssistant(tracer: Tracer) {
  const LLM = OpenInferenceSpanKind.LLM;
  const AGENT = OpenInferenceSpanKind.AGENT;
  const CHAIN = OpenInferenceSpanKind.CHAIN;
  const self = {
    handle: tightSync(tracer, "Assistant.handle", CHAIN, site("handle"), (q: string): string => self.run(q)),
    run: tightSync(tracer, "Assistant.run", AGENT, site("run"), (q: string): string => self.ask(q), agentExtra),
    ask: tightSync(tracer, "Assistant.ask", LLM, site("ask"), (_q: string): string => ANSWER, llmExtra),
    handleAsync: tightAsync(tracer, "Assistant.handleAsync", CHAIN, site("handleAsync"), async (q: string): Promise<string> => self.runAsync(q)),
    runAsync: tightAsync(tracer, "Assistant.runAsync", AGENT, site("runAsync"), async (q: string): Promise<string> => self.askAsync(q), agentExtra),
    askAsync: tightAsync(tracer, "Assistant.askAsync", LLM, site("askAsync"), async (_q: string): Promise<string> => ANSWER, llmExtra),
  };
  return self;
}

function rows(shape: "sync" | "async"): Row[] {
  const tracer = trace.getTracer("bench-raw");
  const plain = new Plain();
  const chains = decorated(chain, chain, chain);
  const mixed = decorated(chain, agent, llm);
  const tight = tightAssistant(tracer);
  const old = before === undefined ? undefined : decorated(before.chain, before.agent, before.llm);
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
      { id: "by-hand", label: "old reference: 3 × startActiveSpan, attribute objects built with spread, no code.*", spansPerCall: 3, run: (n) => { for (let i = 0; i < n; i++) sink = handle(QUESTION); } },
      { id: "tight", label: "by hand, tight: 3 × startActiveSpan, same attributes and code.*, setAttribute each (reference)", spansPerCall: 3, run: (n) => { for (let i = 0; i < n; i++) sink = tight.handle(QUESTION); } },
      { id: "calltree", label: "calltree @chain → @agent → @llm", spansPerCall: 3, run: (n) => { for (let i = 0; i < n; i++) sink = mixed.handle(QUESTION); } },
      { id: "calltree-chains", label: "calltree @chain → @chain → @chain", spansPerCall: 3, run: (n) => { for (let i = 0; i < n; i++) sink = chains.handle(QUESTION); } },
      ...(old === undefined ? [] : [{ id: "calltree-before", label: "calltree @chain → @agent → @llm, the --before build", spansPerCall: 3, run: (n: number) => { for (let i = 0; i < n; i++) sink = old.handle(QUESTION); } }]),
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
    { id: "by-hand", label: "old reference: 3 × startActiveSpan, attribute objects built with spread, no code.*", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await handle(QUESTION); } },
    { id: "tight", label: "by hand, tight: 3 × startActiveSpan, same attributes and code.*, setAttribute each (reference)", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await tight.handleAsync(QUESTION); } },
    { id: "calltree", label: "calltree @chain → @agent → @llm", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await mixed.handleAsync(QUESTION); } },
    { id: "calltree-chains", label: "calltree @chain → @chain → @chain", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await chains.handleAsync(QUESTION); } },
    ...(old === undefined ? [] : [{ id: "calltree-before", label: "calltree @chain → @agent → @llm, the --before build", spansPerCall: 3, run: async (n: number) => { for (let i = 0; i < n; i++) sink = await old.handleAsync(QUESTION); } }]),
    { id: "oi", label: "openinference-core traceChain → traceAgent → traceLLM", spansPerCall: 3, run: async (n) => { for (let i = 0; i < n; i++) sink = await oiHandle(QUESTION); } },
  ];
}

/** Item 3 of the issue: three nested calls against the same spans made by hand. */
export function nestedGroups(): Group[] {
  const groups: Group[] = (["sync", "async"] as const).map((shape) => ({
    id: `nested.${shape}`,
    title: `Three nested ${shape} calls (CHAIN → AGENT → LLM), BatchSpanProcessor → discarding exporter`,
    tracing: "batch" as const,
    unit: "call" as const,
    opsPerCall: 1,
    reference: "tight",
    maxCallsPerSample: shape === "sync" ? 512 : 100_000,
    rows: () => rows(shape),
    notes: [
      "By hand, tight: three nested startActiveSpan calls recording what calltree records for these calls (kind, input, " +
        "output; agent.name and graph.node.* on the AGENT span; one input and one output message on the LLM span; the " +
        "four code.* attributes on each), one setAttribute per attribute, keys in constants, around the same method " +
        "bodies (async ones stay async functions). The old reference built " +
        "the same attributes (without code.*) as objects with spread and computed keys.",
    ],
  }));
  groups.push({
    ...groups[1]!,
    id: "nested.async.cold",
    title: "Three nested async calls (CHAIN → AGENT → LLM), one call at a time after other work (an 8 MiB sweep: caches cold), Batch",
    short: true,
    between: coldCaches,
  });
  return groups;
}

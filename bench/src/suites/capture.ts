import { trace } from "@opentelemetry/api";
import type { Attributes } from "@opentelemetry/api";
import { OpenInferenceSpanKind } from "@arizeai/openinference-semantic-conventions";
import { getLLMAttributes, traceChain } from "@arizeai/openinference-core";
import type { Message } from "@arizeai/openinference-core";
import { observe as langfuseObserve } from "@langfuse/tracing";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import { chatCompletion, chatRequest20, jsonOfSize } from "../fixtures/openai.js";
import type { ChatRequest } from "../fixtures/openai.js";
import { handAsync, handSync, jsonInput, jsonOutput, site, textOutput, tightAsync } from "../hand.js";
import type { Group, Row } from "../harness.js";
import { setUpTraceloop } from "../peers.js";
import { before } from "../before.js";

/**
 * Anything a row computes goes here, so no call can be optimized away: exported, so the writes are observable.
 * @public
 */
export let sink: unknown;

type Payload = ReturnType<typeof jsonOfSize>;

class Plain {
  index(payload: Payload): string {
    return payload.query;
  }
}

class Indexer {
  @chain
  index(payload: Payload): string {
    return payload.query;
  }
}

async function sizeRows(payload: Payload): Promise<Row[]> {
  const withTask = await setUpTraceloop();
  const tracer = trace.getTracer("bench-raw");
  const plain = new Plain();
  const indexer = new Indexer();
  const index = (p: Payload) => plain.index(p);
  const ref = handSync(tracer, "Indexer.index", jsonInput(OpenInferenceSpanKind.CHAIN), index, textOutput);
  const oi = traceChain(index, { name: "Indexer.index" });
  const lf = langfuseObserve(index, { name: "Indexer.index", asType: "chain" });
  const task = { name: "Indexer.index" };
  return [
    { id: "undecorated", label: "undecorated", spansPerCall: 0, run: (n) => { for (let i = 0; i < n; i++) sink = plain.index(payload); } },
    { id: "by-hand", label: "by hand: JSON.stringify(argument) (reference)", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = ref(payload); } },
    { id: "calltree", label: "calltree @chain", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = indexer.index(payload); } },
    { id: "oi-trace-chain", label: "openinference-core traceChain", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = oi(payload); } },
    { id: "langfuse-observe", label: "Langfuse observe", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = lf(payload); } },
    { id: "traceloop-with-task", label: "Traceloop withTask", spansPerCall: 1, run: (n) => { for (let i = 0; i < n; i++) sink = withTask(task, index, payload); } },
  ];
}

// What a person writes to get the full LLM attributes by hand, with openinference-core's getLLMAttributes():
// map the OpenAI request and response to its message, token and tool shapes.
function toMessages(messages: ChatRequest["messages"]): Message[] {
  return messages.map((m) => {
    const out: Message = { role: m.role };
    if (typeof m.content === "string") out.content = m.content;
    if (m.tool_call_id !== undefined) out.toolCallId = m.tool_call_id;
    if (m.tool_calls !== undefined) out.toolCalls = m.tool_calls.map((t) => ({ id: t.id, function: { name: t.function.name, arguments: t.function.arguments } }));
    return out;
  });
}

function requestLLMAttributes(req: ChatRequest): Attributes {
  return getLLMAttributes({
    provider: "openai",
    system: "openai",
    modelName: req.model,
    invocationParameters: { temperature: req.temperature, max_tokens: req.max_tokens },
    inputMessages: toMessages(req.messages),
    tools: req.tools.map((t) => ({ jsonSchema: t })),
  });
}

function responseLLMAttributes(res: Completion): Attributes {
  return getLLMAttributes({
    modelName: res.model,
    outputMessages: toMessages(res.choices.map((c) => c.message)),
    tokenCount: {
      prompt: res.usage.prompt_tokens,
      completion: res.usage.completion_tokens,
      total: res.usage.total_tokens,
      promptDetails: { cacheRead: res.usage.prompt_tokens_details.cached_tokens },
    },
  });
}

function fullRequestAttributes(req: ChatRequest): Attributes {
  return {
    ...jsonInput(OpenInferenceSpanKind.LLM)(req),
    ...getLLMAttributes({
      provider: "openai",
      system: "openai",
      modelName: req.model,
      invocationParameters: { temperature: req.temperature, max_tokens: req.max_tokens },
      inputMessages: toMessages(req.messages),
      tools: req.tools.map((t) => ({ jsonSchema: t })),
    }),
  };
}

interface Completion {
  model: string;
  choices: Array<{ message: ChatRequest["messages"][number] }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; prompt_tokens_details: { cached_tokens: number } };
}

function fullResponseAttributes(res: Completion): Attributes {
  return {
    ...jsonOutput(res),
    ...getLLMAttributes({
      modelName: res.model,
      outputMessages: toMessages(res.choices.map((c) => c.message)),
      tokenCount: {
        prompt: res.usage.prompt_tokens,
        completion: res.usage.completion_tokens,
        total: res.usage.total_tokens,
        promptDetails: { cacheRead: res.usage.prompt_tokens_details.cached_tokens },
      },
    }),
  };
}

function llmRows(): Row[] {
  const tracer = trace.getTracer("bench-raw");
  const request = chatRequest20();
  const completion = chatCompletion() as unknown as Completion;
  class PlainClient {
    async complete(_req: ChatRequest): Promise<Completion> {
      return completion;
    }
  }
  class Client {
    @llm({ provider: "openai" })
    async complete(_req: ChatRequest): Promise<Completion> {
      return completion;
    }
    @chain
    async completeChain(_req: ChatRequest): Promise<Completion> {
      return completion;
    }
  }
  const plain = new PlainClient();
  const client = new Client();
  // The same client decorated with the --before build's @llm, when one is given.
  let oldClient: { complete(req: ChatRequest): Promise<Completion> } | undefined;
  if (before !== undefined) {
    const oldLlm = before.llm as unknown as typeof llm;
    class OldClient {
      @oldLlm({ provider: "openai" })
      async complete(_req: ChatRequest): Promise<Completion> {
        return completion;
      }
    }
    oldClient = new OldClient();
  }
  const complete = (r: ChatRequest) => plain.complete(r);
  const ref = handAsync(tracer, "Client.complete", jsonInput(OpenInferenceSpanKind.LLM), complete, jsonOutput);
  const full = handAsync(tracer, "Client.complete", fullRequestAttributes, complete, fullResponseAttributes);
  // The tight form with openinference-core's helpers: kind, input, output, MIME types and code.* with one
  // setAttribute each, and getLLMAttributes() for the request's and the response's LLM attributes.
  const tight = tightAsync(tracer, "Client.complete", OpenInferenceSpanKind.LLM, site("complete"), complete, {
    start: (span, req) => span.setAttributes(requestLLMAttributes(req)),
    end: (span, res) => span.setAttributes(responseLLMAttributes(res)),
  });
  return [
    { id: "undecorated", label: "undecorated", spansPerCall: 0, run: async (n) => { for (let i = 0; i < n; i++) sink = await plain.complete(request); } },
    { id: "by-hand", label: "by hand: JSON.stringify request and response only (old reference)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await ref(request); } },
    { id: "by-hand-full", label: "by hand: all LLM attributes with getLLMAttributes(), as objects in the options (old form)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await full(request); } },
    { id: "oi-helpers-tight", label: "by hand, tight: getLLMAttributes() + setAttribute for kind, I/O and code.* (reference)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await tight(request); } },
    { id: "calltree-llm", label: "calltree @llm (full extraction)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await client.complete(request); } },
    ...(oldClient === undefined
      ? []
      : [{ id: "calltree-llm-before", label: "calltree @llm (full extraction), the --before build", spansPerCall: 1, run: async (n: number) => { for (let i = 0; i < n; i++) sink = await oldClient.complete(request); } }]),
    { id: "calltree-chain", label: "calltree @chain (input and output as JSON only)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await client.completeChain(request); } },
  ];
}

const SIZES: ReadonlyArray<[string, number]> = [
  ["1 KiB", 1024],
  ["64 KiB", 64 * 1024],
  ["1 MiB", 1024 * 1024],
];

/** Item 4 of the issue: the cost of capturing large arguments and a full OpenAI chat completion. */
export function captureGroups(): Group[] {
  const groups: Group[] = SIZES.map(([label, bytes]) => {
    const payload = jsonOfSize(bytes);
    return {
      id: `capture.json-${label.replace(" ", "").toLowerCase()}`,
      title: `Capture: a ${label} JSON argument (sync), SimpleSpanProcessor → discarding exporter`,
      tracing: "simple" as const,
      unit: "call" as const,
      opsPerCall: 1,
      reference: "by-hand",
      maxCallsPerSample: 1024,
      rows: () => sizeRows(payload),
      notes: [
        "calltree keeps at most 32,768 characters of a value (its default maxValueLength) and stops serializing there; " +
          "the reference and the peers serialize and keep the whole argument.",
        "SimpleSpanProcessor here so that large values do not pile up by the thousand in a batch queue.",
      ],
    };
  });
  groups.push({
    id: "capture.llm-chat",
    title: "Capture: an OpenAI chat completion call with 20 messages and 2 tools (async), SimpleSpanProcessor → discarding exporter",
    tracing: "simple",
    unit: "call",
    opsPerCall: 1,
    maxCallsPerSample: 100_000,
    rows: llmRows,
    reference: "oi-helpers-tight",
    notes: [
      "@llm records the model, provider, invocation parameters, every input and output message (tool calls " +
        "included), the tools, token counts with details and the cost, on top of input and output as JSON.",
    ],
  });
  return groups;
}

import { trace } from "@opentelemetry/api";
import type { Attributes, Span } from "@opentelemetry/api";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { getLLMAttributes, traceChain } from "@arizeai/openinference-core";
import type { Message } from "@arizeai/openinference-core";
import { observe as langfuseObserve } from "@langfuse/tracing";
import { calcPrice } from "@pydantic/genai-prices";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import { chatCompletion, chatRequest20, jsonOfSize } from "../fixtures/openai.js";
import type { ChatRequest } from "../fixtures/openai.js";
import { handAsync, handSync, jsonInput, jsonOutput, site, textOutput, tightAsync } from "../hand.js";
import { coldCaches } from "../harness.js";
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
    invocationParameters: { model: req.model, temperature: req.temperature, max_tokens: req.max_tokens },
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
  choices: Array<{ message: ChatRequest["messages"][number]; finish_reason: string }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
    completion_tokens_details: { reasoning_tokens: number; audio_tokens: number };
  };
}

// What @llm records that getLLMAttributes() has no field for, written by hand in the tight form: the tools' names
// and descriptions, the finish reason, the token counts' completion details and audio, and the cost. The cost
// comes from the same price catalog @llm uses (@pydantic/genai-prices), its rates looked up once for the model,
// as a person writing it by hand would (a catalog lookup per call costs tens of microseconds).
const TOOL_NAME_KEYS = [0, 1].map((i) => `${SC.LLM_TOOLS}.${i}.${SC.TOOL_NAME}`);
const TOOL_DESCRIPTION_KEYS = [0, 1].map((i) => `${SC.LLM_TOOLS}.${i}.${SC.TOOL_DESCRIPTION}`);
const FINISH_REASON = SC.LLM_FINISH_REASON;
const PROMPT_AUDIO_TOKENS = SC.LLM_TOKEN_COUNT_PROMPT_DETAILS_AUDIO;
const REASONING_TOKENS = SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING;
const COMPLETION_AUDIO_TOKENS = SC.LLM_TOKEN_COUNT_COMPLETION_DETAILS_AUDIO;
const COST_PROMPT = SC.LLM_COST_PROMPT;
const COST_COMPLETION = SC.LLM_COST_COMPLETION;
const COST_TOTAL = SC.LLM_COST_TOTAL;
const COST_INPUT = SC.LLM_COST_INPUT;
const COST_OUTPUT = SC.LLM_COST_OUTPUT;
const COST_CACHE_READ = SC.LLM_COST_PROMPT_DETAILS_CACHE_READ;
const COST_PROMPT_AUDIO = SC.LLM_COST_PROMPT_DETAILS_AUDIO;
const COST_REASONING = SC.LLM_COST_COMPLETION_DETAILS_REASONING;
const COST_COMPLETION_AUDIO = SC.LLM_COST_COMPLETION_DETAILS_AUDIO;

/** Rates in USD per token of the fixture's model, from the catalog, once. */
function ratesOf(model: string): { input: number; cacheRead: number; output: number } {
  const price = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId: "openai" })?.model_price as
    | { input_mtok?: number; cache_read_mtok?: number; output_mtok?: number }
    | undefined;
  const input = (price?.input_mtok ?? 0) / 1e6;
  return { input, cacheRead: (price?.cache_read_mtok ?? price?.input_mtok ?? 0) / 1e6, output: (price?.output_mtok ?? 0) / 1e6 };
}

function setRequestExtras(span: Span, req: ChatRequest): void {
  const tools = req.tools;
  for (let i = 0; i < tools.length && i < TOOL_NAME_KEYS.length; i++) {
    span.setAttribute(TOOL_NAME_KEYS[i]!, tools[i]!.function.name);
    span.setAttribute(TOOL_DESCRIPTION_KEYS[i]!, tools[i]!.function.description);
  }
}

function setResponseExtras(span: Span, res: Completion, rates: { input: number; cacheRead: number; output: number }): void {
  const finish = res.choices[0]?.finish_reason;
  if (finish !== undefined) span.setAttribute(FINISH_REASON, finish);
  const usage = res.usage;
  const cached = usage.prompt_tokens_details.cached_tokens;
  const promptAudio = usage.prompt_tokens_details.audio_tokens;
  const reasoning = usage.completion_tokens_details.reasoning_tokens;
  const completionAudio = usage.completion_tokens_details.audio_tokens;
  span.setAttribute(PROMPT_AUDIO_TOKENS, promptAudio);
  span.setAttribute(REASONING_TOKENS, reasoning);
  span.setAttribute(COMPLETION_AUDIO_TOKENS, completionAudio);
  // Rounded as @llm rounds (to 1e-12 USD), so both write the same values.
  const round = (usd: number) => Math.round(usd * 1e12) / 1e12;
  const input = round((usage.prompt_tokens - cached - promptAudio) * rates.input);
  const cacheRead = round(cached * rates.cacheRead);
  const promptAudioCost = round(promptAudio * rates.input);
  const output = round((usage.completion_tokens - reasoning - completionAudio) * rates.output);
  const reasoningCost = round(reasoning * rates.output);
  const completionAudioCost = round(completionAudio * rates.output);
  const prompt = round(input + cacheRead + promptAudioCost);
  const completion = round(output + reasoningCost + completionAudioCost);
  span.setAttribute(COST_PROMPT, prompt);
  span.setAttribute(COST_COMPLETION, completion);
  span.setAttribute(COST_TOTAL, round(prompt + completion));
  span.setAttribute(COST_INPUT, input);
  span.setAttribute(COST_OUTPUT, output);
  span.setAttribute(COST_CACHE_READ, cacheRead);
  span.setAttribute(COST_PROMPT_AUDIO, promptAudioCost);
  span.setAttribute(COST_REASONING, reasoningCost);
  span.setAttribute(COST_COMPLETION_AUDIO, completionAudioCost);
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
  const tightSubset = tightAsync(tracer, "Client.complete", OpenInferenceSpanKind.LLM, site("complete"), complete, {
    start: (span, req) => span.setAttributes(requestLLMAttributes(req)),
    end: (span, res) => span.setAttributes(responseLLMAttributes(res)),
  });
  const rates = ratesOf(completion.model);
  const tight = tightAsync(tracer, "Client.complete", OpenInferenceSpanKind.LLM, site("complete"), complete, {
    start: (span, req) => {
      span.setAttributes(requestLLMAttributes(req));
      setRequestExtras(span, req);
    },
    end: (span, res) => {
      span.setAttributes(responseLLMAttributes(res));
      setResponseExtras(span, res, rates);
    },
  });
  return [
    { id: "undecorated", label: "undecorated", spansPerCall: 0, run: async (n) => { for (let i = 0; i < n; i++) sink = await plain.complete(request); } },
    { id: "by-hand", label: "by hand: JSON.stringify request and response only (old reference)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await ref(request); } },
    { id: "by-hand-full", label: "by hand: all LLM attributes with getLLMAttributes(), as objects in the options (old form)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await full(request); } },
    { id: "oi-helpers-tight-subset", label: "by hand, tight, without the 17 attributes getLLMAttributes() has no field for (the reference until this run)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await tightSubset(request); } },
    { id: "oi-helpers-tight", label: "by hand, tight: getLLMAttributes() + setAttribute for kind, I/O, code.*, tool names, finish reason, token details and cost (reference)", spansPerCall: 1, run: async (n) => { for (let i = 0; i < n; i++) sink = await tight(request); } },
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

// The cold chat group's rows: the bar's two, the undecorated call and @chain on the same method.
const COLD_ROWS = ["undecorated", "oi-helpers-tight", "calltree-llm", "calltree-chain"];

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
  groups.push({
    id: "capture.llm-chat.cold",
    title: "Capture: the same chat completion call, one call at a time after other work (an 8 MiB sweep: caches cold), SimpleSpanProcessor",
    tracing: "simple",
    unit: "call",
    opsPerCall: 1,
    maxCallsPerSample: 100_000,
    rows: () => llmRows().filter((r) => COLD_ROWS.includes(r.id)),
    reference: "oi-helpers-tight",
    short: true,
    between: coldCaches,
  });
  return groups;
}

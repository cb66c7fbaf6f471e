// The Vercel AI SDK (5, 6, 7) with its @ai-sdk/openai provider (chat completions) through @llm.
import { llm } from "@calltree/llm";
import { ANSWER, PNG, replyUnlessTools, TOTAL, USAGE } from "../cell.js";
import type { CellContext, Scenario } from "../cell.js";

type AnyFn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface AiSdk {
  generateText: AnyFn;
  streamText: AnyFn;
  jsonSchema: AnyFn;
  tool: AnyFn;
  stepCountIs: AnyFn;
}
type CreateOpenAI = (options: Record<string, unknown>) => { chat(model: string): unknown; responses(model: string): unknown };

// gpt-4o is answered as a dated snapshot, as the API resolves the alias; o4-mini as itself.
const answered = (m: string) => (m.startsWith("gpt-4o") ? `${m}-2024-08-06` : m);
const base = { usage: USAGE, reply: replyUnlessTools, answerModel: answered };

interface Part { type: string; text?: string; textDelta?: string; delta?: string }

/**
 * With `@ai-sdk/otel` registered, the SDK's spans end a few turns after the app has read the stream (after the
 * `@llm` span): wait for its outer `invoke_agent` span, by turns of the event loop, not by time.
 */
async function settled(traces: CellContext["traces"]): Promise<void> {
  for (let turn = 0; turn < 10_000; turn++) {
    await traces.flush();
    if (traces.spans.some((s) => s.attributes["gen_ai.operation.name"] === "invoke_agent")) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export function aiSdkScenarios(ai: AiSdk, createOpenAI: CreateOpenAI, telemetry = false): Scenario[] {
  const model = (url: string, id = "gpt-4o") => createOpenAI({ apiKey: "sk-test", baseURL: url }).chat(id);
  const responsesModel = (url: string) => createOpenAI({ apiKey: "sk-test", baseURL: url }).responses("gpt-4o");
  const schema = () => ai.jsonSchema({ type: "object", properties: { city: { type: "string" } }, required: ["city"] });
  const tools = () => ({ weather: ai.tool({ description: "Weather", inputSchema: schema() }) });
  const twoTools = () => ({ ...tools(), time: ai.tool({ description: "Local time", inputSchema: schema() }) });
  const PARALLEL_ARGS = ['{"city":"Paris"}', '{"city":"Paris"}'];
  const readAll = async (stream: AsyncIterable<Part>): Promise<string> => {
    let text = "";
    for await (const p of stream) if (p.type === "text-delta") text += p.text ?? p.delta ?? p.textDelta ?? "";
    return text;
  };
  const scenarios: Scenario[] = [
    {
      name: "plain",
      standIn: base,
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.generateText({ model: model(standIn.openaiBaseURL), prompt, maxRetries: 0 }), { name: "ask" });
        await ask("What is the capital of China?");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "streamed",
      standIn: base,
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.streamText({ model: model(standIn.openaiBaseURL), prompt, maxRetries: 0 }).fullStream, { name: "ask" });
        const text = await readAll(await ask("What is the capital of China?"));
        if (text !== ANSWER) throw new Error(`the app read ${JSON.stringify(text)}`);
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "tool calls, streamed",
      standIn: base,
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.streamText({ model: model(standIn.openaiBaseURL), prompt, tools: tools(), maxRetries: 0 }).fullStream, { name: "ask" });
        await readAll(await ask("Weather in Paris?"));
        return { toolArgs: ['{"city":"Paris"}'], tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "parallel tool calls",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.generateText({ model: model(standIn.openaiBaseURL), prompt, tools: twoTools(), maxRetries: 0 }), { name: "ask" });
        await ask("Weather in Paris?");
        return { toolArgs: PARALLEL_ARGS, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "parallel tool calls, streamed",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.streamText({ model: model(standIn.openaiBaseURL), prompt, tools: twoTools(), maxRetries: 0 }).fullStream, { name: "ask" });
        await readAll(await ask("Weather in Paris?"));
        return { toolArgs: PARALLEL_ARGS, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "responses API",
      standIn: base,
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.generateText({ model: responsesModel(standIn.openaiBaseURL), prompt, maxRetries: 0 }), { name: "ask" });
        await ask("What is the capital of China?");
        return { text: ANSWER, tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "responses API, streamed",
      standIn: base,
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.streamText({ model: responsesModel(standIn.openaiBaseURL), prompt, maxRetries: 0 }).fullStream, { name: "ask" });
        const text = await readAll(await ask("What is the capital of China?"));
        if (text !== ANSWER) throw new Error(`the app read ${JSON.stringify(text)}`);
        return { text: ANSWER, tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "responses API, tools",
      standIn: base,
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.generateText({ model: responsesModel(standIn.openaiBaseURL), prompt, tools: tools(), maxRetries: 0 }), { name: "ask" });
        await ask("Weather in Paris?");
        return { toolArgs: ['{"city":"Paris"}'], tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "tool-using agent",
      standIn: base,
      async run({ standIn }) {
        // The AI SDK's own loop inside one @llm call: the model calls the tool, the SDK runs it, the model answers.
        const weather = ai.tool({ description: "Weather", inputSchema: schema(), execute: async ({ city }: { city: string }) => `Sunny in ${city}` });
        const ask = llm.wrap((prompt: string) =>
          ai.generateText({ model: model(standIn.openaiBaseURL), prompt, tools: { weather }, stopWhen: ai.stepCountIs(2), maxRetries: 0 }), { name: "ask" });
        const result = (await ask("Weather in Paris?")) as { text: string; steps: unknown[] };
        if (result.steps.length !== 2 || !result.text.startsWith("Tool weather returned:")) throw new Error(`wrong answer ${JSON.stringify(result.text)}`);
        // Both model calls' usage on the one @llm span (or on the SDK's two model-call spans under it), priced once.
        return { text: result.text, tokens: 2 * TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "image",
      standIn: base,
      async run({ standIn }) {
        const ask = llm.wrap((messages: unknown) => ai.generateText({ model: model(standIn.openaiBaseURL), messages, maxRetries: 0 }), { name: "ask" });
        await ask([{ role: "user", content: [{ type: "text", text: "What is the capital of China?" }, { type: "image", image: PNG, mediaType: "image/png", mimeType: "image/png" }] }]);
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "cached prompt tokens",
      standIn: { ...base, usage: { ...USAGE, cachedTokens: 20 } },
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.streamText({ model: model(standIn.openaiBaseURL), prompt, maxRetries: 0 }).fullStream, { name: "ask" });
        await readAll(await ask("What is the capital of China?"));
        return { text: ANSWER, tokens: TOTAL, cacheRead: 20, model: answered("gpt-4o") };
      },
    },
    {
      name: "reasoning tokens",
      standIn: { ...base, usage: { ...USAGE, reasoningTokens: 5 } },
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.generateText({ model: model(standIn.openaiBaseURL, "o4-mini"), prompt, maxRetries: 0 }), { name: "ask" });
        await ask("What is the capital of China?");
        return { text: ANSWER, tokens: TOTAL, reasoning: 5, model: answered("o4-mini") };
      },
    },
    {
      name: "error mid-stream",
      standIn: base,
      async run({ standIn }) {
        const ask = llm.wrap((prompt: string) => ai.streamText({ model: model(standIn.openaiBaseURL, "gpt-4o#break=3"), prompt, maxRetries: 0, onError: () => {} }).fullStream, { name: "ask" });
        let sawError = false;
        try {
          for await (const p of (await ask("What is the capital of China?")) as AsyncIterable<Part>) if (p.type === "error") sawError = true;
        } catch {
          sawError = true;
        }
        if (!sawError) throw new Error("the stream did not fail");
        return { tokens: 0 };
      },
    },
    {
      name: "aborted stream",
      standIn: base,
      async run({ standIn }) {
        // Breaking out of fullStream leaves the AI SDK reading the response (without calltree too): it is
        // cancelled through abortSignal.
        const controller = new AbortController();
        const ask = llm.wrap((prompt: string) =>
          ai.streamText({ model: model(standIn.openaiBaseURL, "gpt-4o#hold=3"), prompt, maxRetries: 0, abortSignal: controller.signal, onError: () => {} }).fullStream, { name: "ask" });
        try {
          for await (const p of (await ask("What is the capital of China?")) as AsyncIterable<Part>) if (p.type === "text-delta") controller.abort();
        } catch {
          // An abort error, as the SDK reports it.
        }
        const end = await standIn.streamEnded(0);
        if (!end.clientLeft) throw new Error("the client did not leave");
        return { tokens: 0 };
      },
    },
  ];
  if (!telemetry) return scenarios;
  return scenarios.map((sc) => ({ ...sc, run: async (ctx) => {
    const expect = await sc.run(ctx);
    await settled(ctx.traces);
    return expect;
  } }));
}

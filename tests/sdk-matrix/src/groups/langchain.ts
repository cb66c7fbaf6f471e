// @langchain/core 1.x + @langchain/openai inside @llm, traced by @arizeai/openinference-instrumentation-langchain
// (whose LLM span nests under the @llm span and carries the usage).
import { trace } from "@opentelemetry/api";
import type { Tracer, TracerProvider } from "@opentelemetry/api";
import { llm } from "@calltree/llm";
import { ANSWER, replyUnlessTools, TOTAL, USAGE } from "../cell.js";
import type { Scenario } from "../cell.js";

// gpt-4o answers as a dated snapshot, as the API resolves the alias.
const answered = (m: string) => `${m}-2024-08-06`;
const base = { usage: USAGE, reply: replyUnlessTools, answerModel: answered };

interface Chat {
  invoke(input: unknown): Promise<{ content: unknown }>;
  stream(input: unknown, options?: unknown): Promise<AsyncIterable<{ content: unknown }>>;
  bindTools(tools: unknown[]): Chat;
}

/**
 * A provider that looks the global one up for every tracer call: an app registers one provider for its life; each
 * cell here installs its own, and the instrumentation would otherwise keep the first.
 */
const globalProvider: TracerProvider = {
  getTracer(name, version) {
    const tracer = (): Tracer => trace.getTracer(name, version);
    return {
      startSpan: (...args) => tracer().startSpan(...args),
      startActiveSpan: ((...args: unknown[]) => (tracer().startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer["startActiveSpan"],
    };
  },
};

export async function langchainScenarios(): Promise<Scenario[]> {
  const { LangChainInstrumentation } = await import("@arizeai/openinference-instrumentation-langchain");
  const callbacks = await import("@langchain/core/callbacks/manager");
  const instrumentation = new LangChainInstrumentation({ tracerProvider: globalProvider });
  instrumentation.manuallyInstrument(callbacks as never);
  const { ChatOpenAI } = (await import("@langchain/openai")) as unknown as { ChatOpenAI: new (o: Record<string, unknown>) => Chat };
  const chat = (url: string) => new ChatOpenAI({ model: "gpt-4o", apiKey: "sk-test", maxRetries: 0, configuration: { baseURL: url }, streamUsage: true });
  return [
    {
      name: "plain",
      standIn: base,
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL);
        const ask = llm.wrap(async (q: string) => String((await c.invoke(q)).content), { name: "ask" });
        if ((await ask("What is the capital of China?")) !== ANSWER) throw new Error("wrong answer");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "streamed",
      standIn: base,
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL);
        const ask = llm.wrap(async (q: string) => {
          let text = "";
          for await (const chunk of await c.stream(q)) text += String(chunk.content);
          return text;
        }, { name: "ask" });
        if ((await ask("What is the capital of China?")) !== ANSWER) throw new Error("wrong answer");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "tool calls, streamed",
      standIn: base,
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL).bindTools([
          { type: "function", function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
        ]);
        const ask = llm.wrap(async (q: string) => {
          for await (const _ of await c.stream(q)) void _;
        }, { name: "ask" });
        await ask("Weather in Paris?");
        return { toolArgs: ['{"city":"Paris"}'], tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
  ];
}

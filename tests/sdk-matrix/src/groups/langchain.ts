// @langchain/core 1.x + @langchain/openai inside @llm, traced by @arizeai/openinference-instrumentation-langchain
// (whose LLM span nests under the @llm span and carries the usage).
import { trace } from "@opentelemetry/api";
import type { Tracer, TracerProvider } from "@opentelemetry/api";
import { agent } from "@calltree/agent";
import { llm } from "@calltree/llm";
import { tool } from "@calltree/tool";
import { ANSWER, PNG, replyUnlessTools, TOTAL, USAGE } from "../cell.js";
import type { Scenario } from "../cell.js";

// gpt-4o answers as a dated snapshot, as the API resolves the alias.
const answered = (m: string) => `${m}-2024-08-06`;
const base = { usage: USAGE, reply: replyUnlessTools, answerModel: answered };

interface AIMessage { content: unknown; text: string; tool_calls?: Array<{ id?: string; name: string; args: Record<string, unknown> }> }
interface Chat {
  invoke(input: unknown): Promise<AIMessage>;
  stream(input: unknown, options?: unknown): Promise<AsyncIterable<{ content: unknown; text: string; tool_call_chunks?: unknown[] }>>;
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
  const { ToolMessage } = (await import("@langchain/core/messages")) as unknown as { ToolMessage: new (o: Record<string, unknown>) => unknown };
  const weatherTool = { type: "function", function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };
  const timeTool = { type: "function", function: { name: "time", description: "Local time", parameters: { type: "object", properties: { city: { type: "string" } } } } };
  const chat = (url: string, model = "gpt-4o", fetch = false, responses = false) =>
    new ChatOpenAI({ model, apiKey: "sk-test", maxRetries: 0, configuration: { baseURL: url, ...(fetch ? { fetch: llm.fetch } : {}) }, streamUsage: true, ...(responses ? { useResponsesApi: true } : {}) });
  // The responses API answers with the model it was asked for (the stand-in's responses route names no snapshot).
  const responsesChat = (url: string) => chat(url, "gpt-4o", false, true);
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
      name: "image",
      standIn: base,
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL);
        const url = `data:image/png;base64,${Buffer.from(PNG).toString("base64")}`;
        const ask = llm.wrap(async (q: string) =>
          String((await c.invoke([{ role: "user", content: [{ type: "text", text: q }, { type: "image_url", image_url: { url } }] }])).content), { name: "ask" });
        if ((await ask("What is the capital of China?")) !== ANSWER) throw new Error("wrong answer");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "cached prompt tokens",
      standIn: { ...base, usage: { ...USAGE, cachedTokens: 20 } },
      async run({ standIn }) {
        // Through llm.fetch: the wire's cached count is kept on @llm when the nested span does not carry it.
        const c = chat(standIn.openaiBaseURL, "gpt-4o", true);
        const ask = llm.wrap(async (q: string) => String((await c.invoke(q)).content), { name: "ask" });
        await ask("What is the capital of China?");
        return { text: ANSWER, tokens: TOTAL, cacheRead: 20, model: answered("gpt-4o") };
      },
    },
    {
      name: "reasoning tokens",
      standIn: { ...base, usage: { ...USAGE, reasoningTokens: 5 } },
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL, "o4-mini", true);
        const ask = llm.wrap(async (q: string) => String((await c.invoke(q)).content), { name: "ask" });
        await ask("What is the capital of China?");
        return { text: ANSWER, tokens: TOTAL, reasoning: 5, model: answered("o4-mini") };
      },
    },
    {
      name: "error mid-stream",
      standIn: base,
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL, "gpt-4o#break=3");
        const ask = llm.wrap(async (q: string) => {
          let text = "";
          for await (const chunk of await c.stream(q)) text += String(chunk.content);
          return text;
        }, { name: "ask" });
        let failed = false;
        try {
          await ask("What is the capital of China?");
        } catch {
          failed = true;
        }
        if (!failed) throw new Error("the stream did not fail");
        return { tokens: 0, error: true };
      },
    },
    {
      name: "aborted stream",
      standIn: base,
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL, "gpt-4o#hold=3");
        const ask = llm.wrap(async (q: string) => {
          for await (const _ of await c.stream(q)) break;
        }, { name: "ask" });
        await ask("What is the capital of China?");
        const end = await standIn.streamEnded(0);
        if (!end.clientLeft) throw new Error("the client did not leave");
        return { tokens: 0 };
      },
    },
    {
      name: "parallel tool calls",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL).bindTools([weatherTool, timeTool]);
        const ask = llm.wrap(async (q: string) => (await c.invoke(q)).tool_calls?.length, { name: "ask" });
        if ((await ask("Weather in Paris?")) !== 2) throw new Error("not two tool calls");
        return { toolArgs: ['{"city":"Paris"}', '{"city":"Paris"}'], tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "tool-using agent",
      standIn: base,
      async run({ standIn }) {
        // An @agent loop: the model (an @llm around LangChain's invoke) asks for the @tool, then answers with its result.
        const c = chat(standIn.openaiBaseURL).bindTools([weatherTool]);
        const ask = llm.wrap((messages: unknown[]) => c.invoke(messages), { name: "ask" });
        const weather = tool.wrap(async (args: { city: string }) => `Sunny in ${args.city}`, { name: "weather" });
        const run = agent.wrap(async (q: string) => {
          const messages: unknown[] = [["user", q]];
          for (;;) {
            const message = await ask(messages);
            if (!message.tool_calls?.length) return message.content;
            messages.push(message);
            for (const call of message.tool_calls) {
              messages.push(new ToolMessage({ tool_call_id: call.id, content: await weather(call.args as { city: string }) }));
            }
          }
        }, { name: "assistant" });
        const answer = await run("Weather in Paris?");
        if (answer !== "Tool weather returned: Sunny in Paris") throw new Error(`wrong answer ${JSON.stringify(answer)}`);
        return { text: answer, toolArgs: ['{"city":"Paris"}'], tokens: 2 * TOTAL, costed: 2, model: answered("gpt-4o") };
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
    {
      name: "parallel tool calls, streamed",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const c = chat(standIn.openaiBaseURL).bindTools([weatherTool, timeTool]);
        const ask = llm.wrap(async (q: string) => {
          for await (const _ of await c.stream(q)) void _;
        }, { name: "ask" });
        await ask("Weather in Paris?");
        return { toolArgs: ['{"city":"Paris"}', '{"city":"Paris"}'], tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "responses API",
      standIn: base,
      async run({ standIn }) {
        const c = responsesChat(standIn.openaiBaseURL);
        const ask = llm.wrap(async (q: string) => (await c.invoke(q)).text, { name: "ask" });
        const text = await ask("What is the capital of China?");
        if (text !== ANSWER) throw new Error(`wrong answer ${JSON.stringify(text)}`);
        if (!standIn.requests.some((r) => r.path === "/v1/responses")) throw new Error("not the responses API");
        return { text: ANSWER, tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "responses API, streamed",
      standIn: base,
      async run({ standIn }) {
        const c = responsesChat(standIn.openaiBaseURL);
        const ask = llm.wrap(async (q: string) => {
          let text = "";
          for await (const chunk of await c.stream(q)) text += chunk.text;
          return text;
        }, { name: "ask" });
        const text = await ask("What is the capital of China?");
        if (text !== ANSWER) throw new Error(`the app read ${JSON.stringify(text)}`);
        if (!standIn.requests.some((r) => r.path === "/v1/responses" && (r.body as { stream?: unknown }).stream === true)) throw new Error("not a streamed responses API call");
        return { text: ANSWER, tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "responses API, tools",
      standIn: base,
      async run({ standIn }) {
        // The method returns the AIMessage, so @llm records its tool calls: OpenInference's LangChain span records
        // none for a responses API message (it reads them from additional_kwargs, where only chat completions put them).
        const c = responsesChat(standIn.openaiBaseURL).bindTools([weatherTool]);
        const ask = llm.wrap((q: string) => c.invoke(q), { name: "ask" });
        if ((await ask("Weather in Paris?")).tool_calls?.length !== 1) throw new Error("not one tool call");
        if (!standIn.requests.some((r) => r.path === "/v1/responses")) throw new Error("not the responses API");
        return { toolArgs: ['{"city":"Paris"}'], tokens: TOTAL, model: "gpt-4o" };
      },
    },
  ];
}

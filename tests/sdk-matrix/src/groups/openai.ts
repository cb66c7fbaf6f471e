// The openai SDK (5, 6, 7): chat completions and the responses API through @llm, and a tool-using @agent loop.
import { agent } from "@calltree/agent";
import { llm } from "@calltree/llm";
import { tool } from "@calltree/tool";
import { ANSWER, PNG, replyUnlessTools, TOTAL, USAGE } from "../cell.js";
import type { Scenario } from "../cell.js";

// The three majors share the chat-completions surface used here; typed loosely so one file serves all.
type Create = (body: Record<string, unknown>, options?: Record<string, unknown>) => Promise<unknown> & { withResponse(): Promise<{ data: unknown }>; asResponse(): Promise<Response> };
type Client = { chat: { completions: { create: Create } }; responses: { create: Create } };
type OpenAICtor = new (options: Record<string, unknown>) => Client;

// gpt-4o is answered as a dated snapshot, as the API resolves the alias; o4-mini as itself.
const answered = (m: string) => (m.startsWith("gpt-4o") ? `${m}-2024-08-06` : m);
const base = { usage: USAGE, reply: replyUnlessTools, answerModel: answered };
const tools = [{ type: "function", function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
const twoTools = [...tools, { type: "function", function: { name: "time", description: "Local time", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
const responsesTools = [{ type: "function", name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false }];
const PARALLEL_ARGS = ['{"city":"Paris"}', '{"city":"Paris"}'];
const question = [{ role: "user", content: "What is the capital of China?" }];

interface Chunk { choices: Array<{ delta: { content?: string | null } }> }
interface ResponsesEvent { type: string; delta?: string }
interface Completion { choices: Array<{ message: { content: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> } }> }

export function openaiScenarios(OpenAI: OpenAICtor): Scenario[] {
  const client = (url: string, fetch?: typeof globalThis.fetch) => new OpenAI({ apiKey: "sk-test", baseURL: url, maxRetries: 0, ...(fetch ? { fetch } : {}) });
  return [
    {
      name: "plain",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown) => c.chat.completions.create({ model: "gpt-4o", messages }), { name: "ask" });
        await ask(question);
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "streamed",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown) =>
          c.chat.completions.create({ model: "gpt-4o", messages, stream: true, stream_options: { include_usage: true } }), { name: "ask" });
        let text = "";
        for await (const chunk of (await ask(question)) as AsyncIterable<Chunk>) text += chunk.choices[0]?.delta.content ?? "";
        if (text !== ANSWER) throw new Error(`the app read ${JSON.stringify(text)}`);
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "tool calls, streamed",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((q: string) =>
          c.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }], tools, stream: true, stream_options: { include_usage: true } }), { name: "ask" });
        for await (const _ of (await ask("Weather in Paris?")) as AsyncIterable<unknown>) void _;
        return { toolArgs: ['{"city":"Paris"}'], tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "parallel tool calls",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((q: string) => c.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }], tools: twoTools }), { name: "ask" });
        await ask("Weather in Paris?");
        return { toolArgs: PARALLEL_ARGS, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "parallel tool calls, streamed",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((q: string) =>
          c.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }], tools: twoTools, stream: true, stream_options: { include_usage: true } }), { name: "ask" });
        for await (const _ of (await ask("Weather in Paris?")) as AsyncIterable<unknown>) void _;
        return { toolArgs: PARALLEL_ARGS, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "responses API",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((input: string) => c.responses.create({ model: "gpt-4o", input }), { name: "ask" });
        await ask("What is the capital of China?");
        return { text: ANSWER, tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "responses API, streamed",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((input: string) => c.responses.create({ model: "gpt-4o", input, stream: true }), { name: "ask" });
        let text = "";
        for await (const e of (await ask("What is the capital of China?")) as AsyncIterable<ResponsesEvent>) if (e.type === "response.output_text.delta") text += e.delta ?? "";
        if (text !== ANSWER) throw new Error(`the app read ${JSON.stringify(text)}`);
        return { text: ANSWER, tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "responses API, tools",
      standIn: base,
      async run({ standIn }) {
        // Through llm.fetch: a method that hides the request, streamed, the app reading the events itself.
        const c = client(standIn.openaiBaseURL, llm.fetch);
        const ask = llm.wrap(async (input: string) => {
          for await (const _ of (await c.responses.create({ model: "gpt-4o", input, tools: responsesTools, stream: true })) as AsyncIterable<unknown>) void _;
        }, { name: "ask" });
        await ask("Weather in Paris?");
        return { toolArgs: ['{"city":"Paris"}'], tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "tool-using agent",
      standIn: base,
      async run({ standIn }) {
        // calltree's own loop: an @agent calls the model, runs the @tool it asked for, and calls the model again.
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown[]) => c.chat.completions.create({ model: "gpt-4o", messages, tools }) as Promise<Completion>, { name: "ask" });
        const weather = tool.wrap(async (args: { city: string }) => `Sunny in ${args.city}`, { name: "weather" });
        const run = agent.wrap(async (q: string) => {
          const messages: unknown[] = [{ role: "user", content: q }];
          for (;;) {
            const message = (await ask(messages)).choices[0]!.message;
            if (!message.tool_calls?.length) return message.content;
            messages.push(message);
            for (const call of message.tool_calls) {
              messages.push({ role: "tool", tool_call_id: call.id, content: await weather(JSON.parse(call.function.arguments) as { city: string }) });
            }
          }
        }, { name: "assistant" });
        const answer = await run("Weather in Paris?");
        if (answer !== "Tool weather returned: Sunny in Paris") throw new Error(`wrong answer ${JSON.stringify(answer)}`);
        return { text: answer, toolArgs: ['{"city":"Paris"}'], tokens: 2 * TOTAL, costed: 2, model: answered("gpt-4o") };
      },
    },
    {
      name: "image",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown) => c.chat.completions.create({ model: "gpt-4o", messages }), { name: "ask" });
        const url = `data:image/png;base64,${Buffer.from(PNG).toString("base64")}`;
        await ask([{ role: "user", content: [{ type: "text", text: "What is the capital of China?" }, { type: "image_url", image_url: { url } }] }]);
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "cached prompt tokens",
      standIn: { ...base, usage: { ...USAGE, cachedTokens: 20 } },
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown) =>
          c.chat.completions.create({ model: "gpt-4o", messages, stream: true, stream_options: { include_usage: true } }), { name: "ask" });
        for await (const _ of (await ask(question)) as AsyncIterable<unknown>) void _;
        return { text: ANSWER, tokens: TOTAL, cacheRead: 20, model: answered("gpt-4o") };
      },
    },
    {
      name: "reasoning tokens",
      standIn: { ...base, usage: { ...USAGE, reasoningTokens: 5 } },
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown) => c.chat.completions.create({ model: "o4-mini", messages }), { name: "ask" });
        await ask(question);
        return { text: ANSWER, tokens: TOTAL, reasoning: 5, model: answered("o4-mini") };
      },
    },
    {
      name: "error mid-stream",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown) =>
          c.chat.completions.create({ model: "gpt-4o#break=3", messages, stream: true, stream_options: { include_usage: true } }), { name: "ask" });
        let failed = false;
        try {
          for await (const _ of (await ask(question)) as AsyncIterable<unknown>) void _;
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
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown) =>
          c.chat.completions.create({ model: "gpt-4o#hold=3", messages, stream: true, stream_options: { include_usage: true } }), { name: "ask" });
        for await (const _ of (await ask(question)) as AsyncIterable<unknown>) break;
        const end = await standIn.streamEnded(0);
        if (!end.clientLeft) throw new Error("the client did not leave");
        return { tokens: 0 };
      },
    },
    {
      name: ".withResponse()",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.openaiBaseURL);
        const ask = llm.wrap((messages: unknown) => c.chat.completions.create({ model: "gpt-4o", messages }), { name: "ask" });
        const { data } = await ask(question).withResponse();
        if ((data as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content !== ANSWER) throw new Error("wrong data");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: ".asResponse()",
      standIn: base,
      async run({ standIn }) {
        // The caller reads the raw body itself: what calltree records comes from llm.fetch's copy of the exchange.
        const c = client(standIn.openaiBaseURL, llm.fetch);
        const ask = llm.wrap((messages: unknown) => c.chat.completions.create({ model: "gpt-4o", messages }), { name: "ask" });
        const response = await ask(question).asResponse();
        const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
        if (body.choices[0]?.message.content !== ANSWER) throw new Error("wrong body");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
  ];
}

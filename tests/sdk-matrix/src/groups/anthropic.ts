// @anthropic-ai/sdk 1.x through @llm, with its own OpenTelemetry on (the default) or off.
import { agent } from "@calltree/agent";
import { llm } from "@calltree/llm";
import { tool } from "@calltree/tool";
import { ANSWER, PNG, replyUnlessTools, TOTAL, USAGE } from "../cell.js";
import type { Scenario } from "../cell.js";

type Client = {
  messages: { create(body: Record<string, unknown>): Promise<unknown> & { withResponse(): Promise<{ data: unknown }>; asResponse(): Promise<Response> } };
};
type AnthropicCtor = new (options: Record<string, unknown>) => Client;

const MODEL = "claude-sonnet-4-5";
const base = { usage: USAGE, reply: replyUnlessTools };
const tools = [{ name: "weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }];
const twoTools = [...tools, { name: "time", description: "Local time", input_schema: { type: "object", properties: { city: { type: "string" } } } }];
const PARALLEL_ARGS = ['{"city":"Paris"}', '{"city":"Paris"}'];
const question = [{ role: "user", content: "What is the capital of China?" }];

interface Event { type: string; delta?: { type: string; text?: string } }

export function anthropicScenarios(Anthropic: AnthropicCtor, telemetry: boolean): Scenario[] {
  const client = (url: string, fetch?: typeof globalThis.fetch) =>
    new Anthropic({ apiKey: "sk-ant-test", baseURL: url, maxRetries: 0, ...(fetch ? { fetch } : {}), ...(telemetry ? {} : { openTelemetry: false }) });
  const create = (c: Client, body: Record<string, unknown>) => c.messages.create({ model: MODEL, max_tokens: 100, ...body });
  return [
    {
      name: "plain",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((messages: unknown) => create(c, { messages }), { name: "ask" });
        await ask(question);
        return { text: ANSWER, tokens: TOTAL, model: MODEL };
      },
    },
    {
      name: "streamed",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((messages: unknown) => create(c, { messages, stream: true }), { name: "ask" });
        let text = "";
        for await (const e of (await ask(question)) as AsyncIterable<Event>) {
          if (e.type === "content_block_delta" && e.delta?.type === "text_delta") text += e.delta.text ?? "";
        }
        if (text !== ANSWER) throw new Error(`the app read ${JSON.stringify(text)}`);
        return { text: ANSWER, tokens: TOTAL, model: MODEL };
      },
    },
    {
      name: "tool calls, streamed",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((q: string) => create(c, { messages: [{ role: "user", content: q }], tools, stream: true }), { name: "ask" });
        for await (const _ of (await ask("Weather in Paris?")) as AsyncIterable<unknown>) void _;
        return { toolArgs: ['{"city":"Paris"}'], tokens: TOTAL, model: MODEL };
      },
    },
    {
      name: "parallel tool calls",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((q: string) => create(c, { messages: [{ role: "user", content: q }], tools: twoTools }), { name: "ask" });
        await ask("Weather in Paris?");
        return { toolArgs: PARALLEL_ARGS, tokens: TOTAL, model: MODEL };
      },
    },
    {
      name: "parallel tool calls, streamed",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((q: string) => create(c, { messages: [{ role: "user", content: q }], tools: twoTools, stream: true }), { name: "ask" });
        for await (const _ of (await ask("Weather in Paris?")) as AsyncIterable<unknown>) void _;
        return { toolArgs: PARALLEL_ARGS, tokens: TOTAL, model: MODEL };
      },
    },
    {
      name: "tool-using agent",
      standIn: base,
      async run({ standIn }) {
        // An @agent loop: the model asks for the @tool (a tool_use block), gets its tool_result, and answers.
        const c = client(standIn.anthropicBaseURL);
        interface Block { type: string; id?: string; text?: string; input?: { city: string } }
        const ask = llm.wrap((messages: unknown[]) => create(c, { messages, tools }) as Promise<{ content: Block[]; stop_reason: string }>, { name: "ask" });
        const weather = tool.wrap(async (args: { city: string }) => `Sunny in ${args.city}`, { name: "weather" });
        const run = agent.wrap(async (q: string) => {
          const messages: unknown[] = [{ role: "user", content: q }];
          for (;;) {
            const message = await ask(messages);
            if (message.stop_reason !== "tool_use") return message.content.find((b) => b.type === "text")?.text;
            messages.push({ role: "assistant", content: message.content });
            const results = [];
            for (const b of message.content) if (b.type === "tool_use") results.push({ type: "tool_result", tool_use_id: b.id, content: await weather(b.input!) });
            messages.push({ role: "user", content: results });
          }
        }, { name: "assistant" });
        const answer = await run("Weather in Paris?");
        if (answer !== "Tool weather returned: Sunny in Paris") throw new Error(`wrong answer ${JSON.stringify(answer)}`);
        return { text: answer, toolArgs: ['{"city":"Paris"}'], tokens: 2 * TOTAL, costed: 2, model: MODEL };
      },
    },
    {
      name: "image",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((messages: unknown) => create(c, { messages }), { name: "ask" });
        await ask([{ role: "user", content: [
          { type: "text", text: "What is the capital of China?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: Buffer.from(PNG).toString("base64") } },
        ] }]);
        return { text: ANSWER, tokens: TOTAL, model: MODEL };
      },
    },
    {
      name: "cached prompt tokens",
      standIn: { ...base, usage: { ...USAGE, cachedTokens: 20 } },
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((messages: unknown) => create(c, { messages }), { name: "ask" });
        await ask(question);
        return { text: ANSWER, tokens: TOTAL, cacheRead: 20, model: MODEL };
      },
    },
    {
      name: "error mid-stream",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((messages: unknown) => c.messages.create({ model: `${MODEL}#break=3`, max_tokens: 100, messages, stream: true }), { name: "ask" });
        let failed = false;
        try {
          for await (const _ of (await ask(question)) as AsyncIterable<unknown>) void _;
        } catch {
          failed = true;
        }
        if (!failed) throw new Error("the stream did not fail");
        // message_start carries the input tokens; the rest never came.
        return { tokens: undefined, error: true };
      },
    },
    {
      name: "aborted stream",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((messages: unknown) => c.messages.create({ model: `${MODEL}#hold=3`, max_tokens: 100, messages, stream: true }), { name: "ask" });
        for await (const _ of (await ask(question)) as AsyncIterable<unknown>) break;
        const end = await standIn.streamEnded(0);
        if (!end.clientLeft) throw new Error("the client did not leave");
        return { tokens: undefined };
      },
    },
    {
      name: ".withResponse()",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL);
        const ask = llm.wrap((messages: unknown) => create(c, { messages }), { name: "ask" });
        const { data } = await ask(question).withResponse();
        if ((data as { content: Array<{ text?: string }> }).content[0]?.text !== ANSWER) throw new Error("wrong data");
        return { text: ANSWER, tokens: TOTAL, model: MODEL };
      },
    },
    {
      name: ".asResponse()",
      standIn: base,
      async run({ standIn }) {
        const c = client(standIn.anthropicBaseURL, llm.fetch);
        const ask = llm.wrap((messages: unknown) => create(c, { messages }), { name: "ask" });
        const response = await ask(question).asResponse();
        const body = (await response.json()) as { content: Array<{ text?: string }> };
        if (body.content[0]?.text !== ANSWER) throw new Error("wrong body");
        return { text: ANSWER, tokens: TOTAL, model: MODEL };
      },
    },
  ];
}

// @openai/agents: an Agents SDK run inside calltree's @agent, with the SDK's own tracing on (its processors
// replaced by none: its default exporter would send to api.openai.com) or off. Its model calls are @llm calls
// through calltree's agentsModel()/agentsModelProvider(); the model reaches the stand-in through an openai@7 client
// whose fetch is llm.fetch (chat completions or the responses API), or without llm.fetch.
import { agent } from "@calltree/agent";
import { agentsModel, agentsModelProvider, llm } from "@calltree/llm";
import { ANSWER, PNG, replyUnlessTools, TOTAL, USAGE } from "../cell.js";
import type { Scenario } from "../cell.js";

const answered = (m: string) => `${m}-2024-08-06`;
const base = { usage: USAGE, reply: replyUnlessTools, answerModel: answered };

interface AgentsSdk {
  Agent: new (options: Record<string, unknown>) => unknown;
  Runner: new (options: Record<string, unknown>) => { run(agent: unknown, input: unknown, options?: Record<string, unknown>): Promise<unknown> };
  run(agent: unknown, input: unknown, options?: Record<string, unknown>): Promise<unknown>;
  tool(options: Record<string, unknown>): unknown;
  OpenAIChatCompletionsModel: new (client: unknown, model: string) => never;
  OpenAIResponsesModel: new (client: unknown, model: string) => never;
  OpenAIProvider: new (options: Record<string, unknown>) => never;
  setTracingDisabled(disabled: boolean): void;
  setTraceProcessors(processors: unknown[]): void;
}
interface Streamed { completed: Promise<void>; finalOutput?: unknown; toTextStream(): AsyncIterable<string> }

export async function agentsScenarios(ownTracing: boolean): Promise<Scenario[]> {
  const sdk = (await import("@openai/agents")) as unknown as AgentsSdk;
  const { default: OpenAI } = (await import("openai-7")) as { default: new (o: Record<string, unknown>) => unknown };
  sdk.setTraceProcessors([]);
  sdk.setTracingDisabled(!ownTracing);
  const client = (url: string, fetch: boolean) => new OpenAI({ apiKey: "sk-test", baseURL: url, maxRetries: 0, ...(fetch ? { fetch: llm.fetch } : {}) });
  const chatModel = (url: string, fetch = true) => agentsModel(new sdk.OpenAIChatCompletionsModel(client(url, fetch), "gpt-4o"), { model: "gpt-4o" });
  const weather = () => sdk.tool({
    name: "weather",
    description: "Weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
    strict: true,
    execute: async (input: unknown) => `Sunny in ${(input as { city: string }).city}`,
  });
  const time = () => sdk.tool({
    name: "time",
    description: "Local time",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
    strict: true,
    execute: async (input: unknown) => `Noon in ${(input as { city: string }).city}`,
  });
  // The SDK's default model: the responses API through its OpenAIProvider, every model it gives an @llm call.
  const responsesRunner = (url: string) =>
    new sdk.Runner({ modelProvider: agentsModelProvider(new sdk.OpenAIProvider({ openAIClient: client(url, true), useResponses: true })) });
  // A streamed run as an app reads it: the text pieces, then the run's completion.
  const streamed = (run: (q: string) => Promise<unknown>) => agent.wrap(async (q: string) => {
    const result = (await run(q)) as Streamed;
    let text = "";
    for await (const piece of result.toTextStream()) text += piece;
    await result.completed;
    return text;
  }, { name: "run" });
  const runIn = (assistant: unknown, options?: Record<string, unknown>) =>
    agent.wrap(async (q: string) => (await sdk.run(assistant, q, options)) as { finalOutput?: unknown }, { name: "run" });
  return [
    {
      name: "plain",
      standIn: base,
      async run({ standIn }) {
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model: chatModel(standIn.openaiBaseURL) });
        if ((await runIn(assistant)("What is the capital of China?")).finalOutput !== ANSWER) throw new Error("wrong answer");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "without llm.fetch",
      standIn: base,
      async run({ standIn }) {
        // The span reads the SDK's ModelRequest/ModelResponse: the usage the SDK reports, the answering model its
        // chat-completions model keeps in providerData.
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model: chatModel(standIn.openaiBaseURL, false) });
        if ((await runIn(assistant)("What is the capital of China?")).finalOutput !== ANSWER) throw new Error("wrong answer");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "streamed",
      standIn: base,
      async run({ standIn }) {
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model: chatModel(standIn.openaiBaseURL) });
        const ask = agent.wrap(async (q: string) => {
          const result = (await sdk.run(assistant, q, { stream: true })) as unknown as Streamed;
          let text = "";
          for await (const piece of result.toTextStream()) text += piece;
          await result.completed;
          return text;
        }, { name: "run" });
        const text = await ask("What is the capital of China?");
        if (text !== ANSWER) throw new Error(`the app read ${JSON.stringify(text)}`);
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "tool-using agent",
      standIn: base,
      async run({ standIn }) {
        // Two model calls: the tool call, then the answer that quotes the tool's result.
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Use tools.", model: chatModel(standIn.openaiBaseURL), tools: [weather()] });
        const out = (await runIn(assistant)("Weather in Paris?")).finalOutput;
        if (out !== "Tool weather returned: Sunny in Paris") throw new Error(`wrong answer ${JSON.stringify(out)}`);
        return { text: "Tool weather returned: Sunny in Paris", toolArgs: ['{"city":"Paris"}'], tokens: 2 * TOTAL, costed: 2, model: answered("gpt-4o") };
      },
    },
    {
      name: "tool calls, streamed",
      standIn: base,
      async run({ standIn }) {
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Use tools.", model: chatModel(standIn.openaiBaseURL), tools: [weather()] });
        const ask = agent.wrap(async (q: string) => {
          const result = (await sdk.run(assistant, q, { stream: true })) as unknown as Streamed;
          let text = "";
          for await (const piece of result.toTextStream()) text += piece;
          await result.completed;
          return text;
        }, { name: "run" });
        const text = await ask("Weather in Paris?");
        if (text !== "Tool weather returned: Sunny in Paris") throw new Error(`the app read ${JSON.stringify(text)}`);
        return { text, toolArgs: ['{"city":"Paris"}'], tokens: 2 * TOTAL, costed: 2, model: answered("gpt-4o") };
      },
    },
    {
      name: "parallel tool calls",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        // One model answer calls both tools; the SDK runs them and the model answers with their results.
        const model = agentsModel(new sdk.OpenAIChatCompletionsModel(client(standIn.openaiBaseURL, true), "gpt-4o"), { model: "gpt-4o" });
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Use tools.", model, tools: [weather(), time()], modelSettings: { parallelToolCalls: true } });
        const out = (await runIn(assistant)("Weather in Paris?")).finalOutput;
        if (typeof out !== "string" || !out.startsWith("Tool ")) throw new Error(`wrong answer ${JSON.stringify(out)}`);
        return { text: out, toolArgs: ['{"city":"Paris"}', '{"city":"Paris"}'], tokens: 2 * TOTAL, costed: 2, model: answered("gpt-4o") };
      },
    },
    {
      name: "cached prompt tokens",
      standIn: { ...base, usage: { ...USAGE, cachedTokens: 20 } },
      async run({ standIn }) {
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model: chatModel(standIn.openaiBaseURL) });
        await runIn(assistant)("What is the capital of China?");
        return { text: ANSWER, tokens: TOTAL, cacheRead: 20, model: answered("gpt-4o") };
      },
    },
    {
      name: "reasoning tokens",
      standIn: { ...base, usage: { ...USAGE, reasoningTokens: 5 } },
      async run({ standIn }) {
        // Without llm.fetch: the reasoning count comes from the SDK's Usage (outputTokensDetails).
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model: chatModel(standIn.openaiBaseURL, false) });
        await runIn(assistant)("What is the capital of China?");
        return { text: ANSWER, tokens: TOTAL, reasoning: 5, model: answered("gpt-4o") };
      },
    },
    {
      name: "responses API",
      standIn: base,
      async run({ standIn }) {
        // The SDK's default: the responses API through its OpenAIProvider, every model it gives an @llm call.
        const provider = agentsModelProvider(new sdk.OpenAIProvider({ openAIClient: client(standIn.openaiBaseURL, true), useResponses: true }));
        const runner = new sdk.Runner({ modelProvider: provider });
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model: "gpt-4o" });
        const ask = agent.wrap(async (q: string) => ((await runner.run(assistant, q)) as { finalOutput?: unknown }).finalOutput, { name: "run" });
        if ((await ask("What is the capital of China?")) !== ANSWER) throw new Error("wrong answer");
        return { text: ANSWER, tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "parallel tool calls, streamed",
      standIn: { ...base, parallelToolCalls: true },
      async run({ standIn }) {
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Use tools.", model: chatModel(standIn.openaiBaseURL), tools: [weather(), time()], modelSettings: { parallelToolCalls: true } });
        const text = await streamed((q) => sdk.run(assistant, q, { stream: true }))("Weather in Paris?");
        if (!text.startsWith("Tool ")) throw new Error(`the app read ${JSON.stringify(text)}`);
        return { text, toolArgs: ['{"city":"Paris"}', '{"city":"Paris"}'], tokens: 2 * TOTAL, costed: 2, model: answered("gpt-4o") };
      },
    },
    {
      name: "responses API, streamed",
      standIn: base,
      async run({ standIn }) {
        const runner = responsesRunner(standIn.openaiBaseURL);
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model: "gpt-4o" });
        const text = await streamed((q) => runner.run(assistant, q, { stream: true }))("What is the capital of China?");
        if (text !== ANSWER) throw new Error(`the app read ${JSON.stringify(text)}`);
        if (!standIn.requests.some((r) => r.path === "/v1/responses" && (r.body as { stream?: unknown }).stream === true)) throw new Error("not a streamed responses API call");
        return { text: ANSWER, tokens: TOTAL, model: "gpt-4o" };
      },
    },
    {
      name: "responses API, tools",
      standIn: base,
      async run({ standIn }) {
        // Two responses API calls: the function call, then the answer that quotes the tool's result.
        const runner = responsesRunner(standIn.openaiBaseURL);
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Use tools.", model: "gpt-4o", tools: [weather()] });
        const out = ((await agent.wrap(async (q: string) => runner.run(assistant, q), { name: "run" })("Weather in Paris?")) as { finalOutput?: unknown }).finalOutput;
        if (out !== "Tool weather returned: Sunny in Paris") throw new Error(`wrong answer ${JSON.stringify(out)}`);
        return { text: "Tool weather returned: Sunny in Paris", toolArgs: ['{"city":"Paris"}'], tokens: 2 * TOTAL, costed: 2, model: "gpt-4o" };
      },
    },
    {
      name: "image",
      standIn: base,
      async run({ standIn }) {
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model: chatModel(standIn.openaiBaseURL) });
        const image = `data:image/png;base64,${Buffer.from(PNG).toString("base64")}`;
        const input = [{ role: "user", content: [{ type: "input_text", text: "What is the capital of China?" }, { type: "input_image", image }] }];
        const ask = agent.wrap(async (items: unknown) => ((await sdk.run(assistant, items)) as { finalOutput?: unknown }).finalOutput, { name: "run" });
        if ((await ask(input)) !== ANSWER) throw new Error("wrong answer");
        const sent = JSON.stringify(standIn.requests[0]?.body);
        if (!sent.includes("image_url")) throw new Error("the image was not sent");
        return { text: ANSWER, tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
    {
      name: "error mid-stream",
      standIn: base,
      async run({ standIn }) {
        const model = agentsModel(new sdk.OpenAIChatCompletionsModel(client(standIn.openaiBaseURL, true), "gpt-4o#break=3"), { model: "gpt-4o" });
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model });
        let failed = false;
        try {
          await streamed((q) => sdk.run(assistant, q, { stream: true }))("What is the capital of China?");
        } catch {
          failed = true;
        }
        if (!failed) throw new Error("the run did not fail");
        return { tokens: 0, error: true };
      },
    },
    {
      name: "aborted stream",
      standIn: base,
      async run({ standIn }) {
        // The app aborts the run's signal after the first text piece; the SDK stops reading the model's stream.
        const model = agentsModel(new sdk.OpenAIChatCompletionsModel(client(standIn.openaiBaseURL, true), "gpt-4o#hold=3"), { model: "gpt-4o" });
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model });
        const controller = new AbortController();
        const ask = agent.wrap(async (q: string) => {
          const result = (await sdk.run(assistant, q, { stream: true, signal: controller.signal })) as Streamed;
          for await (const _ of result.toTextStream()) {
            controller.abort();
            break;
          }
          await result.completed.catch(() => undefined);
        }, { name: "run" });
        await ask("What is the capital of China?");
        const end = await standIn.streamEnded(0);
        if (!end.clientLeft) throw new Error("the client did not leave");
        return { tokens: 0 };
      },
    },
  ];
}

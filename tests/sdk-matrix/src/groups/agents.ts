// @openai/agents: an Agents SDK run inside calltree's @agent, with the SDK's own tracing on (its processors
// replaced by none: its default exporter would send to api.openai.com) or off. The model is reached through an
// openai@7 client whose fetch is llm.fetch, as the agent's chat-completions model.
import { agent } from "@calltree/agent";
import { llm } from "@calltree/llm";
import { ANSWER, replyUnlessTools, TOTAL, USAGE } from "../cell.js";
import type { Scenario } from "../cell.js";

const answered = (m: string) => `${m}-2024-08-06`;
const base = { usage: USAGE, reply: replyUnlessTools, answerModel: answered };

interface AgentsSdk {
  Agent: new (options: Record<string, unknown>) => unknown;
  run(agent: unknown, input: string): Promise<{ finalOutput?: unknown }>;
  OpenAIChatCompletionsModel: new (client: unknown, model: string) => unknown;
  setTracingDisabled(disabled: boolean): void;
  setTraceProcessors(processors: unknown[]): void;
}

export async function agentsScenarios(ownTracing: boolean): Promise<Scenario[]> {
  const sdk = (await import("@openai/agents")) as unknown as AgentsSdk;
  const { default: OpenAI } = (await import("openai-7")) as { default: new (o: Record<string, unknown>) => unknown };
  sdk.setTraceProcessors([]);
  sdk.setTracingDisabled(!ownTracing);
  return [
    {
      name: "plain",
      standIn: base,
      async run({ standIn }) {
        const client = new OpenAI({ apiKey: "sk-test", baseURL: standIn.openaiBaseURL, maxRetries: 0, fetch: llm.fetch });
        const model = new sdk.OpenAIChatCompletionsModel(client, "gpt-4o");
        const assistant = new sdk.Agent({ name: "assistant", instructions: "Be brief.", model });
        const runIt = agent.wrap(async (q: string) => (await sdk.run(assistant, q)).finalOutput, { name: "run" });
        if ((await runIt("What is the capital of China?")) !== ANSWER) throw new Error("wrong answer");
        return { tokens: TOTAL, model: answered("gpt-4o") };
      },
    },
  ];
}

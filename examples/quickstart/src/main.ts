// The question that started calltree: two LLM calls, a helper agent and a tool, all in ONE trace.
// The model is answered by a local stand-in, so this runs offline. To use a real provider, drop the stand-in
// and give OpenAI your key (OPENAI_API_KEY); to send traces to Phoenix, set PHOENIX_COLLECTOR_ENDPOINT.
import OpenAI from "openai";
import { z } from "zod";
import { agent } from "@calltree/agent";
import { withSession } from "@calltree/core";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";
import { tool } from "@calltree/tool";
import { startStandIn } from "@calltree-internal/llm-stand-in";

const standIn = await startStandIn();
// No endpoint configured: traces are printed here as a tree. Set PHOENIX_COLLECTOR_ENDPOINT to export instead.
const tracing = register({ projectName: "hinbox" });

const client = new OpenAI({ apiKey: "sk-local", baseURL: standIn.openaiBaseURL, fetch: llm.fetch });

class Geographer {
  @llm({ provider: "openai" })
  async ask(question: string): Promise<string> {
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      temperature: 0,
      messages: [{ role: "user", content: `${question} Just give me the name.` }],
    });
    return completion.choices[0]?.message.content ?? "";
  }

  @tool({ description: "Population of cities, in millions", parameters: z.object({ cities: z.array(z.string()) }) })
  async population(args: { cities: string[] }): Promise<number[]> {
    const known: Record<string, number> = { Beijing: 21.9, Tokyo: 14.1 };
    return args.cities.map((city) => known[city] ?? 0);
  }

  @agent({ name: "summarizer" })
  async summarize(capitals: string[]): Promise<string> {
    const sizes = await this.population({ cities: capitals });
    return capitals.map((c, i) => `${c} (${sizes[i]}M)`).join(", ");
  }

  @agent
  async run(): Promise<string> {
    const china = await this.ask("What's the capital of China?");
    const japan = await this.ask("What's the capital of Japan?");
    return this.summarize([china, japan]);
  }
}

const answer = await withSession("quickstart", () => new Geographer().run());
console.log(`answer: ${answer}`);
await tracing.shutdown();
await standIn.close();

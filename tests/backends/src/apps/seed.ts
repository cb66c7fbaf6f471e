// The seed's scenario in TypeScript: a @chain app asks two questions through the real `openai` SDK (@llm), then a
// helper @agent calls a @tool. One trace of five spans.
import type OpenAI from "openai";
import { z } from "zod";
import { agent } from "@calltree/agent";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import { tool } from "@calltree/tool";

export class Hinbox {
  constructor(
    private readonly openai: OpenAI,
    private readonly model = "gpt-4o-mini",
  ) {}

  @llm({ provider: "openai" })
  async queryLlm(prompt: string): Promise<string> {
    const completion = await this.openai.chat.completions.create({
      model: this.model,
      messages: [{ role: "user", content: prompt }],
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

  @chain
  async myLlmApplication(): Promise<string> {
    const query1 = await this.queryLlm("What's the capital of China? Just give me the name.");
    const query2 = await this.queryLlm("What's the capital of Japan? Just give me the name.");
    return this.summarize([query1, query2]);
  }
}

/** The spans the seed scenario makes: [kind, name, parent name]. */
export const SEED_SPANS: ReadonlyArray<readonly [string, string, string | null]> = [
  ["CHAIN", "Hinbox.myLlmApplication", null],
  ["LLM", "Hinbox.queryLlm", "Hinbox.myLlmApplication"],
  ["LLM", "Hinbox.queryLlm", "Hinbox.myLlmApplication"],
  ["AGENT", "summarizer", "Hinbox.myLlmApplication"],
  ["TOOL", "Hinbox.population", "summarizer"],
];

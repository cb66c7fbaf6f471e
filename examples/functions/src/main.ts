// The quickstart's agent without classes, for code that cannot use decorators (plain functions, handlers, older
// build setups): every kind also has `.wrap(fn, options)`, which returns a function of exactly the same type whose
// calls are traced like a decorated method's. Spans are named after the function, so give each one a name.
// The model is answered by a local stand-in unless OPENAI_API_KEY is set; traces print here as a tree unless
// PHOENIX_COLLECTOR_ENDPOINT is set.
import OpenAI from "openai";
import { z } from "zod";
import { agent, llm, register, tool, withSession } from "calltree";
import { startStandIn } from "@calltree-internal/llm-stand-in";

const tracing = register({ projectName: "functions" });
const standIn = process.env.OPENAI_API_KEY ? undefined : await startStandIn();
const client = new OpenAI({ ...(standIn ? { baseURL: standIn.openaiBaseURL, apiKey: "stand-in" } : {}), fetch: llm.fetch });

const ask = llm.wrap(
  async function ask(question: string): Promise<string> {
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      temperature: 0,
      messages: [{ role: "user", content: `${question} Just give me the name.` }],
    });
    return completion.choices[0]?.message.content ?? "";
  },
  { provider: "openai" },
);

const population = tool.wrap(
  async function population(args: { city: string }): Promise<number> {
    return { Beijing: 21.9, Tokyo: 14.1 }[args.city] ?? 0;
  },
  { description: "Population of a city, in millions", parameters: z.object({ city: z.string() }) },
);

const summarize = agent.wrap(
  async function summarize(capitals: string[]): Promise<string> {
    const sizes = await Promise.all(capitals.map((city) => population({ city })));
    return capitals.map((c, i) => `${c} (${sizes[i]}M)`).join(", ");
  },
  { name: "summarizer" },
);

const geographer = agent.wrap(async function geographer(): Promise<string> {
  const china = await ask("What's the capital of China?");
  const japan = await ask("What's the capital of Japan?");
  return summarize([china, japan]);
});

try {
  const answer = await withSession("functions", () => geographer());
  console.log(`answer: ${answer}`);
} finally {
  await tracing.shutdown();
  await standIn?.close();
}

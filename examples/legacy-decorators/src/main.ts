// The quickstart's agent as a NestJS app compiles it: CommonJS output ("type": "commonjs"), legacy
// `experimentalDecorators` with `emitDecoratorMetadata`, and reflect-metadata loaded first. The same @llm, @tool and
// @agent exports serve both decorator modes, and toolsOf() finds the class's tools in this mode too.
// The model is answered by a local stand-in unless OPENAI_API_KEY is set; traces print here as a tree unless
// PHOENIX_COLLECTOR_ENDPOINT is set.
import "reflect-metadata";
import OpenAI from "openai";
import { z } from "zod";
import { agent } from "@calltree/agent";
import { withSession } from "@calltree/core";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";
import { tool, toolsOf } from "@calltree/tool";

const tracing = register({ projectName: "legacy-decorators" });

class Geographer {
  // A constructor parameter, as Nest's dependency injection hands it over.
  constructor(private readonly client: OpenAI) {}

  @llm({ provider: "openai" })
  async ask(question: string): Promise<string> {
    const completion = await this.client.chat.completions.create({
      model: "gpt-4o-mini",
      temperature: 0,
      messages: [{ role: "user", content: `${question} Just give me the name.` }],
    });
    return completion.choices[0]?.message.content ?? "";
  }

  @tool({ description: "Population of a city, in millions", parameters: z.object({ city: z.string() }) })
  async population(args: { city: string }): Promise<number> {
    return { Beijing: 21.9, Tokyo: 14.1 }[args.city] ?? 0;
  }

  @agent({ name: "summarizer" })
  async summarize(capitals: string[]): Promise<string> {
    const sizes = await Promise.all(capitals.map((city) => this.population({ city })));
    return capitals.map((c, i) => `${c} (${sizes[i]}M)`).join(", ");
  }

  @agent
  async run(): Promise<string> {
    const china = await this.ask("What's the capital of China?");
    const japan = await this.ask("What's the capital of Japan?");
    return this.summarize([china, japan]);
  }
}

async function main(): Promise<void> {
  // The stand-in is an ES module; CommonJS loads it with import(), which TypeScript keeps as it is here.
  const { startStandIn } = await import("@calltree-internal/llm-stand-in");
  const standIn = process.env.OPENAI_API_KEY ? undefined : await startStandIn();
  const client = new OpenAI({ ...(standIn ? { baseURL: standIn.openaiBaseURL, apiKey: "stand-in" } : {}), fetch: llm.fetch });
  try {
    const geographer = new Geographer(client);
    console.log(`tools: ${toolsOf(geographer).map((t) => t.function.name).join(", ")}`);
    const answer = await withSession("legacy-decorators", () => geographer.run());
    console.log(`answer: ${answer}`);
  } finally {
    await tracing.shutdown();
    await standIn?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

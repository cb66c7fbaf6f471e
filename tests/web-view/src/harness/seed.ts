import OpenAI from "openai";
import { z } from "zod";
import { agent } from "@calltree/agent";
import { withSession, withUser } from "@calltree/core";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";
import { tool } from "@calltree/tool";
import { startStandIn } from "@calltree-internal/llm-stand-in";

/**
 * The seed's scenario as the quickstart runs it: an @agent that asks an @llm twice (the second answer
 * streamed, so it has a first-token time), then a helper @agent calling a @tool. Exported by calltree's own
 * `register()` over real OTLP/HTTP to `endpoint`, in session `session` for user `user`.
 */
export async function runSeedScenario(endpoint: string, session: string, user = "ada"): Promise<string> {
  const standIn = await startStandIn();
  const tracing = register({
    endpoint,
    projectName: "web-view-test",
    global: false,
    flushOnExit: false,
    logLevel: "silent",
    apiKey: "sk-secret-key-web-view",
  });
  try {
    const client = new OpenAI({ apiKey: "sk-local", baseURL: standIn.openaiBaseURL, fetch: llm.fetch });

    class Geographer {
      @llm({ provider: "openai" })
      async ask(question: string): Promise<string> {
        const completion = await client.chat.completions.create({
          model: "gpt-4o-mini",
          temperature: 0,
          messages: [
            { role: "system", content: "You answer with a city name." },
            { role: "user", content: `${question} Just give me the name.` },
          ],
        });
        return completion.choices[0]?.message.content ?? "";
      }

      @llm({ provider: "openai" })
      askStreaming(question: string) {
        // The stream is returned, so the span lasts until it is read and records its first chunk's time.
        return client.chat.completions.create({
          model: "gpt-4o-mini",
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: `${question} Just give me the name.` }],
        });
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
        let japan = "";
        for await (const chunk of await this.askStreaming("What's the capital of Japan?")) japan += chunk.choices[0]?.delta.content ?? "";
        return this.summarize([china, japan]);
      }
    }

    const answer = await withSession(session, () => withUser(user, () => new Geographer().run()));
    await tracing.forceFlush();
    return answer;
  } finally {
    await tracing.shutdown();
    await standIn.close();
  }
}

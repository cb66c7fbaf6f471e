// The scenario calltree grew from: an agent asks a model two questions, calls a helper agent and a tool, all in ONE
// trace. The quickstart runs it as it is; calltree's browser tests (tests/web-view) run the same class with a system
// prompt and the second answer streamed, so the web view has a chat and a first-token time to show.
import type OpenAI from "openai";
import { z } from "zod";
import { agent } from "@calltree/agent";
import { llm } from "@calltree/llm";
import { tool } from "@calltree/tool";

/** How the geographer talks to the model. */
export interface GeographerOptions {
  /** A system message sent before each non-streamed question. */
  system?: string;
  /** Stream the second answer (its span then lasts until the stream is read, and records its first token). */
  streamSecond?: boolean;
}

export class Geographer {
  constructor(
    private readonly client: OpenAI,
    private readonly options: GeographerOptions = {},
  ) {}

  @llm({ provider: "openai" })
  async ask(question: string): Promise<string> {
    const completion = await this.client.chat.completions.create({
      model: "gpt-4o-mini",
      temperature: 0,
      messages: [
        ...(this.options.system === undefined ? [] : [{ role: "system" as const, content: this.options.system }]),
        { role: "user", content: `${question} Just give me the name.` },
      ],
    });
    return completion.choices[0]?.message.content ?? "";
  }

  @llm({ provider: "openai" })
  askStreaming(question: string) {
    // The stream is returned, so the span lasts until it is read and records its first chunk's time.
    return this.client.chat.completions.create({
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
    if (this.options.streamSecond) {
      for await (const chunk of await this.askStreaming("What's the capital of Japan?")) japan += chunk.choices[0]?.delta.content ?? "";
    } else {
      japan = await this.ask("What's the capital of Japan?");
    }
    return this.summarize([china, japan]);
  }
}

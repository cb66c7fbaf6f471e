// A streamed answer: the @llm method returns the openai SDK's stream untouched and the caller prints each token as
// it arrives. The LLM span stays open until the stream has been read, marks when the first token came, and adds
// the chunks up into the answer and its token usage.
// The model is answered by a local stand-in unless OPENAI_API_KEY is set; traces print here as a tree unless
// PHOENIX_COLLECTOR_ENDPOINT is set.
import OpenAI from "openai";
import { agent, llm, register } from "calltree";
import { startStandIn } from "@calltree-internal/llm-stand-in";

const tracing = register({ projectName: "streaming" });
// The stand-in echoes the question word by word; a pause between chunks paces it like a real model.
const standIn = process.env.OPENAI_API_KEY ? undefined : await startStandIn({ fault: { chunkDelayMs: 20 } });
const client = new OpenAI(standIn ? { baseURL: standIn.openaiBaseURL, apiKey: "stand-in" } : {});

class Poet {
  @llm({ provider: "openai" })
  stream(topic: string) {
    return client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      // Without it a streamed answer carries no token counts.
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: `Write a haiku about ${topic}.` }],
    });
  }

  @agent
  async write(topic: string): Promise<string> {
    let poem = "";
    for await (const chunk of await this.stream(topic)) {
      const token = chunk.choices[0]?.delta.content ?? "";
      process.stdout.write(token);
      poem += token;
    }
    process.stdout.write("\n");
    return poem;
  }
}

try {
  await new Poet().write("distributed tracing");
} finally {
  await tracing.shutdown();
  await standIn?.close();
}

// The app's one traced class: an agent that looks up notes with a tool, then streams a model's answer.
// Decorators are compiled by Next's SWC in the legacy mode (tsconfig: "experimentalDecorators": true).
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { agent } from "@calltree/agent";
import { llm } from "@calltree/llm";
import { tool } from "@calltree/tool";
import { streamText } from "ai";
import { z } from "zod";

function model() {
  // llm.fetch lets the @llm span record the request the AI SDK sends and the answer it reads.
  const provider = createOpenAICompatible({
    name: "openai",
    baseURL: process.env.OPENAI_BASE_URL ?? "https://api.openai.com/v1",
    apiKey: process.env.OPENAI_API_KEY,
    includeUsage: true,
    fetch: llm.fetch,
  });
  return provider.chatModel("gpt-4o-mini");
}

export class Assistant {
  @tool({ description: "The notes kept on a topic", parameters: z.object({ topic: z.string() }) })
  async notes(args: { topic: string }): Promise<string> {
    return `no notes on ${args.topic}`;
  }

  // Returns the AI SDK's fullStream: the span stays open until the stream has been read to its end. `next build`
  // minifies class names, so spans that should read `Assistant.…` are named here (`notes` shows what happens
  // without a name).
  @llm({ name: "Assistant.ask", provider: "openai" })
  async ask(question: string) {
    return streamText({ model: model(), prompt: question, maxRetries: 0 }).fullStream;
  }

  // Returns the answer's text as a stream: this span, too, ends when the response has been streamed.
  @agent({ name: "Assistant.run" })
  async run(question: string): Promise<ReadableStream<string>> {
    await this.notes({ topic: question });
    return answerText(await this.ask(question));
  }
}

/** The text of a fullStream, as a stream of strings. */
export function answerText(parts: ReadableStream<{ type: string; text?: string }>): ReadableStream<string> {
  return parts.pipeThrough(
    new TransformStream<{ type: string; text?: string }, string>({
      transform(part, controller) {
        if (part.type === "text-delta" && part.text) controller.enqueue(part.text);
      },
    }),
  );
}

// A conversation of several turns. Each turn is its own trace (a root @agent call), and all of them carry the same
// session and user, so a backend such as Phoenix lists them together as one session. Metadata and tags ride along
// on every span started inside the helpers, including spans of OpenInference auto-instrumentations.
// The model is answered by a local stand-in unless OPENAI_API_KEY is set; traces print here as a tree unless
// PHOENIX_COLLECTOR_ENDPOINT is set.
import OpenAI from "openai";
import { agent, llm, register, withMetadata, withSession, withTags, withUser } from "calltree";
import { startStandIn } from "@calltree-internal/llm-stand-in";

const tracing = register({ projectName: "sessions" });
const standIn = process.env.OPENAI_API_KEY ? undefined : await startStandIn();
const client = new OpenAI(standIn ? { baseURL: standIn.openaiBaseURL, apiKey: "stand-in" } : {});

class Concierge {
  private readonly history: OpenAI.ChatCompletionMessageParam[] = [
    { role: "system", content: "You are a travel concierge. Answer in one short sentence." },
  ];

  @llm({ provider: "openai" })
  chat(request: OpenAI.ChatCompletionCreateParamsNonStreaming) {
    return client.chat.completions.create(request);
  }

  @agent
  async reply(text: string): Promise<string> {
    this.history.push({ role: "user", content: text });
    const completion = await this.chat({ model: "gpt-4o-mini", messages: this.history });
    const answer = completion.choices[0]?.message.content ?? "";
    this.history.push({ role: "assistant", content: answer });
    return answer;
  }
}

const turns = ["What is the capital of France?", "And the capital of Italy?", "Thanks!"];
const concierge = new Concierge();

try {
  // In a server, the session id is the conversation's id and the user id the signed-in user's.
  await withSession("conversation-42", () =>
    withUser("user-7", () =>
      withTags(["example", "sessions"], async () => {
        for (const [i, text] of turns.entries()) {
          const answer = await withMetadata({ channel: "cli", turn: i + 1 }, () => concierge.reply(text));
          console.log(`user: ${text}\nassistant: ${answer}`);
        }
      }),
    ),
  );
} finally {
  await tracing.shutdown();
  await standIn?.close();
}

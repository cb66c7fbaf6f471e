import OpenAI from "openai";
import { withSession, withUser } from "@calltree/core";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { Geographer } from "@calltree-examples/quickstart/geographer";

/**
 * The seed's scenario, the quickstart's own class: an @agent that asks an @llm twice (here with a system prompt,
 * and the second answer streamed, so it has a first-token time), then a helper @agent calling a @tool. Exported
 * by calltree's own `register()` over real OTLP/HTTP to `endpoint`, in session `session` for user `user`.
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
    const answer = await withSession(session, () => withUser(user, () => new Geographer(client, { system: "You answer with a city name.", streamSecond: true }).run()));
    await tracing.forceFlush();
    return answer;
  } finally {
    await tracing.shutdown();
    await standIn.close();
  }
}

// OpenInference's auto-instrumentation traces every openai SDK call; calltree's @agent and @chain trace your own
// methods around them. Both record with the provider register() sets up, so the SDK's LLM spans nest under the
// method that made the call: one trace per run.
// The model is answered by a local stand-in unless OPENAI_API_KEY is set; traces print here as a tree unless
// PHOENIX_COLLECTOR_ENDPOINT is set.
import * as openai from "openai";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { agent } from "@calltree/agent";
import { chain } from "@calltree/chain";
import { register } from "@calltree/otel";
import { startStandIn } from "@calltree-internal/llm-stand-in";

const tracing = register({ projectName: "openai-auto", instrumentations: [new OpenAIInstrumentation()] });
// An ES module's imports cannot be patched as they load: hand the openai module to the instrumentation.
tracing.manuallyInstrument({ openai });

const standIn = process.env.OPENAI_API_KEY ? undefined : await startStandIn();
const client = new openai.OpenAI(standIn ? { baseURL: standIn.openaiBaseURL, apiKey: "stand-in" } : {});

class TripPlanner {
  // No @llm here: the instrumentation records the model call (model, messages, tokens) as its own LLM span.
  @chain
  async capitalOf(country: string): Promise<string> {
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      temperature: 0,
      messages: [{ role: "user", content: `What is the capital of ${country}? Answer with the name only.` }],
    });
    return completion.choices[0]?.message.content?.trim() ?? "";
  }

  @agent
  async plan(countries: string[]): Promise<string> {
    const stops: string[] = [];
    for (const country of countries) stops.push(await this.capitalOf(country));
    return stops.join(" → ");
  }
}

try {
  const route = await new TripPlanner().plan(["France", "Italy"]);
  console.log(`route: ${route}`);
} finally {
  await tracing.shutdown();
  await standIn?.close();
}

// An agent loop: the model is offered the class's @tool methods (toolsOf), asks for calls, callTool runs them, and
// their results go back to the model until it answers. Every model call and every tool call is a span of the
// agent's trace; tool spans carry the tool's name, description and JSON-Schema parameters made from zod.
// The model is answered by a local stand-in unless OPENAI_API_KEY is set; traces print here as a tree unless
// PHOENIX_COLLECTOR_ENDPOINT is set.
import OpenAI from "openai";
import { z } from "zod";
import { agent } from "@calltree/agent";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";
import { callTool, isToolCallError, tool, toolsOf } from "@calltree/tool";
import { startStandIn } from "@calltree-internal/llm-stand-in";

const tracing = register({ projectName: "tools" });
const standIn = process.env.OPENAI_API_KEY ? undefined : await startStandIn();
const client = new OpenAI(standIn ? { baseURL: standIn.openaiBaseURL, apiKey: "stand-in" } : {});

class TravelAgent {
  @tool({
    description: "Current weather in a city",
    parameters: z.object({ city: z.string().describe("The city's name, e.g. Paris") }),
  })
  async weather(args: { city: string }) {
    return { city: args.city, sky: "clear", celsius: 24 };
  }

  @tool({
    name: "to_fahrenheit",
    description: "Convert a temperature from degrees Celsius to Fahrenheit",
    parameters: z.object({ celsius: z.number() }),
    // The model's arguments are parsed with the schema before the method runs.
    validate: true,
  })
  toFahrenheit(args: { celsius: number }): number {
    return (args.celsius * 9) / 5 + 32;
  }

  // The request and the response are read as they are: messages, tools offered, tool calls asked for, tokens.
  @llm({ provider: "openai" })
  chat(request: OpenAI.ChatCompletionCreateParamsNonStreaming) {
    return client.chat.completions.create(request);
  }

  @agent
  async run(question: string): Promise<string> {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: question }];
    for (let turn = 0; turn < 8; turn++) {
      const response = await this.chat({ model: "gpt-4o-mini", messages, tools: toolsOf(this) });
      const message = response.choices[0]?.message;
      if (message === undefined) return "";
      messages.push(message);
      if (!message.tool_calls?.length) return message.content ?? "";
      for (const call of message.tool_calls) {
        if (call.type !== "function") continue;
        let content: string;
        try {
          content = JSON.stringify(await callTool(this, call));
        } catch (error) {
          // The model's mistakes (no such tool, bad arguments) go back to the model; anything else is a bug.
          if (!isToolCallError(error) && !(error instanceof z.ZodError)) throw error;
          content = `Error: ${error.message}`;
        }
        messages.push({ role: "tool", tool_call_id: call.id, content });
      }
    }
    return "No answer after 8 turns.";
  }
}

try {
  const answer = await new TravelAgent().run("What's the weather in Paris?");
  console.log(`answer: ${answer}`);
} finally {
  await tracing.shutdown();
  await standIn?.close();
}

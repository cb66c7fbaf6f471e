// What @llm records when a method returns an SDK's own result object (the AI SDK's generateText result, an openai
// responses Response, the raw HTTP Response of `.asResponse()`), when an OpenAI Agents SDK model is wrapped by
// agentsModel(), and how usage is kept once when a GenAI instrumentation nests agent and model-call spans.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createOpenAI } from "@ai-sdk/openai";
import { trace } from "@opentelemetry/api";
import { generateText, jsonSchema, tool } from "ai";
import OpenAI from "openai";
import { captureTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { agentsModel, agentsModelProvider, llm } from "./index.js";

const ANSWER = "Beijing is the capital.";
const occurrences = (haystack: unknown, needle: string) => String(haystack).split(needle).length - 1;

describe("@llm with a returned SDK result object", () => {
  test("an AI SDK generateText result: output.value is the answer text once, not the result's JSON", async () => {
    await using server = await startStandIn({ reply: (c) => (c.tools.length > 0 ? undefined : ANSWER), usage: { promptTokens: 30, completionTokens: 7 } });
    using traces = captureTraces();
    const model = createOpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL }).chat("gpt-4o");
    const ask = llm.wrap((prompt: string) => generateText({ model, prompt, maxRetries: 0 }), { name: "ask" });
    const result = await ask("What is the capital of China?");
    assert.equal(result.text, ANSWER);
    const a = traces.get({ name: "ask" }).attributes;
    assert.equal(a["output.value"], ANSWER);
    assert.equal(a["output.mime_type"], "text/plain");
    assert.equal(a["llm.output_messages.0.message.content"], ANSWER);
    assert.equal(a["llm.token_count.total"], 37);
    assert.equal(a["llm.finish_reason"], "stop");
  });

  test("an AI SDK result that only calls tools: output.value is the assistant message with the calls, once", async () => {
    await using server = await startStandIn({ parallelToolCalls: true });
    using traces = captureTraces();
    const model = createOpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL }).chat("gpt-4o");
    const schema = jsonSchema({ type: "object", properties: { city: { type: "string" } }, required: ["city"] });
    const tools = { weather: tool({ description: "Weather", inputSchema: schema }), time: tool({ description: "Time", inputSchema: schema }) };
    const ask = llm.wrap((prompt: string) => generateText({ model, prompt, tools, maxRetries: 0 }), { name: "ask" });
    await ask("Weather in Paris?");
    const a = traces.get({ name: "ask" }).attributes;
    assert.equal(a["output.mime_type"], "application/json");
    const out = JSON.parse(String(a["output.value"])) as { role: string; tool_calls: Array<{ function: { name: string; arguments: string } }> };
    assert.equal(out.role, "assistant");
    assert.deepEqual(out.tool_calls.map((c) => c.function.name), ["weather", "time"]);
    assert.equal(occurrences(a["output.value"], '\\"city\\"'), 2);
    assert.equal(a["llm.finish_reason"], "tool_calls");
  });

  test("an output mapper still decides output.value of an AI SDK result", async () => {
    await using server = await startStandIn({ reply: () => ANSWER });
    using traces = captureTraces();
    const model = createOpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL }).chat("gpt-4o");
    const ask = llm.wrap((prompt: string) => generateText({ model, prompt, maxRetries: 0 }), { name: "ask", output: (r: { text: string }) => ({ said: r.text }) });
    await ask("What is the capital of China?");
    assert.equal(traces.get({ name: "ask" }).attributes["output.value"], JSON.stringify({ said: ANSWER }));
  });

  test("an openai responses Response (the SDK adds output_text): output.value is the answer text once", async () => {
    await using server = await startStandIn({ reply: () => ANSWER });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL, maxRetries: 0 });
    const ask = llm.wrap((input: string) => client.responses.create({ model: "gpt-4o", input }), { name: "ask" });
    assert.equal((await ask("What is the capital of China?")).output_text, ANSWER);
    const a = traces.get({ name: "ask" }).attributes;
    assert.equal(a["output.value"], ANSWER);
    assert.equal(a["llm.output_messages.0.message.content"], ANSWER);
  });

  for (const stream of [false, true]) {
    test(`.asResponse() with llm.fetch${stream ? ", streamed" : ""}: the app reads the raw body, output.value is the answer llm.fetch read`, async () => {
      await using server = await startStandIn({ reply: () => ANSWER, answerModel: (m) => `${m}-2024-08-06` });
      using traces = captureTraces();
      const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL, maxRetries: 0, fetch: llm.fetch });
      const ask = llm.wrap(
        (q: string) =>
          client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) }),
        { name: "ask" },
      );
      const response = await ask("What is the capital of China?").asResponse();
      assert.ok(response instanceof Response);
      const body = await response.text();
      assert.equal(occurrences(body, stream ? "Beijing" : ANSWER), 1);
      await traces.flush();
      const a = traces.get({ name: "ask" }).attributes;
      assert.equal(a["output.value"], ANSWER);
      assert.equal(a["output.mime_type"], "text/plain");
      assert.equal(a["llm.model_name"], "gpt-4o-2024-08-06");
      assert.equal(typeof a["llm.token_count.total"], "number");
    });
  }
});

// An OpenAI Agents SDK `Model` of the app's own (the SDK's models are run against the real SDK in tests/sdk-matrix):
// a class with a true private field, as the SDK's models have.
class OwnModel {
  readonly #reply: string;
  calls = 0;
  constructor(reply: string) {
    this.#reply = reply;
  }
  describe(): string {
    return `own model answering ${this.#reply}`;
  }
  async getResponse(_request: unknown) {
    this.calls++;
    if (this.#reply === "fail") throw new Error("model down");
    return {
      usage: { requests: 1, inputTokens: 30, outputTokens: 7, totalTokens: 37, inputTokensDetails: [{ cached_tokens: 20 }], outputTokensDetails: [{ reasoning_tokens: 5 }] },
      output: [
        { type: "function_call", callId: "call_1", name: "weather", arguments: '{"city":"Paris"}', status: "completed" },
        { type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: this.#reply }] },
      ],
      responseId: "resp_1",
    };
  }
  async *getStreamedResponse(_request: unknown) {
    yield { type: "response_started" };
    for (const delta of this.#reply.split(" ")) yield { type: "output_text_delta", delta: `${delta} ` };
    yield {
      type: "response_done",
      response: { id: "resp_2", usage: { inputTokens: 30, outputTokens: 7, totalTokens: 37 }, output: [{ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: this.#reply }] }] },
    };
  }
}

const REQUEST = {
  systemInstructions: "Be brief.",
  input: [
    { role: "user", content: [{ type: "input_text", text: "Weather in Paris?" }] },
    { type: "function_call", callId: "call_0", name: "weather", arguments: '{"city":"Rome"}' },
    { type: "function_call_result", callId: "call_0", name: "weather", output: { type: "text", text: "Sunny" } },
  ],
  modelSettings: { temperature: 0.2, maxTokens: 100 },
  tools: [{ type: "function", name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: true }],
  handoffs: [{ toolName: "transfer_to_expert", toolDescription: "Hand off", inputJsonSchema: { type: "object", properties: {} }, strictJsonSchema: true }],
  outputType: "text",
  tracing: false,
};

describe("agentsModel()", () => {
  test("each getResponse is an @llm span under the active span: request, answer, tool calls, usage once, cost", async () => {
    using traces = captureTraces({ global: true });
    const own = new OwnModel(ANSWER);
    const model = agentsModel(own, { model: "gpt-4o" });
    const result = await trace.getTracer("app").startActiveSpan("run", async (span) => {
      try {
        return await model.getResponse(REQUEST);
      } finally {
        span.end();
      }
    });
    assert.equal(result.responseId, "resp_1");
    assert.equal(own.calls, 1);
    const s = traces.get({ name: "getResponse" });
    assert.equal(traces.parentOf(s)?.name, "run");
    const a = s.attributes;
    assert.equal(a["openinference.span.kind"], "LLM");
    assert.equal(a["llm.model_name"], "gpt-4o");
    assert.equal(a["llm.input_messages.0.message.role"], "system");
    assert.equal(a["llm.input_messages.0.message.content"], "Be brief.");
    assert.equal(a["llm.input_messages.1.message.contents.0.message_content.text"] ?? a["llm.input_messages.1.message.content"], "Weather in Paris?");
    assert.equal(a["llm.input_messages.2.message.tool_calls.0.tool_call.id"], "call_0");
    assert.equal(a["llm.input_messages.3.message.role"], "tool");
    assert.equal(a["llm.input_messages.3.message.tool_call_id"], "call_0");
    assert.equal(a["llm.input_messages.3.message.content"], "Sunny");
    assert.match(String(a["llm.tools.0.tool.json_schema"]), /weather/);
    assert.match(String(a["llm.tools.1.tool.json_schema"]), /transfer_to_expert/);
    assert.deepEqual(JSON.parse(String(a["llm.invocation_parameters"])), { model: "gpt-4o", temperature: 0.2, max_output_tokens: 100 });
    assert.equal(a["llm.output_messages.0.message.content"] ?? a["llm.output_messages.0.message.contents.0.message_content.text"], ANSWER);
    assert.equal(a["llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"], '{"city":"Paris"}');
    assert.equal(a["llm.token_count.total"], 37);
    assert.equal(a["llm.token_count.prompt_details.cache_read"], 20);
    assert.equal(a["llm.token_count.completion_details.reasoning"], 5);
    assert.equal(typeof a["llm.cost.total"], "number");
    const out = JSON.parse(String(a["output.value"])) as { content: string; tool_calls: unknown[] };
    assert.equal(out.content, ANSWER);
    assert.equal(out.tool_calls.length, 1);
  });

  test("a streamed call ends when the stream is read; the events are the model's own", async () => {
    using traces = captureTraces({ global: true });
    const model = agentsModel(new OwnModel(ANSWER), { model: "gpt-4o" });
    const types: string[] = [];
    for await (const e of model.getStreamedResponse(REQUEST)) types.push((e as { type: string }).type);
    assert.deepEqual(types, ["response_started", "output_text_delta", "output_text_delta", "output_text_delta", "output_text_delta", "response_done"]);
    const a = traces.get({ name: "getStreamedResponse" }).attributes;
    assert.equal(a["output.value"], ANSWER);
    assert.equal(a["llm.token_count.total"], 37);
  });

  test("the wrapper is transparent: instanceof, the model's own methods on its private fields, the same error", async () => {
    using traces = captureTraces({ global: true });
    const own = new OwnModel("fail");
    const model = agentsModel(own);
    assert.ok(model instanceof OwnModel);
    assert.equal(model.describe(), "own model answering fail");
    assert.equal(model.calls, 0);
    await assert.rejects(model.getResponse(REQUEST), (e: Error) => e.message === "model down");
    assert.equal(traces.get({ name: "getResponse" }).status.code, 2);
  });

  test("a model or provider that is not one fails at setup with a CalltreeError saying what to pass", () => {
    assert.throws(() => agentsModel("gpt-4o" as never), (e: Error & { code?: string }) => e.name === "CalltreeError" && e.code === "INVALID_MODEL" && /agentsModelProvider/.test(e.message));
    assert.throws(() => agentsModelProvider({} as never), (e: Error & { code?: string }) => e.name === "CalltreeError" && e.code === "INVALID_MODEL_PROVIDER");
  });

  test("agentsModelProvider() wraps every model it gives, named as asked", async () => {
    using traces = captureTraces({ global: true });
    const provider = agentsModelProvider({ getModel: async (name?: string) => new OwnModel(`${name} says hi`) });
    const model = await provider.getModel("gpt-4o-mini");
    await model.getResponse(REQUEST);
    const a = traces.get({ name: "getResponse" }).attributes;
    assert.equal(a["llm.model_name"], "gpt-4o-mini");
    assert.equal(a["output.value"] !== undefined && occurrences(a["output.value"], "gpt-4o-mini says hi"), 1);
  });
});

describe("usage with GenAI spans nested in @llm", () => {
  test("an invoke_agent span's usage (the sum of its model calls) is not counted again; sub-counts the model-call span lacks stay on @llm", async () => {
    using traces = captureTraces({ global: true });
    const tracer = trace.getTracer("gen_ai");
    const usage = { "gen_ai.usage.input_tokens": 30, "gen_ai.usage.output_tokens": 7 };
    const ask = llm.wrap(() => {
      tracer.startActiveSpan("invoke_agent o4-mini", { attributes: { "gen_ai.operation.name": "invoke_agent", ...usage } }, (agentSpan) => {
        tracer.startSpan("chat o4-mini", { attributes: { "gen_ai.operation.name": "chat", "gen_ai.response.model": "o4-mini", ...usage } }).end();
        agentSpan.end();
      });
      llm.record({ model: "o4-mini", tokenCount: { prompt: 30, completion: 7, reasoning: 5 } });
      return "done";
    }, { name: "ask" });
    ask();
    await traces.flush();
    const a = traces.get({ name: "ask" }).attributes;
    assert.equal(a["llm.token_count.total"], undefined);
    assert.equal(a["llm.token_count.prompt"], undefined);
    assert.equal(a["llm.token_count.completion_details.reasoning"], 5);
    // Priced once, for 30 + 7 tokens (not 60 + 14): what the same counts cost on an @llm span of their own.
    llm.wrap(() => {
      llm.record({ model: "o4-mini", tokenCount: { prompt: 30, completion: 7, reasoning: 5 } });
      return "done";
    }, { name: "alone" })();
    await traces.flush();
    assert.equal(typeof a["llm.cost.total"], "number");
    assert.equal(a["llm.cost.total"], traces.get({ name: "alone" }).attributes["llm.cost.total"]);
  });
});

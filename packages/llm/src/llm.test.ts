import { describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { generateText, jsonSchema, streamText, tool } from "ai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { CalltreeError, configureCapture, resetCapture } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { llm, setModelPrices, clearModelPrices } from "./index.js";

// The real SDKs against a local OpenAI/Anthropic-compatible server, called from decorated methods: the exact
// attributes a user gets in Phoenix.

const usage = { promptTokens: 20, completionTokens: 5, cachedTokens: 8, reasoningTokens: 2 };

describe("@llm with the openai SDK", () => {
  test("chat completion: model, provider, messages, parameters, tokens, cost", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
    class Assistant {
      @llm async ask(params: OpenAI.ChatCompletionCreateParamsNonStreaming) {
        return client.chat.completions.create(params);
      }
    }
    const out = await new Assistant().ask({
      model: "gpt-4o",
      temperature: 0.2,
      max_tokens: 50,
      messages: [
        { role: "system", content: "Answer with one word." },
        { role: "user", content: "What's the capital of China?" },
      ],
    });
    assert.equal(out.choices[0]?.message.content, "Beijing");
    const a = traces.get({ kind: "LLM" }).attributes;
    assert.equal(a["llm.model_name"], "gpt-4o");
    assert.equal(a["llm.provider"], "openai");
    assert.equal(a["llm.system"], "openai");
    assert.deepEqual(JSON.parse(String(a["llm.invocation_parameters"])), { model: "gpt-4o", temperature: 0.2, max_tokens: 50 });
    assert.equal(a["llm.input_messages.0.message.role"], "system");
    assert.equal(a["llm.input_messages.1.message.content"], "What's the capital of China?");
    assert.equal(a["llm.output_messages.0.message.role"], "assistant");
    assert.equal(a["llm.output_messages.0.message.content"], "Beijing");
    assert.equal(a["llm.token_count.prompt"], 20);
    assert.equal(a["llm.token_count.completion"], 5);
    assert.equal(a["llm.token_count.total"], 25);
    assert.equal(a["llm.token_count.prompt_details.cache_read"], 8);
    assert.equal(a["llm.token_count.completion_details.reasoning"], 2);
    // gpt-4o: $2.50 / 1M input, $1.25 / 1M cached input, $10 / 1M output.
    const expected = (12 * 2.5 + 8 * 1.25 + 5 * 10) / 1e6;
    assert.ok(Math.abs(Number(a["llm.cost.total"]) - expected) < 1e-12, `cost ${a["llm.cost.total"]} != ${expected}`);
  });

  test("a streamed answer: the span ends when consumed, with text, tokens and first-token time", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
    class Assistant {
      @llm({ provider: "openai" }) stream(q: string) {
        return client.chat.completions.create({
          model: "gpt-4o-mini",
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: q }],
        });
      }
    }
    const s = await new Assistant().stream("What's the capital of Japan?");
    let text = "";
    for await (const c of s) text += c.choices[0]?.delta.content ?? "";
    assert.equal(text, "Tokyo");
    const span = traces.get({ kind: "LLM" });
    assert.equal(span.attributes["output.value"], "Tokyo");
    assert.equal(span.attributes["output.mime_type"], "text/plain");
    assert.equal(span.attributes["llm.output_messages.0.message.content"], "Tokyo");
    assert.equal(span.attributes["llm.token_count.total"], 25);
    assert.equal(span.attributes["calltree.stream.state"], "completed");
    assert.equal(span.events[0]?.name, "First Token Stream Event");
    assert.equal(typeof span.attributes["llm.cost.total"], "number");
  });

  test("tool calls are recorded as output tool calls; tools as llm.tools", async () => {
    await using server = await startStandIn();
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: "function", function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    ];
    const ask = llm.wrap(async function ask(q: string) {
      return client.chat.completions.create({ model: "gpt-4o", tools, messages: [{ role: "user", content: q }] });
    });
    const out = await ask("Weather in Paris?");
    const call = out.choices[0]?.message.tool_calls?.[0];
    assert.ok(call);
    const a = traces.get({ kind: "LLM" }).attributes;
    // A plain string argument is the prompt: it shows as the user message.
    assert.equal(a["llm.input_messages.0.message.content"], "Weather in Paris?");
    assert.equal(a["llm.output_messages.0.message.tool_calls.0.tool_call.function.name"], "weather");
    assert.equal(a["llm.output_messages.0.message.tool_calls.0.tool_call.id"], call.id);
  });

  test("llm.fetch records the request and response an SDK call carries inside a method that takes a question", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL, fetch: llm.fetch });
    class Assistant {
      @llm async ask(question: string): Promise<string> {
        const r = await client.chat.completions.create({
          model: "gpt-4o",
          temperature: 0,
          messages: [{ role: "system", content: "Be brief." }, { role: "user", content: question }],
        });
        return r.choices[0]?.message.content ?? "";
      }
    }
    assert.equal(await new Assistant().ask("What's the capital of China?"), "Beijing");
    const a = traces.get({ kind: "LLM" }).attributes;
    assert.equal(a["input.value"], "What's the capital of China?");
    assert.equal(a["output.value"], "Beijing");
    assert.equal(a["llm.input_messages.0.message.content"], "Be brief.");
    assert.equal(a["llm.model_name"], "gpt-4o");
    assert.equal(JSON.parse(String(a["llm.invocation_parameters"])).temperature, 0);
    assert.equal(a["llm.token_count.prompt"], 20);
    assert.equal(typeof a["llm.cost.total"], "number");
  });

  test("llm.fetch with a streamed request records the aggregated answer; the SDK's stream is untouched", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL, fetch: llm.fetch });
    const ask = llm.wrap(async (question: string) => {
      const s = await client.chat.completions.create({
        model: "gpt-4o", stream: true, stream_options: { include_usage: true },
        messages: [{ role: "user", content: question }],
      });
      let text = "";
      for await (const c of s) text += c.choices[0]?.delta.content ?? "";
      return text;
    });
    assert.equal(await ask("capital of Japan"), "Tokyo");
    await traces.flush();
    const a = traces.get({ kind: "LLM" }).attributes;
    assert.equal(a["llm.output_messages.0.message.content"], "Tokyo");
    assert.equal(a["llm.token_count.completion"], 5);
  });

  test("outside an @llm call llm.fetch is a plain fetch", async () => {
    await using server = await startStandIn();
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL, fetch: llm.fetch });
    const r = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "capital of China" }] });
    assert.equal(r.choices[0]?.message.content, "Beijing");
    assert.equal(traces.spans.length, 0);
  });

  test("responses API and embeddings-free legacy completions are read", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
    const respond = llm.wrap((input: string) => client.responses.create({ model: "gpt-4o", input }), { name: "respond" });
    const r = await respond("What's the capital of China?");
    assert.equal(r.output_text, "Beijing");
    const a = traces.get({ name: "respond" }).attributes;
    assert.equal(a["llm.output_messages.0.message.role"], "assistant");
    assert.match(JSON.stringify(a), /Beijing/);
    assert.equal(a["llm.token_count.prompt"], 20);
    const complete = llm.wrap((prompt: string) => client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt }), { name: "complete" });
    await complete("capital of Japan");
    assert.match(JSON.stringify(traces.get({ name: "complete" }).attributes), /Tokyo/);
  });

  test("an OpenInference auto-instrumented SDK call inside @llm nests; its tokens count once and their cost once", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const instrumentation = new OpenAIInstrumentation({ tracerProvider: traces.provider });
    instrumentation.manuallyInstrument(OpenAI);
    try {
      const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
      class Assistant {
        @llm async ask(question: string) {
          return client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
        }
      }
      await new Assistant().ask("capital of China");
      const ours = traces.get({ name: "Assistant.ask" });
      const theirs = traces.find({ kind: "LLM" }).filter((s) => s !== ours);
      assert.equal(theirs.length, 1);
      assert.equal(theirs[0]!.parentSpanContext?.spanId, ours.spanContext().spanId);
      assert.equal(theirs[0]!.attributes["llm.token_count.total"], 25);
      assert.equal(ours.attributes["llm.token_count.total"], undefined, "left to the nested span");
      // OpenInference writes no cost and calltree cannot write on its span: the cost of its tokens is here, once.
      assert.equal(theirs[0]!.attributes["llm.cost.total"], undefined);
      const expected = (12 * 2.5 + 8 * 1.25 + 5 * 10) / 1e6;
      assert.ok(Math.abs(Number(ours.attributes["llm.cost.total"]) - expected) < 1e-12, String(ours.attributes["llm.cost.total"]));
      assert.equal(ours.attributes["llm.output_messages.0.message.content"], "Beijing");
    } finally {
      instrumentation.disable();
    }
  });
});

// Each of these waits for the stand-in to see the client leave. Before the fix llm.fetch read on from a copy of the
// body, so the connection stayed open (until undici's 300 s body timeout) and the app's own `break` hung with it:
// the timeout only bounds a failing run, it asserts no speed.
describe("llm.fetch passes cancellation on: leaving a stream early closes the connection", () => {
  const words = () => Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");

  test("break out of an openai@6 stream inside @llm: the server writes no more", { timeout: 300_000 }, async () => {
    await using server = await startStandIn({ reply: words });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL, fetch: llm.fetch });
    const firstWords = llm.wrap(async (q: string) => {
      const s = await client.chat.completions.create({ model: "gpt-4o#hold=3", stream: true, messages: [{ role: "user", content: q }] });
      let text = "";
      for await (const c of s) {
        text += c.choices[0]?.delta.content ?? "";
        if (text.includes("w1")) break;
      }
      return text;
    });
    const text = await firstWords("count");
    assert.match(text, /^w0 w1\s*$/);
    assert.deepEqual(await server.streamEnded(0), { events: 3, clientLeft: true });
    await traces.flush();
    const a = traces.get({ kind: "LLM" }).attributes;
    // What the app pulled is what is recorded.
    assert.match(String(a["llm.output_messages.0.message.content"]), /^w0 w1\s*$/);
  });

  test("cancelling the body of a streamed response inside @llm closes the connection", { timeout: 300_000 }, async () => {
    await using server = await startStandIn({ reply: words });
    using traces = captureTraces();
    const peek = llm.wrap(async () => {
      const res = await llm.fetch(`${server.openaiBaseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o#hold=2", stream: true, messages: [{ role: "user", content: "count" }] }),
      });
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
      return "peeked";
    });
    assert.equal(await peek(), "peeked");
    assert.deepEqual(await server.streamEnded(0), { events: 2, clientLeft: true });
    await traces.flush();
    assert.equal(traces.get({ kind: "LLM" }).attributes["calltree.stream.state"], undefined, "a string result, not a stream");
  });

  test("a stream read to its end through llm.fetch is recorded whole and the response ends normally", async () => {
    await using server = await startStandIn({ reply: words });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL, fetch: llm.fetch });
    const all = llm.wrap(async () => {
      const s = await client.chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "count" }] });
      let text = "";
      for await (const c of s) text += c.choices[0]?.delta.content ?? "";
      return text;
    });
    assert.equal(await all(), words());
    assert.equal((await server.streamEnded(0)).clientLeft, false);
    await traces.flush();
    assert.equal(traces.get({ kind: "LLM" }).attributes["llm.output_messages.0.message.content"], words());
  });
});

describe("@llm with an OpenInference auto-instrumentation nested inside: each token and each cent once per trace", () => {
  const sum = (spans: readonly { attributes: Record<string, unknown> }[], key: string) =>
    spans.reduce((n, s) => n + (typeof s.attributes[key] === "number" ? (s.attributes[key] as number) : 0), 0);
  // gpt-4o: $2.50 / 1M input, $1.25 / 1M cached input, $10 / 1M output; 20 prompt (8 cached), 5 completion.
  const realCost = (12 * 2.5 + 8 * 1.25 + 5 * 10) / 1e6;

  for (const viaFetch of [false, true]) {
    for (const streamed of [false, true]) {
      const how = `${streamed ? "streamed" : "non-streamed"}, ${viaFetch ? "with" : "without"} llm.fetch`;
      test(`${how}: summed tokens and cost equal the real usage, which lives on exactly one span`, async () => {
        await using server = await startStandIn({ usage });
        using traces = captureTraces();
        const instrumentation = new OpenAIInstrumentation({ tracerProvider: traces.provider });
        instrumentation.manuallyInstrument(OpenAI);
        try {
          const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL, ...(viaFetch ? { fetch: llm.fetch } : {}) });
          class Assistant {
            // Without llm.fetch a stream read inside the method is invisible to @llm: the method returns it instead.
            @llm stream(question: string) {
              return client.chat.completions.create({
                model: "gpt-4o", stream: true, stream_options: { include_usage: true },
                messages: [{ role: "user", content: question }],
              });
            }
            @llm async ask(question: string): Promise<string> {
              if (!streamed) {
                const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
                return r.choices[0]?.message.content ?? "";
              }
              const s = await client.chat.completions.create({
                model: "gpt-4o", stream: true, stream_options: { include_usage: true },
                messages: [{ role: "user", content: question }],
              });
              let text = "";
              for await (const c of s) text += c.choices[0]?.delta.content ?? "";
              return text;
            }
          }
          if (streamed && !viaFetch) {
            let text = "";
            for await (const c of await new Assistant().stream("capital of China")) text += c.choices[0]?.delta.content ?? "";
            assert.equal(text, "Beijing");
          } else assert.equal(await new Assistant().ask("capital of China"), "Beijing");
          await traces.flush();
          const spans = traces.spans;
          assert.equal(spans.length, 2, traces.shape());
          assert.equal(sum(spans, "llm.token_count.total"), 25, "tokens once");
          assert.ok(Math.abs(sum(spans, "llm.cost.total") - realCost) < 1e-12, `cost once: ${sum(spans, "llm.cost.total")}`);
          const withTokens = spans.filter((s) => typeof s.attributes["llm.token_count.total"] === "number");
          assert.equal(withTokens.length, 1, "usage on exactly one span");
        } finally {
          instrumentation.disable();
        }
      });
    }
  }
});

describe("@llm with the Anthropic SDK and the Vercel AI SDK", () => {
  test("Anthropic messages (through llm.fetch): system, messages, tokens incl. cache, cost", async () => {
    await using server = await startStandIn({ usage: { promptTokens: 30, completionTokens: 7, cacheCreationTokens: 4, cachedTokens: 6 } });
    using traces = captureTraces();
    const client = new Anthropic({ apiKey: "sk-ant", baseURL: server.anthropicBaseURL, fetch: llm.fetch, openTelemetry: false } as ConstructorParameters<typeof Anthropic>[0]);
    class Claude {
      @llm ask(q: string) {
        return client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, system: "Be brief.", messages: [{ role: "user", content: q }] });
      }
    }
    const m = await new Claude().ask("What's the capital of Japan?");
    assert.equal(m.content[0]?.type === "text" ? m.content[0].text : "", "Tokyo");
    const a = traces.get({ kind: "LLM" }).attributes;
    assert.equal(a["llm.provider"], "anthropic");
    assert.equal(a["llm.system"], "anthropic");
    assert.equal(a["llm.model_name"], "claude-sonnet-4-5");
    assert.equal(a["llm.input_messages.0.message.role"], "system");
    assert.equal(a["llm.output_messages.0.message.content"], "Tokyo");
    assert.equal(a["llm.token_count.prompt_details.cache_write"], 4);
    assert.equal(a["llm.token_count.prompt_details.cache_read"], 6);
    assert.equal(typeof a["llm.cost.total"], "number");
  });

  test("Anthropic streamed events aggregate into the same attributes", async () => {
    await using server = await startStandIn({ usage: { promptTokens: 30, completionTokens: 7 } });
    using traces = captureTraces();
    const client = new Anthropic({ apiKey: "sk-ant", baseURL: server.anthropicBaseURL, openTelemetry: false } as ConstructorParameters<typeof Anthropic>[0]);
    const stream = llm.wrap((q: string) => client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 50, stream: true, messages: [{ role: "user", content: q }] }));
    let text = "";
    for await (const ev of await stream("capital of China")) if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
    assert.equal(text, "Beijing");
    const a = traces.get({ kind: "LLM" }).attributes;
    assert.equal(a["output.value"], "Beijing");
    assert.equal(a["llm.token_count.completion"], 7);
  });

  test("Vercel AI SDK generateText and streamText", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const provider = createOpenAICompatible({ name: "local", baseURL: server.openaiBaseURL, apiKey: "k" });
    const gen = llm.wrap((prompt: string) => generateText({ model: provider("gpt-4o"), prompt }), { name: "gen" });
    const r = await gen("What's the capital of China?");
    assert.equal(r.text, "Beijing");
    const a = traces.get({ name: "gen" }).attributes;
    assert.equal(a["llm.model_name"], "gpt-4o");
    assert.equal(a["llm.output_messages.0.message.content"], "Beijing");
    assert.equal(a["llm.token_count.prompt"], 20);
    const st = llm.wrap((prompt: string) => streamText({ model: provider("gpt-4o"), prompt }).fullStream, { name: "st" });
    let text = "";
    for await (const part of st("capital of Japan")) if (part.type === "text-delta") text += part.text;
    assert.equal(text, "Tokyo");
    assert.equal(traces.get({ name: "st" }).attributes["output.value"], "Tokyo");
  });
});

describe("llm.fetch with the Vercel AI SDK", () => {
  test("a provider created with fetch: llm.fetch records the request the AI SDK sends", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const provider = createOpenAICompatible({ name: "local", baseURL: server.openaiBaseURL, apiKey: "k", fetch: llm.fetch });
    class Assistant {
      @llm async ask(question: string) {
        const r = await generateText({ model: provider("gpt-4o"), system: "Be brief.", prompt: question, temperature: 0.3 });
        return r.text;
      }
    }
    assert.equal(await new Assistant().ask("What's the capital of China?"), "Beijing");
    const a = traces.get({ kind: "LLM" }).attributes;
    assert.equal(a["llm.input_messages.0.message.role"], "system");
    assert.equal(a["llm.input_messages.0.message.content"], "Be brief.");
    assert.equal(JSON.parse(String(a["llm.invocation_parameters"])).temperature, 0.3);
    assert.equal(a["llm.token_count.prompt"], 20);
    assert.equal(typeof a["llm.cost.total"], "number");
  });
});

describe("the same call reads the same whichever path recorded it", () => {
  test("llm.finish_reason: the AI SDK's result (tool-calls) and the wire through llm.fetch (tool_calls) agree", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const tools = { weather: tool({ description: "Weather", inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } } }) }) };
    for (const viaFetch of [false, true]) {
      const provider = createOpenAICompatible({ name: "local", baseURL: server.openaiBaseURL, apiKey: "k", ...(viaFetch ? { fetch: llm.fetch } : {}) });
      const byResult = llm.wrap((prompt: string) => generateText({ model: provider("gpt-4o"), tools, prompt }), { name: "byResult" });
      const byWire = llm.wrap(async (prompt: string) => (await generateText({ model: provider("gpt-4o"), tools, prompt })).text, { name: "byWire" });
      if (viaFetch) await byWire("Weather in Paris?");
      else await byResult("Weather in Paris?");
    }
    await traces.flush();
    assert.equal(traces.get({ name: "byResult" }).attributes["llm.finish_reason"], "tool_calls");
    assert.equal(traces.get({ name: "byWire" }).attributes["llm.finish_reason"], "tool_calls");
  });
});

describe("@llm options, recorder and masking", () => {
  test("the provider and system options beat what a request's model names, whichever form the request's attributes take", async () => {
    using traces = captureTraces();
    // An OpenAI request whose model names openai: the options say the call went through Azure.
    const request = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], temperature: 0 };
    // A string answer names no model: what the span carries comes from the request and the options alone.
    const answer = "ok";
    for (const extra of [{}, { captureInput: false }, { captureOutput: false }]) {
      const ask = llm.wrap(async (_r: typeof request) => answer, { name: `azure ${JSON.stringify(extra)}`, provider: "azure", system: "openai-azure", ...extra });
      assert.equal(await ask(request), answer);
      const a = traces.get({ name: `azure ${JSON.stringify(extra)}` }).attributes;
      assert.equal(a["llm.provider"], "azure", JSON.stringify(extra));
      assert.equal(a["llm.system"], "openai-azure", JSON.stringify(extra));
      assert.equal(a["llm.model_name"], "gpt-4o", JSON.stringify(extra));
      assert.equal(a["llm.input_messages.0.message.content"], "captureInput" in extra ? undefined : "hi", JSON.stringify(extra));
    }
    // Without the options, the request's model decides.
    const plain = llm.wrap(async (_r: typeof request) => answer, { name: "inferred" });
    await plain(request);
    assert.equal(traces.get({ name: "inferred" }).attributes["llm.provider"], "openai");
  });

  test("options give provider/system/model and beat inference; wrong options fail at definition", async () => {
    using traces = captureTraces();
    const ask = llm.wrap(async (q: string) => `echo ${q}`, { provider: "openrouter", system: "google", model: "openrouter/google/gemma-3n-e4b-it:free", invocationParameters: { temperature: 1 } });
    assert.equal(await ask("hi"), "echo hi");
    const a = traces.spans[0]!.attributes;
    assert.equal(a["llm.provider"], "openrouter");
    assert.equal(a["llm.system"], "google");
    assert.equal(a["llm.model_name"], "openrouter/google/gemma-3n-e4b-it:free");
    assert.equal(a["llm.invocation_parameters"], '{"temperature":1}');
    assert.equal(a["llm.input_messages.0.message.content"], "hi");
    assert.equal(a["llm.output_messages.0.message.content"], "echo hi");
    assert.throws(() => llm.wrap(async () => "", { temperature: 1 } as never), (e) => e instanceof CalltreeError && /temperature/.test(e.message));
    assert.throws(() => { class A { @llm({ provider: 3 } as never) m() {} } return A; }, (e) => e instanceof CalltreeError && /provider/.test(e.message));
  });

  test("llm.record adds model, tokens and cost (from the catalog or user prices)", async () => {
    using traces = captureTraces();
    setModelPrices({ "my-model": { prompt: 1, completion: 2 } });
    try {
      class Local {
        @llm async ask(_q: string) {
          llm.record({ model: "my-model", provider: "local", tokenCount: { prompt: 1_000_000, completion: 500_000 }, outputMessages: [{ role: "assistant", content: "ok" }] });
          return "ok";
        }
      }
      await new Local().ask("q");
      const a = traces.spans[0]!.attributes;
      assert.equal(a["llm.model_name"], "my-model");
      assert.equal(a["llm.token_count.total"], 1_500_000);
      assert.equal(a["llm.cost.prompt"], 1);
      assert.equal(a["llm.cost.completion"], 1);
      assert.equal(a["llm.cost.total"], 2);
    } finally {
      clearModelPrices();
    }
  });

  test("an unknown model gets no cost attribute, never a made-up zero", async () => {
    using traces = captureTraces();
    const ask = llm.wrap(async () => { llm.record({ model: "no-such-model-xyz", tokenCount: { prompt: 10, completion: 2 } }); return "x"; });
    await ask();
    assert.equal(traces.spans[0]!.attributes["llm.cost.total"], undefined);
    assert.equal(traces.spans[0]!.attributes["llm.token_count.total"], 12);
  });

  test("OPENINFERENCE_HIDE_INPUT_MESSAGES / OUTPUT_TEXT masking applies to extracted and recorded attributes", async () => {
    using traces = captureTraces();
    configureCapture({ hide: { inputMessages: true, outputText: true } });
    try {
      const ask = llm.wrap(async (q: string) => { llm.record({ outputMessages: [{ role: "assistant", content: "secret answer" }] }); return q; });
      await ask("private question");
      const a = traces.spans[0]!.attributes;
      assert.equal(Object.keys(a).some((k) => k.startsWith("llm.input_messages")), false);
      assert.equal(a["llm.output_messages.0.message.content"], "__REDACTED__");
      assert.equal(a["llm.output_messages.0.message.role"], "assistant");
    } finally {
      resetCapture();
    }
  });
});

// @llm values go through core's capture: redaction keys, captureInput/captureOutput, the hide flags and
// maxValueLength reach messages, tools, parameters and tool arguments; long conversations keep what matters.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import OpenAI from "openai";
import { configureCapture, resetCapture } from "@calltree/core";
import { captureTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { llm, LLM_INPUT_MESSAGES_OMITTED } from "./index.js";

const usage = { promptTokens: 20, completionTokens: 5 };
const keysUnder = (a: Record<string, unknown>, prefix: string) => Object.keys(a).filter((k) => k.startsWith(prefix));

afterEach(() => resetCapture());

describe("@llm and core's capture", () => {
  test("redaction keys reach llm.invocation_parameters and tool arguments (argument and llm.fetch paths)", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const request = {
      model: "gpt-4o",
      temperature: 0,
      api_key: "sk-live-123456",
      metadata: { password: "hunter2", note: "kept" },
      messages: [
        { role: "user" as const, content: "Weather in Paris?" },
        {
          role: "assistant" as const,
          content: null,
          tool_calls: [{ id: "c1", type: "function" as const, function: { name: "login", arguments: '{"user":"ann","password":"hunter2"}' } }],
        },
        { role: "tool" as const, tool_call_id: "c1", content: "ok" },
      ],
    };
    const direct = llm.wrap((r: typeof request) => ({ ...r, id: "x", choices: [] }), { name: "direct" });
    direct(request);
    const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL, fetch: llm.fetch });
    const viaFetch = llm.wrap(async (q: string) => {
      const body = { ...request, messages: [{ role: "user" as const, content: q }] };
      const r = await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
      return r.choices[0]?.message.content ?? "";
    }, { name: "viaFetch" });
    await viaFetch("capital of China");
    await traces.flush();
    for (const name of ["direct", "viaFetch"]) {
      const a = traces.get({ name }).attributes;
      const all = JSON.stringify(Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith("llm."))));
      assert.doesNotMatch(all, /sk-live-123456|hunter2/, `${name}: ${all}`);
      const params = JSON.parse(String(a["llm.invocation_parameters"])) as Record<string, unknown>;
      assert.equal(params["api_key"], "[REDACTED]", name);
      assert.deepEqual(params["metadata"], { password: "[REDACTED]", note: "kept" }, name);
    }
    const args = JSON.parse(String(traces.get({ name: "direct" }).attributes["llm.input_messages.1.message.tool_calls.0.tool_call.function.arguments"]));
    assert.deepEqual(args, { user: "ann", password: "[REDACTED]" });
  });

  for (const streamed of [false, true]) {
    test(`captureInput: false removes messages, tools and parameters; captureOutput: false the output messages (${streamed ? "streamed" : "plain"})`, async () => {
      await using server = await startStandIn({ usage });
      using traces = captureTraces();
      const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL });
      const tools: OpenAI.ChatCompletionTool[] = [{ type: "function", function: { name: "weather", parameters: { type: "object" } } }];
      const make = (options: { captureInput?: boolean; captureOutput?: boolean }, name: string) =>
        llm.wrap(
          (q: string) =>
            client.chat.completions.create({
              model: "gpt-4o", temperature: 0.5, tools, tool_choice: "none",
              messages: [{ role: "user", content: q }],
              ...(streamed ? { stream: true as const, stream_options: { include_usage: true } } : {}),
            }),
          { ...options, name, invocationParameters: { top_k: 3 } },
        );
      for (const [options, name] of [[{ captureInput: false }, "noInput"], [{ captureOutput: false }, "noOutput"]] as const) {
        const r = await make(options, name)("capital of China");
        if (streamed) for await (const _ of r as AsyncIterable<unknown>) void _;
      }
      await traces.flush();
      const noInput = traces.get({ name: "noInput" }).attributes;
      for (const prefix of ["llm.input_messages", "llm.tools", "llm.invocation_parameters", "input.value"]) {
        assert.deepEqual(keysUnder(noInput, prefix), [], prefix);
      }
      assert.doesNotMatch(JSON.stringify(noInput), /capital of China|top_k/);
      assert.equal(noInput["llm.output_messages.0.message.content"], "Beijing");
      assert.equal(noInput["llm.token_count.total"], 25);
      const noOutput = traces.get({ name: "noOutput" }).attributes;
      for (const prefix of ["llm.output_messages", "output.value"]) assert.deepEqual(keysUnder(noOutput, prefix), [], prefix);
      assert.doesNotMatch(JSON.stringify(noOutput), /Beijing/);
      assert.equal(noOutput["llm.input_messages.0.message.content"], "capital of China");
      assert.equal(noOutput["llm.token_count.total"], 25);
    });
  }

  test("a string prompt and a string answer pass the same capture: captureInput/Output, hide flags, maxValueLength", () => {
    const ask = (name: string, options: { captureInput?: boolean; captureOutput?: boolean } = {}) =>
      llm.wrap((_q: string) => "Paris is the capital of France.", { name, ...options })("What is the capital of France?");
    using traces = captureTraces();
    ask("plain");
    ask("noInput", { captureInput: false });
    ask("noOutput", { captureOutput: false });
    configureCapture({ hide: { inputText: true, outputMessages: true } });
    ask("hidden");
    resetCapture();
    configureCapture({ maxValueLength: 64 });
    llm.wrap((q: string) => q.toUpperCase(), { name: "long" })("q".repeat(1_000));
    const plain = traces.get({ name: "plain" }).attributes;
    assert.equal(plain["llm.input_messages.0.message.role"], "user");
    assert.equal(plain["llm.input_messages.0.message.content"], "What is the capital of France?");
    assert.equal(plain["llm.output_messages.0.message.role"], "assistant");
    assert.equal(plain["llm.output_messages.0.message.content"], "Paris is the capital of France.");
    const noInput = traces.get({ name: "noInput" }).attributes;
    assert.deepEqual([...keysUnder(noInput, "llm.input_messages"), ...keysUnder(noInput, "input.")], []);
    assert.equal(noInput["llm.output_messages.0.message.content"], "Paris is the capital of France.");
    const noOutput = traces.get({ name: "noOutput" }).attributes;
    assert.deepEqual([...keysUnder(noOutput, "llm.output_messages"), ...keysUnder(noOutput, "output.")], []);
    assert.equal(noOutput["llm.input_messages.0.message.content"], "What is the capital of France?");
    const hidden = traces.get({ name: "hidden" }).attributes;
    assert.equal(hidden["llm.input_messages.0.message.content"], "__REDACTED__");
    assert.deepEqual(keysUnder(hidden, "llm.output_messages"), []);
    assert.equal(hidden["output.value"], "Paris is the capital of France.", "hide.outputs is not set");
    const long = traces.get({ name: "long" }).attributes;
    for (const key of ["llm.input_messages.0.message.content", "llm.output_messages.0.message.content"]) {
      assert.ok(String(long[key]).length <= 64 && String(long[key]).startsWith(key.startsWith("llm.in") ? "qqq" : "QQQ"), key);
    }
  });

  test("the hide flags apply to what @llm reads (invocation parameters, tools)", async () => {
    configureCapture({ hide: { invocationParameters: true, llmTools: true } });
    using traces = captureTraces();
    llm.wrap((r: unknown) => r, { name: "hidden" })({
      model: "gpt-4o", temperature: 1, messages: [{ role: "user", content: "hi" }],
      tools: [{ type: "function", function: { name: "weather", parameters: {} } }],
    });
    const a = traces.get({ name: "hidden" }).attributes;
    assert.equal(a["llm.invocation_parameters"], undefined);
    assert.deepEqual(keysUnder(a, "llm.tools"), []);
    assert.equal(a["llm.input_messages.0.message.content"], "hi");
  });

  test("maxValueLength bounds every @llm value: messages, base64 audio, tool arguments, tools, parameters", () => {
    configureCapture({ maxValueLength: 200 });
    using traces = captureTraces();
    const big = "x".repeat(40_000);
    const audio = `data:audio/wav;base64,${"A".repeat(40_000)}`;
    llm.wrap((r: unknown) => r, { name: "big" })({
      model: "gpt-4o",
      stop: [big],
      messages: [
        { role: "system", content: big },
        { role: "user", content: [{ type: "text", text: big }, { type: "input_audio", input_audio: { data: audio.slice(22), format: "wav" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: JSON.stringify({ blob: big }) } }] },
      ],
      tools: [{ type: "function", function: { name: "weather", description: big, parameters: { type: "object" } } }],
    });
    const a = traces.get({ name: "big" }).attributes;
    const long = Object.entries(a).filter(([, v]) => typeof v === "string" && v.length > 200);
    assert.deepEqual(long.map(([k, v]) => `${k}: ${String(v).length}`), []);
    assert.ok(Object.keys(a).some((k) => k.includes("tool_calls.0")), "tool calls kept, bounded");
  });

  test("llm.record() values are bounded and redacted too", () => {
    configureCapture({ maxValueLength: 100 });
    using traces = captureTraces();
    llm.wrap(() => {
      llm.record({
        invocationParameters: { temperature: 0, apiKey: "sk-secret-999" },
        inputMessages: [{ role: "user", content: "y".repeat(5_000) }],
        tools: [{ name: "t", description: "z".repeat(5_000) }],
      });
      return "ok";
    }, { name: "rec" })();
    const a = traces.get({ name: "rec" }).attributes;
    assert.doesNotMatch(JSON.stringify(a), /sk-secret-999/);
    for (const [k, v] of Object.entries(a)) if (typeof v === "string") assert.ok(v.length <= 100, `${k}: ${v.length}`);
  });

  test("a 200-message chat keeps every message: the cap is an attribute budget, not a message count", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL });
    const messages: OpenAI.ChatCompletionMessageParam[] = [];
    for (let i = 0; i < 200; i++) messages.push({ role: i % 2 === 0 ? "user" : "assistant", content: `message ${i}` });
    const ask = llm.wrap((r: OpenAI.ChatCompletionCreateParamsNonStreaming) => client.chat.completions.create(r), { name: "chat" });
    await ask({ model: "gpt-4o", messages });
    const a = traces.get({ name: "chat" }).attributes;
    for (let i = 0; i < 200; i++) assert.equal(a[`llm.input_messages.${i}.message.content`], `message ${i}`);
    assert.equal(a[LLM_INPUT_MESSAGES_OMITTED], undefined);
  });

  test("a 1,500-round-trip tool conversation keeps token counts, cost and output; the message list is capped and says what it left out", async () => {
    await using server = await startStandIn({ usage });
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "system", content: "You are a weather bot." }, { role: "user", content: "first question" }];
    for (let i = 0; i < 1_500; i++) {
      messages.push({
        role: "assistant",
        content: null,
        tool_calls: [{ id: `c${i}`, type: "function", function: { name: "weather", arguments: `{"city":"City${i}"}` } }],
      });
      messages.push({ role: "tool", tool_call_id: `c${i}`, content: `sunny ${i}` });
    }
    messages.push({ role: "user", content: "What is the capital of China?" });
    const ask = llm.wrap((r: OpenAI.ChatCompletionCreateParamsNonStreaming) => client.chat.completions.create(r), { name: "long" });
    await ask({ model: "gpt-4o", messages });
    const a = traces.get({ name: "long" }).attributes;
    assert.ok(Object.keys(a).length < 10_000, String(Object.keys(a).length));
    assert.equal(a["llm.token_count.total"], 25);
    assert.equal(typeof a["llm.cost.total"], "number");
    assert.equal(a["llm.output_messages.0.message.content"], "Beijing");
    assert.equal(a["llm.input_messages.0.message.content"], "You are a weather bot.");
    assert.equal(a["llm.input_messages.1.message.content"], "first question");
    const written = new Set(Object.keys(a).filter((k) => k.startsWith("llm.input_messages.")).map((k) => Number(k.split(".")[2])));
    const last = Math.max(...written);
    assert.equal(a[`llm.input_messages.${last}.message.content`], "What is the capital of China?");
    assert.equal(a[LLM_INPUT_MESSAGES_OMITTED], messages.length - written.size);
  });
});

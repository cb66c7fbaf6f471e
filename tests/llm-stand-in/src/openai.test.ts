import { describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startStandIn } from "./index.js";

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
} as const;

function client(baseURL: string, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI {
  return new OpenAI({ baseURL, apiKey: "sk-test-secret", ...extra });
}

describe("openai chat completions", () => {
  test("a non-streamed answer follows the built-in rules and reports exact usage", async () => {
    await using standIn = await startStandIn();
    const completion = await client(standIn.openaiBaseURL).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is the capital of China?" }],
    });
    assert.equal(completion.id, "chatcmpl-standin-1");
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.model, "gpt-4o-mini");
    assert.equal(completion.choices[0]?.message.content, "Beijing");
    assert.equal(completion.choices[0]?.finish_reason, "stop");
    assert.deepEqual(completion.usage, {
      prompt_tokens: 7,
      completion_tokens: 1,
      total_tokens: 8,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  test("other prompts are echoed and Japan's capital is Tokyo", async () => {
    await using standIn = await startStandIn();
    const openai = client(standIn.openaiBaseURL);
    const ask = async (content: string) =>
      (await openai.chat.completions.create({ model: "m", messages: [{ role: "user", content }] })).choices[0]?.message.content;
    assert.equal(await ask("capital of Japan?"), "Tokyo");
    assert.equal(await ask("Hello there"), "You said: Hello there");
  });

  test("usage options set cached and reasoning tokens; reasoning counts as completion", async () => {
    await using standIn = await startStandIn({ usage: { cachedTokens: 3, reasoningTokens: 2 } });
    const { usage } = await client(standIn.openaiBaseURL).chat.completions.create({
      model: "o3-mini",
      messages: [{ role: "user", content: "What is the capital of China?" }],
    });
    assert.equal(usage?.prompt_tokens, 7);
    assert.equal(usage?.prompt_tokens_details?.cached_tokens, 3);
    assert.equal(usage?.completion_tokens, 3);
    assert.equal(usage?.completion_tokens_details?.reasoning_tokens, 2);
    assert.equal(usage?.total_tokens, 10);
  });

  test("a streamed answer arrives in word chunks, then a usage chunk with no choices", async () => {
    await using standIn = await startStandIn({ reply: () => "One two three." });
    const stream = await client(standIn.openaiBaseURL).chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Count" }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.deepEqual(chunks.map((c) => c.choices[0]?.delta.content ?? null), ["", "One ", "two ", "three.", null, null]);
    assert.deepEqual(chunks.map((c) => c.choices[0]?.finish_reason ?? null), [null, null, null, null, "stop", null]);
    assert.ok(chunks.every((c) => c.id === "chatcmpl-standin-1" && c.object === "chat.completion.chunk"));
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.equal(last?.usage?.prompt_tokens, 1);
    assert.equal(last?.usage?.completion_tokens, 4);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
  });

  test("without include_usage a stream has no usage chunk", async () => {
    await using standIn = await startStandIn();
    const stream = await client(standIn.openaiBaseURL).chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "capital of Japan" }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), "Tokyo");
    assert.ok(chunks.every((c) => c.usage === undefined && c.choices.length === 1));
  });

  test("with tools and a user message last, it calls the tool with arguments fitted to the schema", async () => {
    await using standIn = await startStandIn();
    const completion = await client(standIn.openaiBaseURL).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What's the weather in Paris?" }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    assert.equal(choice?.finish_reason, "tool_calls");
    assert.equal(choice?.message.content, null);
    assert.deepEqual(choice?.message.tool_calls, [
      { id: "call_standin_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ]);
  });

  test("tool calls stream as incremental deltas the SDK's stream helper assembles", async () => {
    await using standIn = await startStandIn();
    const openai = client(standIn.openaiBaseURL);
    const raw = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "What's the weather in Paris?" }],
      tools: [weatherTool],
    });
    const argumentPieces: string[] = [];
    let first: unknown;
    for await (const chunk of raw) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call === undefined) continue;
      first ??= call;
      argumentPieces.push(call.function?.arguments ?? "");
    }
    assert.deepEqual(first, { index: 0, id: "call_standin_2", type: "function", function: { name: "get_weather", arguments: "" } });
    assert.ok(argumentPieces.length > 2);
    assert.equal(argumentPieces.join(""), '{"city":"Paris"}');

    const helper = openai.chat.completions.stream({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What's the weather in Paris?" }],
      tools: [weatherTool],
    });
    const final = await helper.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.type, "function");
    assert.deepEqual(call?.type === "function" ? call.function : undefined, { name: "get_weather", arguments: '{"city":"Paris"}' });
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
  });

  test("parallelToolCalls: one answer calls every offered tool, streamed (deltas by index) and not, unless parallel_tool_calls is false", async () => {
    await using standIn = await startStandIn({ parallelToolCalls: true });
    const openai = client(standIn.openaiBaseURL);
    const timeTool = { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { city: { type: "string" } } } } } as const;
    const messages = [{ role: "user" as const, content: "What's the weather in Paris?" }];
    const plain = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, tools: [weatherTool, timeTool] });
    const fns = (m: OpenAI.Chat.Completions.ChatCompletionMessage | undefined) =>
      (m?.tool_calls ?? []).map((c) => (c.type === "function" ? [c.function.name, c.function.arguments] : []));
    const both = [["get_weather", '{"city":"Paris"}'], ["get_time", '{"city":"Paris"}']];
    assert.deepEqual(fns(plain.choices[0]?.message), both);
    const streamed = await openai.chat.completions.stream({ model: "gpt-4o-mini", messages, tools: [weatherTool, timeTool] }).finalChatCompletion();
    assert.deepEqual(fns(streamed.choices[0]?.message), both);
    assert.notEqual(streamed.choices[0]?.message.tool_calls?.[0]?.id, streamed.choices[0]?.message.tool_calls?.[1]?.id);
    const one = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, tools: [weatherTool, timeTool], parallel_tool_calls: false });
    assert.deepEqual(fns(one.choices[0]?.message), both.slice(0, 1));
    const response = await openai.responses.stream({
      model: "gpt-4o-mini",
      input: "What's the weather in Paris?",
      tools: [{ type: "function", name: "get_weather", parameters: weatherTool.function.parameters, strict: false }, { type: "function", name: "get_time", parameters: timeTool.function.parameters, strict: false }],
    }).finalResponse();
    assert.deepEqual(response.output.map((o) => (o.type === "function_call" ? [o.name, o.arguments] : [])), both);
  });

  test("after a tool message it answers with the tool's result", async () => {
    await using standIn = await startStandIn();
    const completion = await client(standIn.openaiBaseURL).chat.completions.create({
      model: "gpt-4o-mini",
      tools: [weatherTool],
      messages: [
        { role: "user", content: "What's the weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: '{"celsius":21}' },
      ],
    });
    assert.equal(completion.choices[0]?.message.content, 'Tool get_weather returned: {"celsius":21}');
    assert.equal(completion.choices[0]?.finish_reason, "stop");
  });

  test("tool_choice none answers with text; a named tool_choice picks that tool", async () => {
    await using standIn = await startStandIn();
    const openai = client(standIn.openaiBaseURL);
    const timeTool = { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string", enum: ["UTC", "CET"] } } } } } as const;
    const none = await openai.chat.completions.create({
      model: "m", tools: [weatherTool, timeTool], tool_choice: "none", messages: [{ role: "user", content: "capital of China" }],
    });
    assert.equal(none.choices[0]?.message.content, "Beijing");
    const named = await openai.chat.completions.create({
      model: "m", tools: [weatherTool, timeTool], tool_choice: { type: "function", function: { name: "get_time" } },
      messages: [{ role: "user", content: "What time is it?" }],
    });
    const call = named.choices[0]?.message.tool_calls?.[0];
    assert.deepEqual(call?.type === "function" ? call.function : undefined, { name: "get_time", arguments: '{"zone":"UTC"}' });
  });

  test(".withResponse() exposes the raw response and the request id", async () => {
    await using standIn = await startStandIn();
    const { data, response, request_id } = await client(standIn.openaiBaseURL).chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "capital of China" }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "Beijing");
    assert.equal(request_id, "req_standin_1");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
  });
});

describe("openai responses API", () => {
  test("a non-streamed response carries output text, a message item and usage", async () => {
    await using standIn = await startStandIn({ usage: { cachedTokens: 2, reasoningTokens: 1 } });
    const response = await client(standIn.openaiBaseURL).responses.create({
      model: "gpt-4.1-mini",
      instructions: "Be brief.",
      input: "What is the capital of Japan?",
    });
    assert.equal(response.id, "resp_standin_1");
    assert.equal(response.status, "completed");
    assert.equal(response.model, "gpt-4.1-mini");
    assert.equal(response.output_text, "Tokyo");
    assert.equal(response.instructions, "Be brief.");
    assert.deepEqual(response.output, [
      { id: "msg_standin_2", type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Tokyo", annotations: [], logprobs: [] }] },
    ]);
    assert.deepEqual(response.usage, {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 2, cache_write_tokens: 0 },
      output_tokens: 2,
      output_tokens_details: { reasoning_tokens: 1 },
      total_tokens: 12,
    });
  });

  test("a streamed response sends the real event sequence, numbered, ending in response.completed with usage", async () => {
    await using standIn = await startStandIn({ reply: () => "Hello world" });
    const stream = await client(standIn.openaiBaseURL).responses.create({ model: "gpt-4.1", input: "Greet me", stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    assert.deepEqual(events.map((e) => e.type), [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    assert.deepEqual(events.map((e) => e.sequence_number), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const deltas = events.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : []));
    assert.deepEqual(deltas, ["Hello ", "world"]);
    const completed = events.at(-1);
    assert.equal(completed?.type === "response.completed" ? completed.response.usage?.output_tokens : undefined, 2);
    const created = events[0];
    assert.equal(created?.type === "response.created" ? created.response.status : undefined, "in_progress");
  });

  test("responses.stream() accumulates the final response", async () => {
    await using standIn = await startStandIn();
    const stream = client(standIn.openaiBaseURL).responses.stream({ model: "gpt-4.1", input: "capital of China" });
    const final = await stream.finalResponse();
    assert.equal(final.output_text, "Beijing");
    assert.equal(final.usage?.input_tokens, 3);
  });

  test("function tools produce a function_call item, streamed and not; its output is then quoted", async () => {
    await using standIn = await startStandIn();
    const openai = client(standIn.openaiBaseURL);
    const tools = [{ type: "function", name: "get_weather", strict: true, parameters: weatherTool.function.parameters }] as const;
    const response = await openai.responses.create({ model: "gpt-4.1", input: "Weather in Oslo?", tools: [...tools] });
    const call = response.output[0];
    assert.equal(call?.type, "function_call");
    assert.ok(call?.type === "function_call");
    assert.equal(call.name, "get_weather");
    assert.equal(call.arguments, '{"city":"Oslo"}');
    assert.equal(call.call_id, "call_standin_3");
    assert.equal(response.output_text, "");

    const stream = openai.responses.stream({ model: "gpt-4.1", input: "Weather in Oslo?", tools: [...tools] });
    const types: string[] = [];
    stream.on("event", (e) => types.push(e.type));
    const final = await stream.finalResponse();
    assert.ok(types.includes("response.function_call_arguments.delta"));
    assert.ok(types.includes("response.function_call_arguments.done"));
    const streamedCall = final.output[0];
    assert.equal(streamedCall?.type === "function_call" ? streamedCall.arguments : undefined, '{"city":"Oslo"}');

    const followUp = await openai.responses.create({
      model: "gpt-4.1",
      tools: [...tools],
      input: [
        { role: "user", content: "Weather in Oslo?" },
        { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: "rain" },
      ],
    });
    assert.equal(followUp.output_text, "Tool get_weather returned: rain");
  });
});

describe("openai embeddings", () => {
  test("the SDK's default base64 request decodes to the same vectors as encoding_format float", async () => {
    await using standIn = await startStandIn();
    const openai = client(standIn.openaiBaseURL);
    const viaBase64 = await openai.embeddings.create({ model: "text-embedding-3-small", input: ["alpha", "beta"] });
    assert.equal((standIn.requests[0]?.body as { encoding_format?: string }).encoding_format, "base64");
    const viaFloat = await openai.embeddings.create({ model: "text-embedding-3-small", input: ["alpha", "beta"], encoding_format: "float" });
    assert.equal(viaBase64.data.length, 2);
    assert.deepEqual(viaBase64.data.map((d) => d.embedding), viaFloat.data.map((d) => d.embedding));
    const [a, b] = viaFloat.data;
    assert.equal(a?.embedding.length, 8);
    assert.equal(a?.index, 0);
    assert.equal(b?.index, 1);
    assert.notDeepEqual(a?.embedding, b?.embedding);
    assert.ok(Math.abs(Math.hypot(...(a?.embedding ?? [])) - 1) < 1e-6);
    assert.deepEqual(viaFloat.usage, { prompt_tokens: 2, total_tokens: 2 });
    assert.equal(viaFloat.model, "text-embedding-3-small");
  });

  test("vectors are deterministic; dimensions come from the request or the options", async () => {
    await using standIn = await startStandIn({ embeddingDimensions: 16 });
    const openai = client(standIn.openaiBaseURL);
    const one = await openai.embeddings.create({ model: "e", input: "same text" });
    const two = await openai.embeddings.create({ model: "e", input: "same text" });
    assert.deepEqual(one.data[0]?.embedding, two.data[0]?.embedding);
    assert.equal(one.data[0]?.embedding.length, 16);
    const small = await openai.embeddings.create({ model: "e", input: "same text", dimensions: 3 });
    assert.equal(small.data[0]?.embedding.length, 3);
  });
});

describe("openai legacy completions", () => {
  test("answers a prompt, streamed and not", async () => {
    await using standIn = await startStandIn();
    const openai = client(standIn.openaiBaseURL);
    const completion = await openai.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi" });
    assert.equal(completion.object, "text_completion");
    assert.equal(completion.choices[0]?.text, "You said: Say hi");
    assert.equal(completion.usage?.prompt_tokens, 2);
    assert.equal(completion.usage?.completion_tokens, 5);

    const stream = await openai.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "capital of France",
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      usage ??= chunk.usage;
    }
    assert.equal(text, "Paris");
    assert.equal(usage?.total_tokens, 4);
  });
});

describe("openai faults", () => {
  test("a status directive in the model name raises the SDK's error class", async () => {
    await using standIn = await startStandIn();
    const openai = client(standIn.openaiBaseURL, { maxRetries: 0 });
    await assert.rejects(
      openai.chat.completions.create({ model: "gpt-4o#status=429", messages: [{ role: "user", content: "hi" }] }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.equal(error.status, 429);
        assert.equal(error.code, "rate_limit_exceeded");
        assert.equal(error.requestID, "req_standin_1");
        return true;
      },
    );
    await assert.rejects(
      openai.embeddings.create({ model: "e#status=500", input: "x" }),
      (error: unknown) => error instanceof OpenAI.InternalServerError && error.status === 500,
    );
  });

  test("a fault limited by times lets the SDK's retry succeed", async () => {
    await using standIn = await startStandIn();
    const completion = await client(standIn.openaiBaseURL).chat.completions.create({
      model: "gpt-4o#status=500#times=1",
      messages: [{ role: "user", content: "capital of China" }],
    });
    assert.equal(completion.choices[0]?.message.content, "Beijing");
    assert.equal(standIn.requests.length, 2);
    assert.equal(standIn.requests[1]?.headers["x-stainless-retry-count"], "1");
  });

  test("a fault from the options applies to every request until times runs out", async () => {
    await using standIn = await startStandIn({ fault: { status: 503, times: 2 } });
    const openai = client(standIn.openaiBaseURL, { maxRetries: 0 });
    const call = () => openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
    await assert.rejects(call(), (e: unknown) => e instanceof OpenAI.APIError && e.status === 503);
    await assert.rejects(call(), (e: unknown) => e instanceof OpenAI.APIError && e.status === 503);
    assert.equal((await call()).choices[0]?.message.content, "You said: hi");
  });

  test("a delay holds the answer back", async () => {
    await using standIn = await startStandIn();
    const started = performance.now();
    await client(standIn.openaiBaseURL).chat.completions.create({ model: "m#delay=150", messages: [{ role: "user", content: "hi" }] });
    assert.ok(performance.now() - started >= 140);
  });

  test("a chunk delay spaces stream events apart", async () => {
    await using standIn = await startStandIn({ reply: () => "a b c" });
    const stream = await client(standIn.openaiBaseURL).chat.completions.create({
      model: "m#chunkDelay=40",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const times: number[] = [];
    for await (const _ of stream) times.push(performance.now());
    assert.equal(times.length, 5);
    assert.ok((times.at(-1) ?? 0) - (times[0] ?? 0) >= 4 * 40 - 20);
  });

  test("a break directive cuts the stream after N chunks and the SDK sees a failure", async () => {
    await using standIn = await startStandIn({ reply: () => "one two three four five" });
    const stream = await client(standIn.openaiBaseURL, { maxRetries: 0 }).chat.completions.create({
      model: "gpt-4o#break=3",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const received: string[] = [];
    await assert.rejects(async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
    });
    assert.deepEqual(received, ["", "one ", "two "]);
  });

  test("a break on a non-streamed request drops the connection without an answer", async () => {
    await using standIn = await startStandIn();
    await assert.rejects(
      client(standIn.openaiBaseURL, { maxRetries: 0 }).chat.completions.create({ model: "m#break=1", messages: [{ role: "user", content: "hi" }] }),
      (e: unknown) => e instanceof OpenAI.APIConnectionError,
    );
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startStandIn, type ReplyContext } from "./index.js";

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("startStandIn", () => {
  test("listens on 127.0.0.1 and hands out base URLs for each SDK", async () => {
    await using standIn = await startStandIn();
    assert.match(standIn.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(standIn.openaiBaseURL, `${standIn.url}/v1`);
    assert.equal(standIn.anthropicBaseURL, standIn.url);
    const index = await fetch(standIn.url);
    assert.equal(index.status, 200);
    assert.equal(((await index.json()) as { name: string }).name, "@calltree-internal/llm-stand-in");
  });

  test("records method, path, masked secrets and the parsed body of every request", async () => {
    await using standIn = await startStandIn();
    await new OpenAI({ baseURL: standIn.openaiBaseURL, apiKey: "sk-very-secret" }).chat.completions.create({
      model: "gpt-4o-mini",
      temperature: 0.2,
      messages: [{ role: "user", content: "hi" }],
    });
    await post(`${standIn.url}/v1/messages`, { model: "c", max_tokens: 5, messages: [] }, { "x-api-key": "sk-ant-secret" });
    await fetch(`${standIn.url}/v1/embeddings`, { method: "POST", body: "not json" });
    const [chat, messages, broken] = standIn.requests;
    assert.equal(chat?.method, "POST");
    assert.equal(chat?.path, "/v1/chat/completions");
    assert.equal(chat?.headers.authorization, "Bearer ***");
    assert.deepEqual(chat?.body, { model: "gpt-4o-mini", temperature: 0.2, messages: [{ role: "user", content: "hi" }] });
    assert.equal(messages?.headers["x-api-key"], "***");
    assert.equal(broken?.body, "not json");
    assert.ok(!JSON.stringify(standIn.requests).includes("secret"));
  });

  test("a reply function scripts the answer and sees the flattened conversation", async () => {
    const seen: ReplyContext[] = [];
    await using standIn = await startStandIn({
      reply: (context) => {
        seen.push(context);
        return context.prompt === "skip" ? undefined : `scripted for ${context.model}`;
      },
    });
    const openai = new OpenAI({ baseURL: standIn.openaiBaseURL, apiKey: "k" });
    const answer = await openai.chat.completions.create({
      model: "gpt-x",
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: {} } } }],
      messages: [
        { role: "system", content: "Be kind." },
        { role: "user", content: [{ type: "text", text: "part one" }, { type: "text", text: "part two" }] },
      ],
    });
    assert.equal(answer.choices[0]?.message.content, "scripted for gpt-x");
    assert.deepEqual(seen[0]?.messages, [
      { role: "system", content: "Be kind." },
      { role: "user", content: "part one\npart two" },
    ]);
    assert.equal(seen[0]?.api, "openai.chat");
    assert.deepEqual(seen[0]?.tools, ["lookup"]);
    assert.equal(seen[0]?.prompt, "part one\npart two");
    const fallback = await openai.chat.completions.create({ model: "gpt-x", messages: [{ role: "user", content: "skip" }] });
    assert.equal(fallback.choices[0]?.message.content, "You said: skip");
  });

  test("respond scripts the whole answer: JSON on any path, streams in the route's style, else the built-in answer", async () => {
    const chunk = { id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "hi" }, finish_reason: null }] };
    await using standIn = await startStandIn({
      respond: (request) => {
        const body = request.body as { stream?: boolean; model?: string };
        if (request.path === "/custom/score") return { json: { score: 1 }, status: 201 };
        if (request.path === "/v1/chat/completions" && body.model === "scripted") return body.stream ? { events: [chunk] } : { json: { canned: true } };
        if (request.path === "/v1/messages") return { events: [{ type: "message_stop" }] };
        return undefined;
      },
    });
    const custom = await post(`${standIn.url}/custom/score`, { q: 1 });
    assert.deepEqual([custom.status, await custom.json()], [201, { score: 1 }]);
    assert.deepEqual(await (await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "scripted" })).json(), { canned: true });
    const streamed = await (await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "scripted", stream: true })).text();
    assert.equal(streamed, `data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
    const named = await (await post(`${standIn.url}/v1/messages`, { model: "claude", stream: true })).text();
    assert.equal(named, 'event: message_stop\ndata: {"type":"message_stop"}\n\n');
    const builtIn = (await (await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "gpt-4o-mini", messages: [{ role: "user", content: "What is the capital of China?" }] })).json()) as { choices: Array<{ message: { content: string } }> };
    assert.equal(builtIn.choices[0]!.message.content, "Beijing");
    assert.equal((await post(`${standIn.url}/elsewhere`, {})).status, 404, "unscripted unknown paths are still 404");
  });

  test("a fault function decides per request and sees the recorded request", async () => {
    await using standIn = await startStandIn({
      fault: (request) => (request.path === "/v1/embeddings" ? { status: 500 } : undefined),
    });
    assert.equal((await post(`${standIn.openaiBaseURL}/embeddings`, { model: "e", input: "x" })).status, 500);
    assert.equal((await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "m", messages: [] })).status, 200);
  });

  test("status faults send retry-after-ms 0 by default, a chosen value, or none", async () => {
    await using standIn = await startStandIn();
    const body = { model: "m#status=429", messages: [] };
    assert.equal((await post(`${standIn.openaiBaseURL}/chat/completions`, body)).headers.get("retry-after-ms"), "0");
    const chosen = await post(`${standIn.openaiBaseURL}/chat/completions`, { ...body, model: "m#status=429#retryAfter=250" });
    assert.equal(chosen.headers.get("retry-after-ms"), "250");
    await using quiet = await startStandIn({ fault: { status: 429, retryAfterMs: null } });
    const none = await post(`${quiet.openaiBaseURL}/chat/completions`, { model: "m", messages: [] });
    assert.equal(none.headers.get("retry-after-ms"), null);
    assert.deepEqual(await none.json(), { error: { message: "Injected fault: HTTP 429.", type: "requests", param: null, code: "rate_limit_exceeded" } });
  });

  test("break=0 drops a streamed request before any event", async () => {
    await using standIn = await startStandIn();
    await assert.rejects(post(`${standIn.openaiBaseURL}/chat/completions`, { model: "m#break=0", stream: true, messages: [] }));
    const whole = await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "m", stream: true, messages: [] });
    assert.equal(whole.headers.get("content-type"), "text/event-stream; charset=utf-8");
    assert.ok((await whole.text()).endsWith("data: [DONE]\n\n"));
  });

  test("unknown routes get a 404 in the API's error shape; bad bodies a 400", async () => {
    await using standIn = await startStandIn();
    const missing = await post(`${standIn.openaiBaseURL}/images/generations`, {});
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { type: string } }).error.type, "invalid_request_error");
    const wrongMethod = await fetch(`${standIn.openaiBaseURL}/chat/completions`);
    assert.equal(wrongMethod.status, 404);
    const noMessages = await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "m" });
    assert.equal(noMessages.status, 400);
    const array = await post(`${standIn.url}/v1/messages`, [1, 2]);
    assert.equal(array.status, 400);
    assert.equal(((await array.json()) as { type: string }).type, "error");
  });

  test("close() is idempotent and stops the server, also with an open keep-alive connection", async () => {
    const standIn = await startStandIn();
    await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "m", messages: [] });
    await Promise.all([standIn.close(), standIn.close()]);
    await standIn.close();
    await assert.rejects(fetch(standIn.url));
  });

  test("close() ends a delayed request without waiting for the delay", async () => {
    const standIn = await startStandIn();
    const pending = post(`${standIn.openaiBaseURL}/chat/completions`, { model: "m#delay=60000", messages: [] });
    while (standIn.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await standIn.close();
    await assert.rejects(pending);
    // Not a speed bound: had close() waited for the delay it would take 60 s; half of that leaves any busy machine
    // room to spare.
    assert.ok(performance.now() - started < 30_000);
  });
});

describe("rerank (Cohere style)", () => {
  test("orders documents by deterministic relevance and honours top_n", async () => {
    await using standIn = await startStandIn();
    const response = await post(`${standIn.url}/v1/rerank`, {
      model: "rerank-v3.5",
      query: "capital of France",
      documents: ["Berlin is in Germany.", "Paris is the capital of France.", { text: "France has many cities." }],
      top_n: 2,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      id: "rerank-standin-1",
      results: [
        { index: 1, relevance_score: 1 },
        { index: 2, relevance_score: 0.3333 },
      ],
      meta: { api_version: { version: "2" }, billed_units: { search_units: 1 } },
    });
  });

  test("returns documents when asked and rejects a request without a query", async () => {
    await using standIn = await startStandIn();
    const response = await post(`${standIn.url}/v2/rerank`, { model: "r", query: "tea", documents: ["coffee", "green tea"], return_documents: true });
    const body = (await response.json()) as { results: unknown[] };
    assert.deepEqual(body.results, [
      { index: 1, relevance_score: 1, document: { text: "green tea" } },
      { index: 0, relevance_score: 0, document: { text: "coffee" } },
    ]);
    const bad = await post(`${standIn.url}/v1/rerank`, { documents: ["a"] });
    assert.equal(bad.status, 400);
  });

  test("holdAfter stops a stream after N events until the client leaves; streamEnded tells how it ended", async () => {
    await using standIn = await startStandIn({ reply: () => "one two three four five six seven eight nine ten" });
    const res = await post(`${standIn.openaiBaseURL}/chat/completions`, {
      model: "gpt-4o#hold=2",
      stream: true,
      messages: [{ role: "user", content: "count" }],
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while ((text.match(/\n\n/g) ?? []).length < 2) {
      const r = await reader.read();
      if (r.done) break;
      text += decoder.decode(r.value, { stream: true });
    }
    await reader.cancel();
    assert.deepEqual(await standIn.streamEnded(0), { events: 2, clientLeft: true });
  });

  test("a released hold, or none, streams to the end: clientLeft false", async () => {
    await using standIn = await startStandIn({ reply: () => "one two three" });
    standIn.release();
    const held = await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "m#hold=1", stream: true, messages: [] });
    await held.text();
    const end = await standIn.streamEnded(0);
    assert.equal(end.clientLeft, false);
    assert.ok(end.events > 2, String(end.events));
    await (await post(`${standIn.openaiBaseURL}/chat/completions`, { model: "m", messages: [] })).json();
    assert.equal((await standIn.streamEnded(1)).clientLeft, false);
    await assert.rejects(standIn.streamEnded(9), RangeError);
  });

  test("answerModel names the answering model in chat answers, as an API resolves an alias", async () => {
    await using standIn = await startStandIn({ answerModel: (m) => `${m}-2024-08-06` });
    const client = new OpenAI({ baseURL: standIn.openaiBaseURL, apiKey: "sk" });
    const answer = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    assert.equal(answer.model, "gpt-4o-2024-08-06");
  });
});

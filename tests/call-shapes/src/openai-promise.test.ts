import { describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { chain } from "@calltree/chain";
import { captureTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { isChildOf } from "./helpers.js";

// The real openai SDK, against a local OpenAI-compatible server: what a decorated method returns from the SDK
// keeps working exactly as the SDK documents it.
describe("returned openai SDK objects keep their class and methods", () => {
  test("an APIPromise keeps .withResponse(); the span ends when the caller consumes it", async () => {
    await using server = await startStandIn();
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
    class Bot {
      @chain ask(q: string) {
        return client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: q }] });
      }
    }
    const p = new Bot().ask("What's the capital of China?");
    assert.equal(p.constructor.name, "APIPromise");
    const { data, response } = await p.withResponse();
    assert.equal(data.choices[0]?.message.content, "Beijing");
    assert.equal(response.status, 200);
    const span = traces.get({ name: "Bot.ask" });
    assert.match(String(span.attributes["output.value"]), /Beijing/);
  });

  test("an awaited APIPromise records the completion", async () => {
    await using server = await startStandIn();
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
    const ask = chain.wrap(function ask(q: string) {
      return client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: q }] });
    });
    const completion = await ask("What's the capital of Japan?");
    assert.equal(completion.choices[0]?.message.content, "Tokyo");
    assert.match(String(traces.get({ name: "ask" }).attributes["output.value"]), /Tokyo/);
  });

  test("asResponse() hands back the raw Response with its body unread", async () => {
    await using server = await startStandIn();
    using _ = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
    const ask = chain.wrap((q: string) => client.chat.completions.create({ model: "m", messages: [{ role: "user", content: q }] }));
    const raw = await ask("capital of China").asResponse();
    assert.equal(raw.bodyUsed, false);
    const body = (await raw.json()) as { choices: Array<{ message: { content: string } }> };
    assert.equal(body.choices[0]?.message.content, "Beijing");
  });

  test("a returned openai Stream keeps tee() and its controller; the span ends when consumed", async () => {
    await using server = await startStandIn();
    using traces = captureTraces();
    const client = new OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
    class Bot {
      @chain async stream(q: string) {
        return client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: q }] });
      }
      @chain async top(q: string) {
        const s = await this.stream(q);
        assert.ok(s.controller instanceof AbortController);
        const [left, right] = s.tee();
        let a = "";
        for await (const c of left) a += c.choices[0]?.delta.content ?? "";
        let b = "";
        for await (const c of right) b += c.choices[0]?.delta.content ?? "";
        return [a, b];
      }
    }
    const [a, b] = await new Bot().top("What's the capital of China?");
    assert.equal(a, "Beijing");
    assert.equal(b, "Beijing");
    const span = traces.get({ name: "Bot.stream" });
    assert.equal(span.attributes["calltree.stream.state"], "completed");
    assert.ok(isChildOf(span, traces.get({ name: "Bot.top" })));
  });
});

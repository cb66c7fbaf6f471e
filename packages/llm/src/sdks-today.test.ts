// @llm with the SDKs users run today — openai@7 and @anthropic-ai/sdk 1.17 (both need node >= 22) — against the
// local stand-in. Under an older node this file runs itself under the node 22 binary the package installs from npm.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { CapturedTraces } from "@calltree/testing";
type ReadableSpan = CapturedTraces["spans"][number];
import { captureTraces } from "@calltree/testing";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { llm } from "./index.js";

type OpenAI7 = typeof import("openai-7").default;
type Anthropic117 = typeof import("anthropic-1-17").default;

const major = Number(process.versions.node.split(".")[0]);

/** Tokens of a trace, each span counted by the convention it carries (OpenInference first, else GenAI). */
export function traceTokens(spans: readonly ReadableSpan[]): number {
  let sum = 0;
  for (const s of spans) {
    const a = s.attributes;
    if (typeof a["llm.token_count.total"] === "number") sum += a["llm.token_count.total"];
    else if (typeof a["gen_ai.usage.input_tokens"] === "number" || typeof a["gen_ai.usage.output_tokens"] === "number") {
      sum += Number(a["gen_ai.usage.input_tokens"] ?? 0) + Number(a["gen_ai.usage.output_tokens"] ?? 0);
    }
  }
  return sum;
}

/** Spans that carry any usage (token counts in either convention). */
function spansWithUsage(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((s) => Object.keys(s.attributes).some((k) => k.startsWith("llm.token_count.") || k.startsWith("gen_ai.usage.")));
}

if (major < 22) {
  test("openai@7 and @anthropic-ai/sdk 1.17 need node >= 22: this file passes under node 22", () => {
    const require = createRequire(import.meta.url);
    const bin = join(dirname(require.resolve("node22/package.json")), "bin/node");
    // Without the runner's NODE_TEST_CONTEXT: with it, node 22 takes itself for a nested run and runs no file.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(bin, ["--enable-source-maps", "--test", "--test-reporter=tap", fileURLToPath(import.meta.url)], { encoding: "utf8", env });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /# fail 0/);
  });
} else {
  const tools = [
    {
      type: "function" as const,
      function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
    },
  ];

  describe("@llm with openai@7", () => {
    for (const viaFetch of [false, true]) {
      const how = viaFetch ? "with llm.fetch" : "without llm.fetch";
      test(`a returned stream records the text and the tool arguments once (${how})`, async () => {
        const { default: OpenAI } = (await import("openai-7")) as { default: OpenAI7 };
        await using server = await startStandIn({ reply: (c) => (c.tools.length > 0 ? undefined : "Beijing is the capital.") });
        using traces = captureTraces();
        const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL, ...(viaFetch ? { fetch: llm.fetch } : {}) });
        const stream = llm.wrap(
          (q: string, withTools: boolean) =>
            client.chat.completions.create({
              model: "gpt-4o-mini",
              stream: true,
              stream_options: { include_usage: true },
              messages: [{ role: "user", content: q }],
              ...(withTools ? { tools } : {}),
            }),
          { name: "stream" },
        );
        let text = "";
        for await (const c of await stream("What is the capital of China?", false)) text += c.choices[0]?.delta.content ?? "";
        assert.equal(text, "Beijing is the capital.");
        for await (const _ of await stream("Weather in Paris?", true)) void _;
        await traces.flush();
        const [plain, called] = traces.find({ name: "stream" });
        assert.equal(plain!.attributes["output.value"], "Beijing is the capital.");
        assert.equal(plain!.attributes["llm.output_messages.0.message.content"], "Beijing is the capital.");
        assert.equal(plain!.attributes["llm.token_count.completion"], 5);
        assert.equal(called!.attributes["llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"], '{"city":"Paris"}');
        assert.equal(plain!.events.filter((e) => e.name === "First Token Stream Event").length, 1);
      });
    }

    test("a streamed answer that is only tool calls has the assistant message as output.value", async () => {
      const { default: OpenAI } = (await import("openai-7")) as { default: OpenAI7 };
      await using server = await startStandIn();
      using traces = captureTraces();
      const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL });
      const stream = llm.wrap((q: string) =>
        client.chat.completions.create({ model: "gpt-4o-mini", stream: true, tools, messages: [{ role: "user", content: q }] }),
      );
      for await (const _ of await stream("Weather in Paris?")) void _;
      const a = traces.get({ kind: "LLM" }).attributes;
      assert.equal(a["output.mime_type"], "application/json");
      const out = JSON.parse(String(a["output.value"])) as { role: string; tool_calls: Array<{ function: { name: string; arguments: string } }> };
      assert.equal(out.role, "assistant");
      assert.equal(out.tool_calls[0]?.function.name, "weather");
      assert.equal(out.tool_calls[0]?.function.arguments, '{"city":"Paris"}');
      assert.doesNotMatch(String(a["output.value"]), /0\.message\.role/);
    });

    test("llm.fetch: break out of a stream inside @llm closes the connection (the server writes no more)", async () => {
      const { default: OpenAI } = (await import("openai-7")) as { default: OpenAI7 };
      await using server = await startStandIn({ reply: () => Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ") });
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
      const end = await server.streamEnded(0);
      assert.deepEqual(end, { events: 3, clientLeft: true });
      await traces.flush();
      // What the app pulled, not what a copy read on.
      assert.match(String(traces.get({ kind: "LLM" }).attributes["llm.output_messages.0.message.content"]), /^w0 w1\s*$/);
    });

    test("llm.model_name is the answering model for ask(question) → string, plain and streamed, through llm.fetch", async () => {
      const { default: OpenAI } = (await import("openai-7")) as { default: OpenAI7 };
      await using server = await startStandIn({ answerModel: (m) => `${m}-2024-08-06` });
      using traces = captureTraces();
      const client = new OpenAI({ apiKey: "sk", baseURL: server.openaiBaseURL, fetch: llm.fetch });
      class Assistant {
        @llm async ask(question: string): Promise<string> {
          const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
          return r.choices[0]?.message.content ?? "";
        }
        @llm async askStreamed(question: string): Promise<string> {
          const s = await client.chat.completions.create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: question }] });
          let text = "";
          for await (const c of s) text += c.choices[0]?.delta.content ?? "";
          return text;
        }
      }
      assert.equal(await new Assistant().ask("capital of China"), "Beijing");
      assert.equal(await new Assistant().askStreamed("capital of China"), "Beijing");
      await traces.flush();
      for (const name of ["Assistant.ask", "Assistant.askStreamed"]) {
        const a = traces.get({ name }).attributes;
        assert.equal(a["llm.model_name"], "gpt-4o-2024-08-06", name);
        assert.equal(a["llm.response.model_name"], "gpt-4o-2024-08-06", name);
        assert.equal(a["llm.request.model_name"], "gpt-4o", name);
        assert.equal(JSON.parse(String(a["llm.invocation_parameters"])).model, "gpt-4o", name);
      }
      // Consumed inside the method: the first-token time comes from what llm.fetch saw.
      assert.equal(traces.get({ name: "Assistant.askStreamed" }).events.filter((e) => e.name === "First Token Stream Event").length, 1);
    });
  });

  describe("@llm with @anthropic-ai/sdk 1.17, its own OpenTelemetry left on (the default)", () => {
    async function run(viaFetch: boolean, stream: boolean) {
      const { default: Anthropic } = (await import("anthropic-1-17")) as { default: Anthropic117 };
      const server = await startStandIn({
        usage: { promptTokens: 30, completionTokens: 7 },
        reply: (c) => (c.tools.length > 0 ? undefined : "Tokyo is the capital."),
      });
      const traces = captureTraces({ global: true });
      const client = new Anthropic({ apiKey: "sk-ant", baseURL: server.anthropicBaseURL, ...(viaFetch ? { fetch: llm.fetch } : {}) });
      const ask = llm.wrap(
        (q: string) =>
          client.messages.create({
            model: "claude-sonnet-4-5",
            max_tokens: 100,
            stream,
            messages: [{ role: "user", content: q }],
            ...(q.startsWith("Weather")
              ? { tools: [{ name: "weather", description: "Weather", input_schema: { type: "object" as const, properties: { city: { type: "string" } } } }] }
              : {}),
          }),
        { name: "ask" },
      );
      let text = "";
      const first = await ask("What is the capital of Japan?");
      if (stream) {
        for await (const e of first as AsyncIterable<{ type: string; delta?: { type: string; text?: string } }>) {
          if (e.type === "content_block_delta" && e.delta?.type === "text_delta") text += e.delta.text ?? "";
        }
        for await (const _ of (await ask("Weather in Paris?")) as AsyncIterable<unknown>) void _;
      } else await ask("Weather in Paris?");
      await traces.flush();
      const [plain, called] = traces.find({ name: "ask" });
      return { server, traces, plain: plain!, called: called!, text };
    }

    function assertUsageOnce(traces: CapturedTraces, parents: readonly ReadableSpan[]): void {
      assert.equal(traceTokens(traces.spans), 2 * 37, "each token once per trace");
      for (const p of parents) {
        const own = traces.spans.filter((s) => s === p || s.parentSpanContext?.spanId === p.spanContext().spanId);
        assert.equal(spansWithUsage(own).length, 1, "usage on exactly one span");
      }
    }

    for (const viaFetch of [false, true]) {
      const how = viaFetch ? "with llm.fetch" : "without llm.fetch";
      test(`a returned stream records text and tool arguments once, and the SDK's spans nest (${how})`, async () => {
        const { server, traces, plain, called, text } = await run(viaFetch, true);
        try {
          assert.equal(text, "Tokyo is the capital.");
          assert.equal(plain.attributes["output.value"], "Tokyo is the capital.");
          assert.equal(called.attributes["llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"], '{"city":"Paris"}');
          const sdkSpans = traces.spans.filter((s) => s.name !== "ask");
          assert.equal(sdkSpans.length, 2, traces.shape());
          for (const s of sdkSpans) assert.ok([plain, called].some((p) => p.spanContext().spanId === s.parentSpanContext?.spanId), traces.shape());
        } finally {
          traces.restore();
          await server.close();
        }
      });

      test(`non-streamed: the SDK's gen_ai.usage span keeps the tokens, the @llm span none (${how})`, async () => {
        const { server, traces, plain, called } = await run(viaFetch, false);
        try {
          assertUsageOnce(traces, [plain, called]);
          assert.equal(plain.attributes["llm.token_count.total"], undefined);
          // Its gen_ai.* span has no cost, and calltree writes none on another library's span: the cost is here.
          assert.equal(typeof plain.attributes["llm.cost.total"], "number");
        } finally {
          traces.restore();
          await server.close();
        }
      });

      test(`streamed: tokens once per trace (${how})`, async () => {
        const { server, traces, plain, called } = await run(viaFetch, true);
        try {
          assertUsageOnce(traces, [plain, called]);
        } finally {
          traces.restore();
          await server.close();
        }
      });
    }
  });
}

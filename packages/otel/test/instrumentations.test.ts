import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { register } from "@calltree/otel";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { inSpan, tracerOf } from "./util.js";

describe("register({ instrumentations })", () => {
  test("enables the given instrumentation with calltree's provider; manuallyInstrument patches an ES module import", async () => {
    // The LLM stand-in as the OpenAI API, scripted to answer one canned chat completion.
    const server = await startStandIn({
      respond: () => ({
        json: {
          id: "c", object: "chat.completion", created: 1, model: "gpt-4o-mini",
          choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        },
      }),
    });
    const instrumentation = new OpenAIInstrumentation();
    const tracing = register({ exporter: "memory", instrumentations: [instrumentation], logLevel: "silent" });
    try {
      assert.deepEqual(tracing.instrumentations, [instrumentation]);
      const openai = await import("openai");
      tracing.manuallyInstrument({ openai });
      const client = new openai.OpenAI({ apiKey: "sk-test", baseURL: server.openaiBaseURL });
      await inSpan(tracerOf(), "Assistant.run", "AGENT", () =>
        client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] }));
      const spans = tracing.spans();
      const root = spans.find((s) => s.name === "Assistant.run");
      const llm = spans.find((s) => s.attributes["openinference.span.kind"] === "LLM");
      assert.ok(root && llm, spans.map((s) => s.name).join(", "));
      assert.equal(llm.parentSpanContext?.spanId, root.spanContext().spanId);
      assert.equal(llm.attributes["llm.token_count.total"], 4);
      assert.throws(() => tracing.manuallyInstrument({ anthropic: {} }), (error: unknown) => {
        assert.equal((error as { code: string }).code, "NO_INSTRUMENTATION");
        assert.match((error as Error).message, /no enabled instrumentation patches "anthropic" \(enabled ones patch: openai\)/);
        return true;
      });
    } finally {
      await tracing.shutdown();
      await server.close();
    }
  });
});

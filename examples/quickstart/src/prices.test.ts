import { test } from "node:test";
import assert from "node:assert/strict";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";

// register({ prices }) as an app uses it: the app has @calltree/llm installed (as this example does), and the
// prices given at setup are what its @llm spans are costed with.
test("register({ prices }) prices @llm spans of the app's @calltree/llm", async () => {
  const tracing = register({
    exporter: "memory",
    global: false,
    flushOnExit: false,
    logLevel: "silent",
    prices: { "house-model": { prompt: 1, completion: 2 } },
  });
  try {
    const ask = llm.wrap(async function ask(question: string) {
      llm.record({ model: "house-model", tokenCount: { prompt: 1_000_000, completion: 500_000 } });
      return `answer to ${question}`;
    });
    assert.equal(await ask("q"), "answer to q");
    await tracing.forceFlush();
    const span = tracing.spans().find((s) => s.name === "ask");
    assert.ok(span);
    assert.equal(span.attributes["llm.cost.prompt"], 1);
    assert.equal(span.attributes["llm.cost.completion"], 1);
    assert.equal(span.attributes["llm.cost.total"], 2);
  } finally {
    await tracing.shutdown();
  }
});

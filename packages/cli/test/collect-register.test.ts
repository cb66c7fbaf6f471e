import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { agent } from "@calltree/agent";
import { llm } from "@calltree/llm";
import { register } from "@calltree/otel";
import { CollectProcess } from "./helpers.js";

// calltree's own register() pointed at `calltree collect`, over both OTLP encodings: the decorated call tree
// arrives whole and is printed as one tree.
describe("calltree collect receives what register() sends", () => {
  for (const protocol of ["http/protobuf", "http/json"] as const) {
    test(`over ${protocol}`, async () => {
      await using collect = await CollectProcess.start(["--no-out", "--no-color"]);
      const tracing = register({
        endpoint: collect.url,
        protocol,
        projectName: "collect-test",
        global: false,
        flushOnExit: false,
        logLevel: "silent",
        apiKey: "sk-secret-key",
      });
      try {
        const ask = llm.wrap(async (q: string) => {
          llm.record({ model: "gpt-4o", tokenCount: { prompt: 10, completion: 2 } });
          return `answer to ${q}`;
        }, { name: "ask" });
        const run = agent.wrap(async (q: string) => [await ask(q), await ask(`${q}?`)], { name: "run" });
        await run("capital of China");
        await tracing.forceFlush();
      } finally {
        await tracing.shutdown();
      }
      await collect.waitFor(() => collect.tracesPrinted === 1, "one trace");
      const lines = collect.stdout.trim().split("\n");
      assert.match(lines[0]!, /^trace [0-9a-f]{32}\s+3 spans\b.*24 tok/);
      assert.match(lines[1]!, /^AGENT run\b/);
      assert.match(lines[2]!, /^├─ LLM ask\b.*gpt-4o/);
      assert.match(lines[3]!, /^└─ LLM ask\b.*gpt-4o/);
      assert.doesNotMatch(collect.stdout + collect.stderr, /sk-secret-key/);
    });
  }
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startStandIn } from "@calltree-internal/llm-stand-in";

/** The LLM stand-in as the OpenAI API, scripted to answer one canned chat completion. */
function startOpenAiServer() {
  return startStandIn({
    respond: () => ({
      json: {
        id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-4o-mini-2024-07-18",
        choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      },
    }),
  });
}

function run(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|PHOENIX_|CALLTREE_|NODE_TEST)/.test(k)));
  const child = spawn(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("register({ autoInstrument: true })", () => {
  test("a CommonJS app: the installed OpenInference OpenAI instrumentation is enabled and its span nests under the active span", async () => {
    const openai = await startOpenAiServer();
    try {
      const r = await run("./child-openai.cjs", { CT_OPENAI_URL: openai.openaiBaseURL });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { instrumentations: number; spans: Array<{ name: string; kind: string; model: string; tokens: number; parent: string; id: string }> };
      assert.equal(out.instrumentations, 1);
      const root = out.spans.find((s) => s.name === "Assistant.run");
      const llm = out.spans.find((s) => s.kind === "LLM");
      assert.ok(root && llm, JSON.stringify(out.spans));
      assert.equal(llm.model, "gpt-4o-mini-2024-07-18");
      assert.equal(llm.tokens, 7);
      assert.equal(llm.parent, root.id);
      assert.doesNotMatch(r.stderr, /autoInstrument/, "no hint for a CommonJS app that registered first");
    } finally {
      await openai.close();
    }
  });

  test("a CommonJS app that loaded the SDK before register(): says so once, with what to do", async () => {
    const openai = await startOpenAiServer();
    try {
      const r = await run("./child-openai.cjs", { CT_OPENAI_URL: openai.openaiBaseURL, CT_REQUIRE_FIRST: "1" });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stderr.split("\n").filter((l) => l.includes("autoInstrument")), [
        '[calltree] autoInstrument: openai was loaded before register(); call register() first (in a module loaded before the SDKs), ' +
          'or tracing.manuallyInstrument({ "openai": require("openai") }).',
      ]);
    } finally {
      await openai.close();
    }
  });

  test("an ES module app: says once to call tracing.manuallyInstrument, and that call makes the SDK traced", async () => {
    const openai = await startOpenAiServer();
    try {
      const without = await run("./child-openai-esm.js", { CT_OPENAI_URL: openai.openaiBaseURL });
      assert.equal(without.code, 0, without.stderr);
      const hints = without.stderr.split("\n").filter((l) => l.includes("autoInstrument"));
      assert.deepEqual(hints, [
        '[calltree] autoInstrument: this app is an ES module, so openai cannot be patched on import. Call tracing.manuallyInstrument({ "openai": openai }) after `import * as openai from "openai"` (one entry per SDK).',
      ]);
      assert.deepEqual((JSON.parse(without.stdout) as { spans: unknown[] }).spans, [{ name: "Assistant.run" }]);

      const manual = await run("./child-openai-esm.js", { CT_OPENAI_URL: openai.openaiBaseURL, CT_MANUAL: "1" });
      assert.equal(manual.code, 0, manual.stderr);
      const spans = (JSON.parse(manual.stdout) as { spans: Array<{ kind?: string; model?: string }> }).spans;
      assert.equal(spans.filter((s) => s.kind === "LLM").length, 1, JSON.stringify(spans));
    } finally {
      await openai.close();
    }
  });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { outlineOf } from "./index.js";

test("outlineOf reads the console exporter's tree: kinds, names with spaces, nesting", () => {
  const printed = [
    "[calltree] traces → console, one tree per trace (project \"x\")",
    "AGENT Geographer.run · 57ms",
    "├─ LLM Geographer.ask · 38ms · gpt-4o-mini · 15 tokens (14 in, 1 out) · $0.0000027",
    "│  └─ LLM OpenAI Chat Completions · 0.42ms",
    "└─ AGENT summarizer · 1.20s",
    "   └─ TOOL population · 1m05s · ✗ Error: boom",
    "answer: LLM Geographer.ask says 38ms",
  ].join("\n");
  assert.deepEqual(outlineOf(printed), [
    "AGENT Geographer.run",
    "  LLM Geographer.ask",
    "    LLM OpenAI Chat Completions",
    "  AGENT summarizer",
    "    TOOL population",
  ]);
});

test("outlineOf reads @calltree/render's tree (trace header, two-space separators) and strips colours", () => {
  const printed = [
    "trace 0af7651916cd43dd8448eb211c80319c  3 spans  12ms",
    "\u001b[34mCHAIN\u001b[0m Rag.ask  12ms",
    "├─ RETRIEVER Rag.search  4.00ms",
    "│  └─ TOOL Rag.lookup  88µs",
    "└─ LLM Rag.answer  8ms  gpt-4o-mini  20 tok (15 in, 5 out)",
    "EVALUATOR Rag.judge  1m 05s",
  ].join("\n");
  assert.deepEqual(outlineOf(printed), [
    "CHAIN Rag.ask",
    "  RETRIEVER Rag.search",
    "    TOOL Rag.lookup",
    "  LLM Rag.answer",
    "EVALUATOR Rag.judge",
  ]);
});

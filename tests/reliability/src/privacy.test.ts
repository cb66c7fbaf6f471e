// The table in docs/privacy.md, proved row by row: for each kind, one call whose arguments carry an input marker
// and whose result carries an output marker, run with both options on, with `captureInput: false`, with
// `captureOutput: false` and with both off. Each listed key must be there when captured and absent when not, the
// marker of what was withheld must appear nowhere on the span, and the "kept" keys must stay.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { agent } from "@calltree/agent";
import { chain } from "@calltree/chain";
import { resetCapture, withMetadata } from "@calltree/core";
import { embedding } from "@calltree/embedding";
import { evaluator } from "@calltree/evaluator";
import { guardrail } from "@calltree/guardrail";
import { prompt } from "@calltree/prompt";
import { reranker } from "@calltree/reranker";
import { retriever } from "@calltree/retriever";
import { tool } from "@calltree/tool";
import { captureTraces } from "@calltree/testing";
import type { CapturedTraces } from "@calltree/testing";
import { exportedText } from "./support/spans.js";

const IN = "IN-MARK";
const OUT = "OUT-MARK";

type Capture = { captureInput?: boolean; captureOutput?: boolean };

// One call per kind: its arguments hold IN only, its result OUT only.
const scenarios: Record<string, (o: Capture) => unknown> = {
  "@chain": (o) => chain.wrap(function step(_q: string) { return `${OUT} answer`; }, o)(`${IN} question`),
  "@agent": (o) => agent.wrap(function helper(_q: string) { return `${OUT} answer`; }, o)(`${IN} question`),
  "@tool": (o) =>
    tool.wrap(function weather(_args: { city: string }) { return { forecast: `${OUT} sunny` }; }, {
      description: "Current weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
      ...o,
    })({ city: `${IN} Paris` }),
  "@embedding": (o) =>
    embedding.wrap(function embed(_texts: string[]) {
      return { object: `${OUT} list`, model: "m-1", data: [{ embedding: [0.5, 0.25], index: 0 }], usage: { prompt_tokens: 3, total_tokens: 3 } };
    }, { model: "m-1", ...o })([`${IN} text`]),
  "@retriever": (o) =>
    retriever.wrap(function search(_q: string) {
      return [{ id: "d1", content: `${OUT} doc`, score: 0.5, metadata: { source: OUT } }];
    }, o)(`${IN} query`),
  "@reranker": (o) =>
    reranker.wrap(function rerank(_query: string, _docs: string[]) {
      return [{ content: `${OUT} best`, score: 0.9 }];
    }, { model: "rr-1", topK: 1, ...o })(`${IN} query`, [`${IN} a`, `${IN} b`]),
  "@prompt": (o) =>
    prompt.wrap(function render(_vars: { name: string }) { return `${OUT} rendered`; }, {
      template: `Hello {name}, ${IN}`,
      version: "v1",
      vendor: "hub",
      ...o,
    })({ name: `${IN} Ada` }),
  "@evaluator": (o) =>
    evaluator.wrap(function judge(_answer: string) {
      return { score: 0.5, label: `${OUT} label`, explanation: `${OUT} why`, metadata: { judge: OUT } };
    }, o)(`${IN} answer`),
  "@guardrail": (o) =>
    guardrail.wrap(function check(_text: string) { return { passed: false, reason: `${OUT} policy`, score: 0.7 }; }, o)(`${IN} text`),
};

interface Row {
  kind: string;
  input: RegExp[];
  output: RegExp[];
  kept: RegExp[];
}

function patterns(cell: string): RegExp[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map(([, key]) => {
    const parts = key!.split("*");
    // A `*` at the end covers everything under the prefix; inside, one index.
    const body = parts.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("\\d+");
    return new RegExp(`^${key!.endsWith(".*") ? body.replace(/\\d\+$/, ".+") : body}$`);
  });
}

function tableRows(): Row[] {
  const doc = readFileSync(fileURLToPath(new URL("../../../../docs/privacy.md", import.meta.url)), "utf8");
  const section = doc.slice(doc.indexOf("## `captureInput: false` and `captureOutput: false`"));
  assert.ok(section.length > 0, "docs/privacy.md has the captureInput/captureOutput section");
  const rows: Row[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length !== 4 || !/^`@/.test(cells[0]!)) continue;
    rows.push({ kind: cells[0]!.replace(/`/g, ""), input: patterns(cells[1]!), output: patterns(cells[2]!), kept: patterns(cells[3]!) });
  }
  return rows;
}

let traces: CapturedTraces;
before(() => {
  resetCapture();
  traces = captureTraces();
});
after(() => traces.restore());

function run(kind: string, o: Capture): ReadableSpan {
  traces.reset();
  // Context values the app sets itself around the call are not the call's data: they stay either way.
  withMetadata({ plan: "pro" }, () => scenarios[kind]!(o));
  assert.equal(traces.spans.length, 1);
  return traces.spans[0]!;
}

function has(span: ReadableSpan, p: RegExp): boolean {
  return Object.keys(span.attributes).some((k) => p.test(k));
}

const rows = tableRows();

describe("docs/privacy.md: what captureInput/captureOutput false leave off, per kind", () => {
  test("the table has one row per kind, and every row has a call that proves it", () => {
    assert.deepEqual(rows.map((r) => r.kind).sort(), Object.keys(scenarios).sort());
  });

  for (const row of rows) {
    test(`${row.kind}: every key of the row is real, and each option leaves off exactly its side`, () => {
      const full = run(row.kind, {});
      for (const p of [...row.input, ...row.output, ...row.kept]) assert.ok(has(full, p), `captured by default: ${p}`);
      assert.ok(exportedText(full).includes(IN) && exportedText(full).includes(OUT));

      const noInput = run(row.kind, { captureInput: false });
      for (const p of row.input) assert.ok(!has(noInput, p), `captureInput: false leaves off ${p}`);
      for (const p of [...row.output, ...row.kept]) assert.ok(has(noInput, p), `captureInput: false keeps ${p}`);
      assert.ok(!exportedText(noInput).includes(IN), `nothing of the input on the span:\n${exportedText(noInput)}`);

      const noOutput = run(row.kind, { captureOutput: false });
      for (const p of row.output) assert.ok(!has(noOutput, p), `captureOutput: false leaves off ${p}`);
      for (const p of [...row.input, ...row.kept]) assert.ok(has(noOutput, p), `captureOutput: false keeps ${p}`);
      assert.ok(!exportedText(noOutput).includes(OUT), `nothing of the output on the span:\n${exportedText(noOutput)}`);

      const neither = run(row.kind, { captureInput: false, captureOutput: false });
      for (const p of row.kept) assert.ok(has(neither, p), `kept: ${p}`);
      assert.equal(neither.attributes["metadata"], '{"plan":"pro"}', "context values stay");
      assert.ok(!exportedText(neither).includes(IN) && !exportedText(neither).includes(OUT));
    });
  }
});

import { AssertionError } from "node:assert";
import type { AttributeValue } from "@opentelemetry/api";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import type { SpanNode } from "./capture.js";

/**
 * The expected shape of one span and its children, for {@link expectTraces}. Only what is given is compared:
 * `kind`, `name`, the listed `attributes`, and the children in start order (all of them, unless `partial`).
 */
export interface ExpectedSpan {
  /** `openinference.span.kind`, e.g. `"LLM"`. */
  kind?: string;
  /** Exact span name, or a pattern. */
  name?: string | RegExp;
  /** Attributes that must be present with these values (`undefined` means: must be absent). */
  attributes?: Record<string, AttributeValue | undefined>;
  /** `"error"` or `"ok"` (unset or OK). */
  status?: "ok" | "error";
  /** Children in start order. */
  children?: ExpectedSpan[];
  /** Allow children beyond those listed (matched in order, extra ones ignored). */
  partial?: boolean;
}

function fmt(value: unknown): string {
  return value instanceof RegExp ? String(value) : JSON.stringify(value);
}

function describe(node: SpanNode | undefined, expected: ExpectedSpan, depth: number, out: string[], side: "actual" | "expected"): void {
  const pad = "  ".repeat(depth);
  if (side === "expected") {
    const parts = [expected.kind ?? "*", expected.name === undefined ? "*" : expected.name instanceof RegExp ? String(expected.name) : expected.name];
    out.push(`${pad}${parts.join(" ")}${expected.status ? ` [${expected.status}]` : ""}`);
    for (const [k, v] of Object.entries(expected.attributes ?? {})) out.push(`${pad}  · ${k} = ${v === undefined ? "(absent)" : fmt(v)}`);
    for (const c of expected.children ?? []) describe(undefined, c, depth + 1, out, side);
    if (expected.partial) out.push(`${pad}  …`);
    return;
  }
  if (node === undefined) {
    out.push(`${pad}(missing)`);
    return;
  }
  const s = node.span;
  const kind = expected.kind === undefined ? "*" : String(s.attributes[SC.OPENINFERENCE_SPAN_KIND] ?? "-");
  let name = "*";
  if (expected.name !== undefined) {
    name = expected.name instanceof RegExp && expected.name.test(s.name) ? String(expected.name) : s.name;
  }
  const status = expected.status === undefined ? "" : ` [${s.status.code === 2 ? "error" : "ok"}]`;
  out.push(`${pad}${kind} ${name}${status}`);
  for (const k of Object.keys(expected.attributes ?? {})) {
    const v = s.attributes[k];
    out.push(`${pad}  · ${k} = ${v === undefined ? "(absent)" : fmt(v)}`);
  }
  const kids = expected.children ?? [];
  for (let i = 0; i < kids.length; i++) describe(node.children[i], kids[i]!, depth + 1, out, side);
  if (expected.partial) out.push(`${pad}  …`);
  else for (const extra of node.children.slice(kids.length)) out.push(`${pad}  + ${String(extra.span.attributes[SC.OPENINFERENCE_SPAN_KIND] ?? "-")} ${extra.span.name} (unexpected)`);
}

/**
 * Asserts that `roots` (one trace's root spans, e.g. `captured.traces()[0]`, or all traces' roots) have the
 * expected shape. On a mismatch it throws an `AssertionError` whose `expected` and `actual` are the two trees as
 * text, so node's test runner, vitest and jest all show a readable diff.
 */
export function expectTraces(roots: readonly SpanNode[], expected: readonly ExpectedSpan[]): void {
  const actualLines: string[] = [];
  const expectedLines: string[] = [];
  for (let i = 0; i < Math.max(roots.length, expected.length); i++) {
    const e = expected[i];
    if (e === undefined) {
      const extra = roots[i]!.span;
      actualLines.push(`+ ${String(extra.attributes[SC.OPENINFERENCE_SPAN_KIND] ?? "-")} ${extra.name} (unexpected root)`);
      continue;
    }
    describe(roots[i], e, 0, actualLines, "actual");
    describe(undefined, e, 0, expectedLines, "expected");
  }
  const actual = actualLines.join("\n");
  const wanted = expectedLines.join("\n");
  if (actual !== wanted) {
    throw new AssertionError({
      message: `the captured trace does not have the expected shape:\n--- expected\n${wanted}\n--- actual\n${actual}`,
      expected: wanted,
      actual,
      operator: "strictEqual",
    });
  }
}

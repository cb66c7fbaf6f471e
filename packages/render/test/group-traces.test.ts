import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { groupTraces } from "../dist/esm/group-traces.js";
import { spansOf } from "../dist/esm/trace-totals.js";
import type { RenderNode } from "../dist/esm/model.js";
import { agentTrace, deepTrace, id, span, TRACE_A, TRACE_B } from "./spans.js";

function names(nodes: RenderNode[]): string[] {
  return nodes.map((n) => n.span.name);
}

describe("groupTraces", () => {
  test("builds one tree per trace with children in start order", () => {
    const spans = [...agentTrace(TRACE_B), ...agentTrace(TRACE_A)].reverse();
    const traces = groupTraces(spans);
    assert.deepEqual(
      traces.map((t) => [t.traceId, t.spanCount, t.hasRoot]),
      [
        [TRACE_A, 4, true],
        [TRACE_B, 4, true],
      ],
    );
    const root = traces[0]?.roots[0];
    assert.equal(traces[0]?.roots.length, 1);
    assert.equal(root?.span.name, "Assistant.run");
    assert.deepEqual(names(root?.children ?? []), ["Assistant.ask", "Assistant.weather"]);
    assert.deepEqual(names(root?.children[0]?.children ?? []), ["OpenAI Chat Completions"]);
    assert.equal(root?.orphan, false);
  });

  test("orders traces by their earliest start", () => {
    const late = span({ trace: TRACE_A, id: 1, name: "late", start: 100, end: 101 });
    const early = span({ trace: TRACE_B, id: 1, name: "early", start: 1, end: 2 });
    assert.deepEqual(
      groupTraces([late, early]).map((t) => t.traceId),
      [TRACE_B, TRACE_A],
    );
  });

  test("attaches spans whose parent never arrived at the top level, marked, after the root", () => {
    const spans = [
      span({ id: 3, parent: 99, name: "orphan", start: 0, end: 1 }),
      span({ id: 4, parent: 3, name: "orphan child", start: 0.5, end: 0.7 }),
      span({ id: 1, name: "root", start: 2, end: 5 }),
    ];
    const [trace] = groupTraces(spans);
    assert.deepEqual(names(trace?.roots ?? []), ["root", "orphan"]);
    assert.deepEqual(
      trace?.roots.map((r) => r.orphan),
      [false, true],
    );
    assert.equal(trace?.roots[1]?.children[0]?.orphan, false);
    assert.equal(trace?.spanCount, 3);
  });

  test("keeps a duplicated span once", () => {
    const spans = [...agentTrace(), ...agentTrace()];
    const [trace] = groupTraces(spans);
    assert.equal(trace?.spanCount, 4);
    assert.equal(trace ? spansOf(trace).length : 0, 4);
  });

  test("cuts parent cycles so every span still appears once", () => {
    const spans = [
      span({ id: 1, name: "root", start: 0, end: 10 }),
      span({ id: 2, parent: 3, name: "loop a", start: 1, end: 2 }),
      span({ id: 3, parent: 2, name: "loop b", start: 3, end: 4 }),
      span({ id: 4, parent: 3, name: "below loop", start: 5, end: 6 }),
      span({ id: 5, parent: 5, name: "own parent", start: 7, end: 8 }),
    ];
    const [trace] = groupTraces(spans);
    assert.ok(trace);
    assert.deepEqual(names(trace.roots), ["root", "loop a", "own parent"]);
    assert.deepEqual(names(trace.roots[1]?.children ?? []), ["loop b"]);
    assert.deepEqual(names(trace.roots[1]?.children[0]?.children ?? []), ["below loop"]);
    assert.equal(spansOf(trace).length, 5);
  });

  test("handles a trace 100,000 spans deep without recursion", () => {
    const [trace] = groupTraces(deepTrace(100_000));
    assert.equal(trace?.spanCount, 100_000);
    assert.equal(trace ? spansOf(trace).length : 0, 100_000);
    assert.equal(trace ? spansOf(trace)[99_999]?.spanId : "", id(100_000));
  });
});

describe("groupTraces ordering", () => {
  test("breaks start-time ties by end time, then span id, never by input order", () => {
    const spans = [
      span({ id: 1, name: "root", start: 0, end: 10 }),
      span({ id: 4, parent: 1, name: "same start, ends later", start: 1, end: 3 }),
      span({ id: 3, parent: 1, name: "same start and end, higher id", start: 1, end: 2 }),
      span({ id: 2, parent: 1, name: "same start and end, lower id", start: 1, end: 2 }),
    ];
    const expected = ["same start and end, lower id", "same start and end, higher id", "same start, ends later"];
    for (const order of [spans, [...spans].reverse(), [spans[2], spans[0], spans[3], spans[1]]]) {
      const [trace] = groupTraces(order as typeof spans);
      assert.deepEqual(names(trace?.roots[0]?.children ?? []), expected);
    }
    const tied = [span({ trace: TRACE_B, id: 1, name: "b", start: 0, end: 1 }), span({ trace: TRACE_A, id: 1, name: "a", start: 0, end: 1 })];
    assert.deepEqual(
      groupTraces(tied).map((t) => t.traceId),
      [TRACE_A, TRACE_B],
    );
  });
});

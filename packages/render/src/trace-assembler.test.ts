import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { lateSpansNote, TraceAssembler } from "./index.js";
import type { RenderSpan } from "./index.js";

function span(traceId: string, spanId: string, parentSpanId?: string): RenderSpan {
  return {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: spanId,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 1n,
    attributes: {},
    status: { code: 0 },
    events: [],
  };
}

describe("TraceAssembler", () => {
  test("a trace with its root and every parent is due after `settle`, one missing a parent after `quiet`", () => {
    const a = new TraceAssembler({ settle: 10, quiet: 100, maxPendingSpans: 1000 });
    a.add([span("t1", "b", "a"), span("t1", "a")], 0);
    a.add([span("t2", "c", "gone"), span("t2", "r")], 0);
    a.add([span("t3", "x", "y")], 0);
    assert.deepEqual(a.takeDue(9), []);
    assert.deepEqual(
      a.takeDue(10).map((t) => [t.traceId, t.spans.map((s) => s.spanId), t.late]),
      [["t1", ["b", "a"], false]],
    );
    assert.deepEqual(a.takeDue(99), []);
    assert.deepEqual(a.takeDue(100).map((t) => t.traceId), ["t2", "t3"]);
    assert.equal(a.size, 0);
  });

  test("a span that ends after its root, within `settle`, joins the trace; a later one is handed out late, `settle` after it", () => {
    const a = new TraceAssembler({ settle: 10, quiet: 100, maxPendingSpans: 1000 });
    a.add([span("t", "r")], 0);
    a.add([span("t", "c", "r"), span("t", "c", "r")], 8);
    assert.deepEqual(a.takeDue(10), []);
    const [first] = a.takeDue(18);
    assert.equal(first?.spans.length, 2, "duplicates are dropped");
    a.add([span("t", "late", "r")], 20);
    assert.deepEqual(a.takeDue(29), []);
    const [second] = a.takeDue(30);
    assert.equal(second?.late, true);
    assert.deepEqual(second?.spans.map((s) => s.spanId), ["late"]);
    assert.equal(lateSpansNote("t"), "(more spans of trace t, which was printed above)");
  });

  test("hands out the least recently active trace when too many spans are pending", () => {
    const a = new TraceAssembler({ settle: 10, quiet: 100, maxPendingSpans: 3 });
    assert.deepEqual(a.add([span("old", "1"), span("old", "2")], 0), []);
    a.add([span("new", "3")], 1);
    const evicted = a.add([span("new", "4", "3")], 2);
    assert.deepEqual(evicted.map((t) => t.traceId), ["old"]);
    assert.equal(a.size, 1);
  });

  test("a local root under a remote parent counts as the root; quiet: Infinity keeps a rootless trace until takeAll", () => {
    const a = new TraceAssembler({ settle: 10, quiet: Infinity, maxPendingSpans: 1000 });
    a.add([span("t", "child", "local")], 0);
    assert.equal(a.nextDue(), undefined, "rootless: never due by time");
    assert.deepEqual(a.takeDue(1e12), []);
    assert.deepEqual(a.takeComplete(), []);
    a.add([span("t", "local", "remote-parent")], 5, (s) => s.spanId === "local");
    assert.equal(a.nextDue(), 15);
    assert.deepEqual(a.takeDue(14), []);
    assert.deepEqual(a.takeDue(15).map((t) => t.spans.map((s) => s.spanId)), [["child", "local"]]);

    a.add([span("u", "r")], 0);
    a.add([span("v", "orphan", "missing")], 0);
    assert.deepEqual(a.takeComplete().map((t) => t.traceId), ["u"], "takeComplete: only traces with root and parents");
    assert.deepEqual(a.takeAll().map((t) => t.traceId), ["v"]);
  });
});

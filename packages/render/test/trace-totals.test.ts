import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { traceTotals } from "../dist/esm/trace-totals.js";
import { groupTraces } from "../dist/esm/group-traces.js";
import { agentTrace, span } from "./spans.js";

describe("traceTotals", () => {
  test("sums duration, spans, errors, tokens and cost, counting repeated numbers once", () => {
    const expected = {
      durationNanos: 1_240_000_000n,
      spanCount: 4,
      errorCount: 1,
      tokens: { prompt: 1000, completion: 234, total: 1234 },
      cost: 0.000123,
    };
    assert.deepEqual(traceTotals(agentTrace()), expected);
    const [trace] = groupTraces(agentTrace());
    assert.ok(trace);
    assert.deepEqual(traceTotals(trace), expected);
  });

  test("adds sibling LLM calls and leaves cost out when no span records one", () => {
    const llm = (n: number, prompt: number, completion: number) =>
      span({ id: n, parent: 1, name: `call ${n}`, start: n, end: n + 1, attributes: { "llm.token_count.prompt": prompt, "llm.token_count.completion": completion } });
    const totals = traceTotals([span({ id: 1, name: "agent", start: 0, end: 10 }), llm(2, 10, 5), llm(3, 20, 7)]);
    assert.deepEqual(totals, { durationNanos: 10_000_000n, spanCount: 3, errorCount: 0, tokens: { prompt: 30, completion: 12, total: 42 } });
    assert.equal("cost" in totals, false);
  });

  test("counts a parent's tokens when no descendant has any", () => {
    const totals = traceTotals([
      span({ id: 1, name: "llm", start: 0, end: 2, attributes: { "llm.token_count.total": 50, "llm.cost.total": 0.5 } }),
      span({ id: 2, parent: 1, name: "http", start: 0, end: 1 }),
    ]);
    assert.deepEqual(totals.tokens, { prompt: 0, completion: 0, total: 50 });
    assert.equal(totals.cost, 0.5);
  });

  test("is zero for no spans and ignores duplicates", () => {
    assert.deepEqual(traceTotals([]), { durationNanos: 0n, spanCount: 0, errorCount: 0 });
    assert.equal(traceTotals([...agentTrace(), ...agentTrace()]).spanCount, 4);
  });
});

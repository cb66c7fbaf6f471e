import { test } from "node:test";
import assert from "node:assert/strict";
import { measureGroup, SMOKE } from "./harness.js";
import type { Group, Row } from "./harness.js";

// A cold group's figure means "a call made right after the work between calls" only if that work ran before every
// timed call and never inside one: the log of what ran, in order, says so.
test("a group with `between`: every timed call is one call made right after it, and no other call follows it", async () => {
  const log: string[] = [];
  const row = (id: string): Row => ({
    id,
    label: id,
    spansPerCall: 0,
    run: (n) => {
      log.push(`${id}×${n}`);
    },
  });
  const group: Group = {
    id: "test.cold",
    title: "test",
    tracing: "off",
    unit: "call",
    opsPerCall: 1,
    reference: "a",
    maxCallsPerSample: 64,
    rows: () => [row("a"), row("b")],
    between: () => log.push("between"),
  };
  const result = await measureGroup(group, SMOKE, () => {});

  const first = log.indexOf("between");
  const last = log.lastIndexOf("between");
  assert.ok(first > 0, "sizing and warm-up run before any `between`, without it");
  // From the first `between` to the call after the last one: pairs of `between` and one call of one row.
  const timed = log.slice(first, last + 2);
  for (let i = 0; i < timed.length; i += 2) {
    assert.equal(timed[i], "between", `entry ${first + i}`);
    assert.match(timed[i + 1]!, /^[ab]×1$/, `entry ${first + i + 1}`);
  }
  // Each sample of each row is 16 such calls, in turn, for the smoke settings' minimum rounds.
  const samples = result.rows.map((r) => r.samples);
  assert.deepEqual(samples, [SMOKE.minRounds, SMOKE.minRounds]);
  assert.equal(timed.length / 2, SMOKE.minRounds * 2 * 16);
  assert.equal(timed.filter((e, i) => i % 2 === 1 && e === "a×1").length, SMOKE.minRounds * 16);
});

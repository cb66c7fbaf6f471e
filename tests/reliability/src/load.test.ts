// Load: bursts of 1,000 concurrent decorated call trees, ten spans deep, with timers, setImmediate, microtasks,
// EventEmitter callbacks, async generators, web ReadableStreams and sync generators on the way, each tree under
// its own session, user and metadata (fixtures/load-child.js, in a child process with --expose-gc). Every trace
// must be complete and carry only its own tree's context, and the heap after a full GC must come back to the
// same level burst after burst.
import { describe, test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./fixtures/load-child.js", import.meta.url));
const TREES = 1_000;
const BURSTS = 10;
/**
 * Growth allowed of the heap after a full GC, from the bursts just after warm-up (2–4) to the last three, each
 * taken as a median (the level moves by about 2 MB from burst to burst without growing). A leak of one span per
 * tree (about 1 KB) would add some 1 MB a burst, 6 MB over the run.
 */
const HEAP_GROWTH_BOUND_MB = 4;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface LoadReport {
  tracesChecked: number;
  spansChecked: number;
  problems: string[];
  heaps: number[];
  millis: number[];
}

async function runLoad(): Promise<LoadReport> {
  const child = spawn(process.execPath, ["--expose-gc", CHILD], {
    env: { ...process.env, CT_TREES: String(TREES), CT_BURSTS: String(BURSTS) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  // Only for a hang: a loaded machine may be slow, and a slow run is no failure here.
  const killer = setTimeout(() => child.kill("SIGKILL"), 600_000);
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  clearTimeout(killer);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  return JSON.parse(stdout) as LoadReport;
}

describe("load", () => {
  test(`${BURSTS} bursts of ${TREES} concurrent call trees, ten deep: every trace complete, no cross-talk, heap back to its level`, async (t: TestContext) => {
    const r = await runLoad();
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    t.diagnostic(`bursts took ${r.millis.map((m) => Math.round(m)).join(", ")} ms; heap after each ${r.heaps.map(mb).join(", ")} MB`);
    assert.deepEqual(r.problems, []);
    assert.equal(r.tracesChecked, BURSTS * TREES);
    assert.equal(r.spansChecked, BURSTS * TREES * 10);
    assert.equal(r.heaps.length, BURSTS);
    const growth = (median(r.heaps.slice(-3)) - median(r.heaps.slice(1, 4))) / 1024 / 1024;
    assert.ok(growth < HEAP_GROWTH_BOUND_MB, `heap grew by ${growth.toFixed(1)} MB from bursts 2–4 to the last three`);
  });
});

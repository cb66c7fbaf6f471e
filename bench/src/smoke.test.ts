import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// A smoke run of the whole benchmark: it proves every row still runs and the results file is well formed. It
// asserts no timing: a slow or busy machine must never fail it.

const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));

// Runs the bench with `args` and `--out` in a temporary directory: the run must exit 0; gives its stdout and its
// results file, parsed. No time limit: the run takes what the machine gives it (143 s was seen for a whole smoke run
// on a 2-core machine at load average 17).
function benchRun<T>(args: string[]): { stdout: string; report: T } {
  const dir = mkdtempSync(join(tmpdir(), "calltree-bench-"));
  try {
    const out = join(dir, "latest.json");
    const run = spawnSync(process.execPath, [MAIN, ...args, "--out", out], { encoding: "utf8" });
    assert.equal(run.status, 0, `bench exited with ${run.status}: ${run.stderr}`);
    return { stdout: run.stdout, report: JSON.parse(readFileSync(out, "utf8")) as T };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RowLike {
  id: string;
  skipped?: string;
  medianNs?: number;
  ratio?: number;
  /** The consumer's rows: each round's time, in round order, and the ratio of the medians. */
  roundNs?: number[];
  ratioOfMedians?: number;
}

test("pnpm bench --smoke: every row produces a number and results JSON is well formed", () => {
  const { report } = benchRun<{
    schema: string;
    mode: string;
    machine: { cpu: string; cores: number; node: string };
    groups: Array<{ id: string; reference: string; rows: RowLike[]; spans?: { expected: number; exported: number } }>;
    throughput: Array<{ id: string; skipped?: string; spansPerSecond?: number; peakRssMB?: number; delivered?: number }>;
    bars: Array<{ text: string; value: string; pass: boolean | null }>;
    isolation: string;
    pairs: Array<{ group: string; row: string; reference: string; ratio?: number; medianNs?: number; referenceNs?: number; runs: unknown[] }>;
  }>(["--smoke"]);
  assert.equal(report.schema, "calltree-bench/1");
  assert.equal(report.mode, "smoke");
  assert.equal(report.machine.node, process.version);
  assert.ok(report.machine.cores >= 1);

  const ids = report.groups.map((g) => g.id);
  for (const id of ["overhead.sync.batch", "overhead.async.batch", "overhead.sync.off", "nested.async", "capture.json-1mib", "capture.llm-chat", "stream.llm-500", "overhead.async.turns", "overhead.sync.cjs", "overhead.async.global", "consumer.esm.global", "consumer.cjs.own", "overhead.async.cold", "nested.async.cold", "capture.llm-chat.cold"]) {
    assert.ok(ids.includes(id), `group ${id} is missing from ${ids.join(", ")}`);
  }
  for (const g of report.groups) {
    const reference = g.rows.find((r) => r.id === g.reference);
    assert.ok(reference?.medianNs !== undefined, `${g.id}: the reference row ${g.reference} has no figure`);
    for (const row of g.rows) {
      assert.equal(row.skipped, undefined, `${g.id}/${row.id} skipped: ${row.skipped}`);
      assert.ok(Number.isFinite(row.medianNs) && row.medianNs! > 0, `${g.id}/${row.id}: median ${row.medianNs}`);
      assert.ok(Number.isFinite(row.ratio), `${g.id}/${row.id}: ratio ${row.ratio}`);
    }
    if (g.spans !== undefined) assert.ok(g.spans.expected > 0, `${g.id}: no spans made`);
  }
  // The consumer's ratio is the median of each round's ratio to the reference's time in the same round.
  const mid = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
  };
  for (const g of report.groups.filter((x) => x.id.startsWith("consumer."))) {
    const reference = g.rows.find((r) => r.id === g.reference)!.roundNs!;
    assert.equal(reference.length, 2, g.id);
    for (const row of g.rows) {
      const expected = mid(row.roundNs!.map((ns, i) => ns / reference[i]!));
      assert.ok(Math.abs(row.ratio! - expected) < 1e-12, `${g.id}/${row.id}: ratio ${row.ratio}, the rounds' median ${expected}`);
      assert.ok(Number.isFinite(row.ratioOfMedians), `${g.id}/${row.id}: ratioOfMedians ${row.ratioOfMedians}`);
    }
  }

  // A pair for each bar that compares calltree with a reference: the overhead groups with tracing on, the nested
  // groups and the chat, warm and cold.
  const barGroups = report.groups.filter((g) => (g.id.startsWith("overhead.") && !g.id.endsWith(".off")) || g.id.startsWith("nested.") || g.id.startsWith("capture.llm-chat"));
  assert.deepEqual(report.pairs.map((p) => p.group), barGroups.map((g) => g.id));
  for (const p of report.pairs) {
    assert.equal(p.row, p.group.startsWith("capture.llm-chat") ? "calltree-llm" : "calltree");
    assert.equal(p.reference, barGroups.find((g) => g.id === p.group)!.reference);
    assert.ok(Number.isFinite(p.ratio) && Number.isFinite(p.medianNs) && Number.isFinite(p.referenceNs), `${p.group}: ${JSON.stringify(p)}`);
    // A smoke run measures each pair in one process.
    assert.equal(p.runs.length, 1, p.group);
  }

  assert.equal(report.throughput.length, 12);
  for (const t of report.throughput) {
    assert.equal(t.skipped, undefined, `${t.id} skipped: ${t.skipped}`);
    assert.ok(Number.isFinite(t.spansPerSecond) && t.spansPerSecond! > 0, `${t.id}: ${t.spansPerSecond} spans/s`);
    assert.ok(Number.isFinite(t.peakRssMB) && t.peakRssMB! > 0, `${t.id}: peak RSS ${t.peakRssMB}`);
    assert.ok(Number.isInteger(t.delivered), `${t.id}: delivered ${t.delivered}`);
  }
  assert.equal(report.isolation, "all groups in one process");
  assert.ok(report.bars.length >= 6);
  for (const bar of report.bars) assert.notEqual(bar.pass, null, `bar not measured: ${bar.text}`);
  // A bar with a pair is judged on the pair's ratio, the group's printed beside it.
  for (const p of report.pairs) {
    const bar = report.bars.find((b) => b.text.startsWith(`${p.group}: `));
    const inGroup = report.groups.find((g) => g.id === p.group)!.rows.find((r) => r.id === p.row)!.ratio!;
    assert.equal(bar?.value, `${p.ratio!.toFixed(2)}× (in the group ${inGroup.toFixed(2)}×)`, p.group);
    assert.equal(bar.pass, p.ratio! <= 1.0, p.group);
  }
});

test("pnpm bench --smoke --isolate: a group measured in a child process of its own comes back whole", () => {
  const { report } = benchRun<{ isolation: string; groups: Array<{ id: string; rows: RowLike[] }>; throughput: unknown[] }>(["--smoke", "--isolate", "--only", "overhead.sync.off"]);
  assert.equal(report.isolation, "one child process per group");
  assert.deepEqual(report.groups.map((g) => g.id), ["overhead.sync.off"]);
  assert.deepEqual(report.throughput, []);
  const ids = report.groups[0]!.rows.map((r) => r.id);
  assert.deepEqual(ids, ["undecorated", "otel-bare", "otel-5-attributes", "otel-tight", "calltree", "oi-trace-chain", "oi-observe", "langfuse-observe", "traceloop-with-task"]);
  for (const row of report.groups[0]!.rows) assert.ok(Number.isFinite(row.medianNs) && row.medianNs! > 0, `${row.id}: ${row.medianNs}`);
});

test("pnpm bench --smoke --isolate --pair-runs 3: a bar's pair is measured in three child processes holding only its two rows, its figure their median", () => {
  type Run = { ratio?: number; medianNs?: number; referenceNs?: number };
  const { stdout, report } = benchRun<{ pairs: Array<Run & { group: string; row: string; reference: string; runs: Run[] }> }>(["--smoke", "--isolate", "--pair-runs", "3", "--only", "nested.sync"]);
  assert.equal(report.pairs.length, 1);
  const [pair] = report.pairs;
  assert.deepEqual([pair!.group, pair!.row, pair!.reference], ["nested.sync", "calltree", "tight"]);
  assert.equal(pair!.runs.length, 3);
  const mid = (v: number[]) => v.slice().sort((a, b) => a - b)[1];
  for (const key of ["ratio", "medianNs", "referenceNs"] as const) {
    const v = pair!.runs.map((r) => r[key]!);
    for (const x of v) assert.ok(Number.isFinite(x) && x > 0, `${key} ${x}`);
    assert.equal(pair![key], mid(v), key);
  }
  const ratios = pair!.runs.map((r) => r.ratio!);
  const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
  assert.match(stdout, /Pairs \(each bar's two rows alone in a process; the median of 3 processes, and their range\):\n {2}nested\.sync +calltree \/ tight/);
  assert.ok(stdout.includes(`${pair!.ratio!.toFixed(2)}×`.padStart(6) + ` ${range.padStart(12)}`), stdout);
});

test("pnpm bench --pair-runs: anything but a whole number ≥ 1 stops the run with the reason", () => {
  for (const bad of ["0", "2.5", "x"]) {
    const r = spawnSync(process.execPath, [MAIN, "--smoke", "--only", "nested.sync", "--pair-runs", bad], { encoding: "utf8" });
    assert.notEqual(r.status, 0, bad);
    assert.match(r.stderr, new RegExp(`--pair-runs takes a whole number ≥ 1, not ${bad.replace(".", "\\.")}`), bad);
  }
});

test("pnpm bench --smoke --no-pairs: a bar falls back to the group's figure and says so", () => {
  const { report } = benchRun<{ pairs: unknown[]; groups: Array<{ rows: RowLike[] }>; bars: Array<{ text: string; value: string; pass: boolean | null }> }>(["--smoke", "--no-pairs", "--only", "nested.sync"]);
  assert.deepEqual(report.pairs, []);
  const ratio = report.groups[0]!.rows.find((r) => r.id === "calltree")!.ratio!;
  assert.deepEqual(report.bars, [
    {
      text: "nested.sync: @chain → @agent → @llm ≤ 1.0× the tight nested reference",
      value: `${ratio.toFixed(2)}× (the group's figure: no pair measured)`,
      pass: ratio <= 1.0,
    },
  ]);
});

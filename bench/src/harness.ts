import { setImmediate as yieldToLoop } from "node:timers/promises";
import { tracingOff, tracingOn } from "./pipeline.js";
import type { Pipeline, ProcessorKind } from "./pipeline.js";

/** One measured variant: the same work done one way (undecorated, `@chain`, raw OpenTelemetry, a peer...). */
export interface Row {
  /** Stable key, used in the JSON and by the bars. */
  id: string;
  /** What the table shows. */
  label: string;
  /**
   * Makes `n` calls. A sync row loops and returns `undefined`; an async row returns a Promise that settles when
   * the `n`-th call has settled.
   */
  run(n: number): void | Promise<void>;
  /** Spans one call produces when tracing is on (to count drops). */
  spansPerCall: number;
  /** A short remark printed under the table (what the row does differently). */
  note?: string;
  /** Set when the row cannot run here; the reason is shown instead of a number. */
  skip?: string;
}

/** Rows measured together, interleaved, against one reference row. */
export interface Group {
  id: string;
  title: string;
  /** `"off"`: nothing registered; otherwise the SDK span processor the group runs with. */
  tracing: "off" | ProcessorKind;
  /** What one timed operation is: a call, or one chunk of a stream (a call then has `opsPerCall` of them). */
  unit: "call" | "chunk";
  opsPerCall: number;
  /** Id of the row ratios are taken against. */
  reference: string;
  /** Id of a row whose median is subtracted to show each row's extra cost (the undecorated row). */
  baseline?: string;
  /**
   * Most calls in one timed sample. With tracing on and a sync loop this stays below what the SDK's
   * BatchSpanProcessor holds without an export finishing (512 + 2,048 spans), so no row is timed on the cheaper
   * path of dropping spans; between samples the event loop runs and the exports complete.
   */
  maxCallsPerSample: number;
  /** Builds the rows; called after the group's tracing is set up (raw rows take their tracer then). */
  rows(): Promise<Row[]> | Row[];
  /** Remarks printed under the group's table. */
  notes?: string[];
  /** Shorter warm-up and timing than the settings' (groups that vary one condition of a main group). */
  short?: boolean;
  /**
   * Untimed work before every timed call: what an app does between two calls (see {@link coldCaches}). A timed
   * sample is then 16 calls, each made right after it and timed alone. Sizing and warm-up run as in any group
   * (samples of many calls, no such work), so V8 has optimized the code, as in an app that has served for a while.
   */
  between?: () => void;
}

// Calls in a sample of a group with `between`.
const COLD_CALLS = 16;

// 8 MiB: more than a core's L2 cache and a large share of the L3 the machine's cores share.
const SWEEP = new Float64Array(2 ** 20);

/**
 * A group's {@link Group.between}: writes to every cache line of 8 MiB, so the next call finds little of its code
 * and data (the SDK's, calltree's or the reference's machine code and objects, V8's inline caches and hidden classes)
 * in the L2 and L3 caches, as after an app's other work between two LLM calls (a response parsed, a tool run, other
 * requests served while one waited on the network). The CPU's branch predictors are not reset.
 */
export function coldCaches(): void {
  for (let i = 0; i < SWEEP.length; i += 8) SWEEP[i]! += 1;
}

/** How long and how often to measure. */
export interface Settings {
  /** Warm-up per group: rounds go on (untimed) for at least this long, and at least one round. */
  warmupMs: number;
  /** Timed rounds go on for at least this long... */
  measureMs: number;
  /** ...and at least this many. */
  minRounds: number;
  /** Wanted duration of one timed sample, in ns... */
  sampleNs: number;
  /**
   * ...and at least this many calls, as long as they take at most `longSampleNs`. The first call after the other
   * rows ran pays for what they left behind (in the caches, among others): @llm on the chat took 55–165 µs more than
   * the next calls, its reference 8–56 µs more, depending on the row run before. A 2 ms sample of 30 such calls
   * carries a few percent of that, more for the row with more code.
   */
  minCalls: number;
  longSampleNs: number;
}

// The warm-up lets V8 optimize the SDK's and the wrappers' code before timing: thousands to tens of thousands of
// calls per row, depending on the load. Samples are short so that the many rounds interleave finely. 3 s of timed
// rounds gave each row 24–185 samples at load average 20–40 on 2 cores: a median's standard error of ~1–3% at the
// usual ±5–10% spread, below the ±5–10% that load drift moves a ratio from run to run, so the former 6 s bought no
// precision a run could show (docs/performance.md, "Method").
export const FULL: Settings = { warmupMs: 2_000, measureMs: 3_000, minRounds: 15, sampleNs: 2_000_000, minCalls: 200, longSampleNs: 10_000_000 };
/** The timing of a group that varies one condition of a main group (`Group.short`). */
const SHORT = { warmupMs: 1_000, measureMs: 2_000 };
export const SMOKE: Settings = { warmupMs: 0, measureMs: 0, minRounds: 3, sampleNs: 100_000, minCalls: 1, longSampleNs: 0 };

/** A row's measured figures (ns per operation). */
interface RowResult {
  id: string;
  label: string;
  note?: string;
  /** Present when the row did not run. */
  skipped?: string;
  medianNs?: number;
  p25Ns?: number;
  p75Ns?: number;
  minNs?: number;
  maxNs?: number;
  /** Median divided by the reference row's median. */
  ratio?: number;
  /** Median minus the baseline row's median, when the group has a baseline. */
  extraNs?: number;
  /** Calls per timed sample, and timed samples. */
  callsPerSample?: number;
  samples?: number;
  /** Bytes allocated per operation: the median over a few runs of the heap growth across calls made right after a full GC. */
  bytesPerOp?: number;
}

/** A group's results. */
export interface GroupResult {
  id: string;
  title: string;
  tracing: Group["tracing"];
  unit: Group["unit"];
  reference: string;
  baseline?: string;
  rows: RowResult[];
  /** With tracing on: spans the rows produced, spans that reached the exporter, and the difference. */
  spans?: { expected: number; exported: number; dropped: number };
  notes: string[];
}

/**
 * What a sample's time is: `cpu` (the default), the CPU time of the whole process (user + system, all of its
 * threads, so GC helper threads count) from `process.cpuUsage()`; on a machine shared with other work it leaves out
 * the time the process sat waiting for a core, which made wall-clock medians swing by ±100% at load average 20+ on
 * 2 cores. `wall`: `process.hrtime` around the sample, as before; right on an idle machine.
 */
export type Clock = "cpu" | "wall";
let clock: Clock = "cpu";

/** Chooses the clock of the samples (main.ts `--clock`). */
export function useClock(c: Clock): void {
  clock = c;
}

async function timeOnce(row: Row, n: number): Promise<number> {
  if (clock === "cpu") {
    const c0 = process.cpuUsage();
    const pending = row.run(n);
    if (pending !== undefined) await pending;
    const c1 = process.cpuUsage(c0);
    return (c1.user + c1.system) * 1000;
  }
  const t0 = process.hrtime.bigint();
  const pending = row.run(n);
  if (pending !== undefined) await pending;
  return Number(process.hrtime.bigint() - t0);
}

/** The `q` quantile of ascending numbers, interpolated between neighbours (0.5: the median); NaN for none. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function callsFor(perCallNs: number, settings: Settings, cap: number): number {
  const per = Math.max(perCallNs, 0.1);
  const wanted = Math.max(settings.sampleNs / per, Math.min(settings.minCalls, settings.longSampleNs / per));
  return Math.max(1, Math.min(cap, Math.round(wanted)));
}

const gc = (globalThis as { gc?: () => void }).gc;
let allocCalls = 0;

/**
 * Bytes a row allocates per call: `gc()` (node --expose-gc), then `heapUsed` before and after a run of calls small
 * enough that no scavenge runs inside it (sized from a first probe to stay near 2 MiB of allocation, far below the
 * young generation), so the growth is what the calls allocated, garbage and retained alike (spans waiting in a
 * batch queue included). Median of five runs. Undefined without --expose-gc.
 */
async function allocatedPerCall(row: Row, cap: number): Promise<number | undefined> {
  allocCalls = 0;
  if (gc === undefined) return undefined;
  const once = async (n: number): Promise<number> => {
    await yieldToLoop();
    gc();
    const h0 = process.memoryUsage().heapUsed;
    const pending = row.run(n);
    if (pending !== undefined) await pending;
    const h1 = process.memoryUsage().heapUsed;
    allocCalls += n;
    return (h1 - h0) / n;
  };
  const probe = Math.max(1, await once(Math.min(cap, 16)));
  const n = Math.max(1, Math.min(cap, 500, Math.floor((2 * 2 ** 20) / probe)));
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push(await once(n));
  runs.sort((a, b) => a - b);
  return Math.max(0, runs[2]!);
}

/**
 * Measures a group: sets up its tracing, sizes each row's sample to about `settings.sampleNs`, runs warm-up
 * rounds for `settings.warmupMs`, then timed rounds (at least `settings.minRounds`, for at least
 * `settings.measureMs`) in which every row takes one sample in turn (A B C A B C ...), so drift (JIT tiers, GC
 * pressure, other work on the machine) hits all rows alike. Between samples the event loop turns once, so batch
 * exports and timers run outside the timed code. With tracing on, it finally flushes and counts the spans that
 * reached the exporter against the spans the rows made.
 */
export async function measureGroup(group: Group, fullSettings: Settings, log: (line: string) => void): Promise<GroupResult> {
  const settings = group.short === true && fullSettings.measureMs > 0 ? { ...fullSettings, ...SHORT } : fullSettings;
  let pipeline: Pipeline | undefined;
  if (group.tracing === "off") tracingOff();
  else pipeline = tracingOn(group.tracing);
  try {
    const rows = await group.rows();
    const live = rows.filter((r) => r.skip === undefined);
    const calls = new Map<Row, number>();
    const made = new Map<Row, number>();
    const samples = new Map<Row, number[]>();
    const count = (row: Row, n: number) => made.set(row, (made.get(row) ?? 0) + n);

    for (const row of live) {
      let n = 1;
      for (;;) {
        const t = await timeOnce(row, n);
        count(row, n);
        await yieldToLoop();
        if (t >= settings.sampleNs / 4 || n >= group.maxCallsPerSample) {
          n = callsFor(t / n, settings, group.maxCallsPerSample);
          break;
        }
        n = Math.min(group.maxCallsPerSample, n * 8);
      }
      calls.set(row, n);
      samples.set(row, []);
    }
    const warmEnd = Date.now() + settings.warmupMs;
    const warmTimes = new Map<Row, number[]>(live.map((row) => [row, []]));
    do {
      for (const row of live) {
        const n = calls.get(row)!;
        const t = await timeOnce(row, n);
        count(row, n);
        warmTimes.get(row)!.push(t / n);
        // Resized on every warm-up round: the first calls ran in the interpreter.
        calls.set(row, callsFor(t / n, settings, group.maxCallsPerSample));
        await yieldToLoop();
      }
    } while (Date.now() < warmEnd);
    // The timed samples' size: from the median time per call over the second half of the warm-up, not the last warm-up
    // round alone. One slow round (a collection or a compile landing in it, the machine's other work) used to leave a
    // row with samples of a third of the others' length, and a short sample's figure carries more of what switching
    // rows costs (caches and the CPU's predictors refilled after the other rows ran): @llm on the chat measured
    // 1.22–1.31× its reference with 12 calls a sample against the reference's 40, 1.02–1.08× with 40 each.
    for (const row of live) {
      const times = warmTimes.get(row)!;
      const late = times.slice(times.length >> 1).sort((a, b) => a - b);
      calls.set(row, callsFor(quantile(late, 0.5), settings, group.maxCallsPerSample));
    }
    const measureEnd = Date.now() + settings.measureMs;
    let rounds = 0;
    const between = group.between;
    for (; rounds < settings.minRounds || Date.now() < measureEnd; rounds++) {
      for (const row of live) {
        if (between !== undefined) {
          // Each call timed alone after the work between calls; a sample is the mean of COLD_CALLS of them, since
          // the CPU clock counts whole microseconds and a cold call of a trivial method takes about ten.
          let t = 0;
          for (let i = 0; i < COLD_CALLS; i++) {
            between();
            t += await timeOnce(row, 1);
          }
          count(row, COLD_CALLS);
          samples.get(row)!.push(t / COLD_CALLS / group.opsPerCall);
        } else {
          const n = calls.get(row)!;
          const t = await timeOnce(row, n);
          count(row, n);
          samples.get(row)!.push(t / n / group.opsPerCall);
        }
        await yieldToLoop();
      }
    }

    const bytes = new Map<Row, number>();
    for (const row of live) {
      const b = await allocatedPerCall(row, group.maxCallsPerSample);
      if (b !== undefined) bytes.set(row, b / group.opsPerCall);
      count(row, allocCalls);
    }

    const results: RowResult[] = rows.map((row) => {
      const base: RowResult = { id: row.id, label: row.label };
      if (row.note !== undefined) base.note = row.note;
      if (row.skip !== undefined) return { ...base, skipped: row.skip };
      const s = [...samples.get(row)!].sort((a, b) => a - b);
      return {
        ...base,
        medianNs: quantile(s, 0.5),
        p25Ns: quantile(s, 0.25),
        p75Ns: quantile(s, 0.75),
        minNs: s[0]!,
        maxNs: s[s.length - 1]!,
        callsPerSample: calls.get(row)!,
        samples: s.length,
        ...(bytes.has(row) ? { bytesPerOp: bytes.get(row)! } : {}),
      };
    });
    const ref = results.find((r) => r.id === group.reference)?.medianNs;
    const base = group.baseline === undefined ? undefined : results.find((r) => r.id === group.baseline)?.medianNs;
    for (const r of results) {
      if (r.medianNs !== undefined && ref !== undefined && ref > 0) r.ratio = r.medianNs / ref;
      if (r.medianNs !== undefined && base !== undefined) r.extraNs = r.medianNs - base;
    }
    const out: GroupResult = {
      id: group.id,
      title: group.title,
      tracing: group.tracing,
      unit: group.unit,
      reference: group.reference,
      rows: results,
      notes: [...(group.notes ?? [])],
    };
    if (group.baseline !== undefined) out.baseline = group.baseline;
    if (pipeline !== undefined) {
      await pipeline.flush();
      let expected = 0;
      for (const [row, n] of made) expected += n * row.spansPerCall;
      const exported = pipeline.exporter.exported;
      out.spans = { expected, exported, dropped: expected - exported };
    }
    log(`  ${group.id}: ${live.length} rows, ${rounds} rounds`);
    return out;
  } finally {
    if (pipeline !== undefined) await pipeline.close();
    else tracingOff();
  }
}

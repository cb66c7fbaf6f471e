// `pnpm bench`: measures calltree's overhead, capture cost and throughput next to raw OpenTelemetry and peers,
// prints tables, writes results/latest.json and, with --docs, the figures section of docs/performance.md.
//   --smoke        few iterations and 20,000 spans per throughput scenario (what `pnpm test` runs)
//   --out FILE     where to write the JSON (default results/latest.json)
//   --docs FILE    rewrite the part of FILE between the bench markers with this run's figures
//   --only PREFIX  only the groups whose id starts with PREFIX (`overhead.sync`, `throughput`)
//   --in-process   measure all groups in this process (a smoke run does, unless --isolate); by default each group
//                  runs in a child process of its own, so JIT state left by one group (a kind's code made
//                  polymorphic by another group's calls) cannot change the next group's figures
//   --isolate      a child process per group in a smoke run too
//   --before DIR   also measure a saved build of calltree (DIR/node_modules/@calltree/{core,chain}) in the overhead
//                  groups, interleaved with the current build: a change judged within one run
//   --clock cpu|wall  what a sample's time is: the process's CPU time (default; fair on a shared machine) or wall time
//   --no-pairs     skip the pairs: each bar's calltree row measured again with only its reference row, in a child
//                  process of their own (the rows of a group share one process, and a row's neighbours move its
//                  figure); the bars are judged on the pairs, and on the group's figures without them
//   --pair-runs N  each pair measured in N child processes, in N rounds over the bars (default 3; 1 in a smoke
//                  run); the pair's ratio is the median of the processes' ratios
//   --group ID     (internal) measure one group and print its result as JSON: the child of the above
//   --rows A,B     (internal, with --group) only these rows of the group
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { lastJsonLine, runNode } from "./child-process.js";
import { FULL, measureGroup, quantile, SMOKE, useClock } from "./harness.js";
import type { Group, GroupResult } from "./harness.js";
import { PEER_NOTES } from "./peers.js";
import { barLines, groupMarkdown, groupTable, throughputMarkdown, throughputTable } from "./report.js";
import type { Bar } from "./report.js";
import { runThroughput } from "./throughput/run.js";
import type { ThroughputResult } from "./throughput/run.js";

const here = dirname(fileURLToPath(import.meta.url));
const benchRoot = resolve(here, "../..");

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    out: { type: "string" },
    docs: { type: "string" },
    only: { type: "string" },
    "in-process": { type: "boolean", default: false },
    isolate: { type: "boolean", default: false },
    group: { type: "string" },
    before: { type: "string" },
    clock: { type: "string", default: "cpu" },
    rows: { type: "string" },
    "no-pairs": { type: "boolean", default: false },
    "pair-runs": { type: "string" },
  },
});

const smoke = values.smoke === true;
if (values.clock !== "cpu" && values.clock !== "wall") throw new Error(`--clock cpu|wall, not ${values.clock}`);
useClock(values.clock);
const settings = smoke ? SMOKE : FULL;
const throughputSpans = smoke ? 20_000 : 1_000_000;
const consumerCalls = smoke ? 500 : 8_000;
const consumerRounds = smoke ? 2 : 21;
const pairRuns = Number(values["pair-runs"] ?? (smoke ? 1 : 3));
if (!Number.isInteger(pairRuns) || pairRuns < 1) throw new Error(`--pair-runs takes a whole number ≥ 1, not ${values["pair-runs"]}`);
const out = resolve(values.out ?? `${benchRoot}/results/latest.json`);
const log = (line: string) => process.stderr.write(`${line}\n`);
const wanted = (id: string) => values.only === undefined || id.startsWith(values.only);
const gc = (globalThis as { gc?: () => void }).gc;

// The suites, loaded when needed: a group's child process loads only its own suite (and the peers it measures),
// not every suite's libraries (loading them all took ~5.5 s wall per child at load average 30).
const SUITES: Record<string, () => Promise<Group[]>> = {
  overhead: async () => (await import("./suites/overhead.js")).overheadGroups(),
  nested: async () => (await import("./suites/nested.js")).nestedGroups(),
  capture: async () => (await import("./suites/capture.js")).captureGroups(),
  stream: async () => (await import("./suites/stream.js")).streamGroups(),
};

// The suites that can hold a group whose id starts with `prefix` (all of them without one).
async function loadGroups(prefix?: string): Promise<Group[]> {
  const out: Group[] = [];
  for (const [name, load] of Object.entries(SUITES)) {
    if (prefix === undefined || name.startsWith(prefix) || prefix.startsWith(`${name}.`) || prefix === name) out.push(...(await load()));
  }
  return out;
}

// The group with only the rows named (in the group's order); the reference must be among them.
function onlyRows(g: Group, ids: readonly string[]): Group {
  const rows = g.rows;
  return {
    ...g,
    rows: async () => {
      const all = await rows();
      for (const id of ids) if (!all.some((r) => r.id === id)) throw new Error(`no row ${id} in ${g.id}`);
      return all.filter((r) => ids.includes(r.id));
    },
  };
}

if (values.group !== undefined) {
  // Child mode: one group, its result on the last stdout line.
  const found = (await loadGroups(values.group)).find((x) => x.id === values.group);
  if (found === undefined) throw new Error(`no group ${values.group}`);
  const g = values.rows === undefined ? found : onlyRows(found, values.rows.split(","));
  const r = await measureGroup(g, settings, log);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

const started = Date.now();
const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  // Other work on the machine skews figures: the load averages when the run started and ended tell.
  loadAverage: { start: os.loadavg().map((x) => Math.round(x * 100) / 100), end: [] as number[] },
};
console.log(`calltree bench (${smoke ? "smoke" : "full"}): ${machine.cpu}, ${machine.cores} cores, node ${machine.node}`);

const inProcess = values["in-process"] === true || (smoke && values.isolate !== true);
const results: GroupResult[] = [];
// The parent needs the ids of the groups it runs: it loads their suites once.
const allGroups = await loadGroups(values.only);
for (const g of allGroups.filter((x) => wanted(x.id))) {
  let r: GroupResult;
  if (inProcess) {
    gc?.();
    r = await measureGroup(g, settings, log);
  } else {
    const self = fileURLToPath(import.meta.url);
    const child = await runNode(["--expose-gc", self, "--group", g.id, ...(smoke ? ["--smoke"] : []), ...(values.before !== undefined ? ["--before", values.before] : []), "--clock", values.clock], { passStderr: true, log });
    if (child.code !== 0) throw new Error(`group ${g.id} failed (exit ${child.code})`);
    r = lastJsonLine<GroupResult>(child.stdout);
  }
  results.push(r);
  console.log(`\n${groupTable(r)}`);
}

// The pairs: each bar's calltree row and its reference, measured again with no other row in their process. In a
// group, every row shares the process with the others (the peers, the old references): their garbage is collected
// while a neighbour runs, code they share (the SDK, the bench's helpers) sees all their shapes, and the row run
// before a sample leaves its first call a cost that depends on which row it was. A pair is the clean comparison, and
// the bars are judged on it; the group's figures are printed beside them. One process still carries its own luck
// (where V8 puts the code, when the collector runs): a pair's one-process ratio moved by up to 7% from one run to the
// next. Each pair is therefore measured in `--pair-runs` processes, in rounds over all the bars (a slow spell of the
// machine then falls on every bar alike), and its figure is the median of their ratios.
interface PairRun {
  ratio?: number;
  medianNs?: number;
  referenceNs?: number;
}
interface Pair extends PairRun {
  group: string;
  row: string;
  reference: string;
  /** Each process's figures, in the order they ran. */
  runs: PairRun[];
}
// The median of the defined values, or undefined for none.
function middle(values: readonly (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  return v.length === 0 ? undefined : quantile(v, 0.5);
}
const pairs: Pair[] = [];
const barRow = (g: GroupResult): string | undefined =>
  (g.id.startsWith("overhead.") && g.tracing !== "off") || g.id.startsWith("nested.") ? "calltree" : g.id.startsWith("capture.llm-chat") ? "calltree-llm" : undefined;
if (values["no-pairs"] !== true) {
  for (const done of results) {
    const row = barRow(done);
    if (row !== undefined && done.reference !== undefined) pairs.push({ group: done.id, row, reference: done.reference, runs: [] });
  }
  for (let round = 0; round < pairRuns; round++) {
    for (const p of pairs) {
      const ids = [p.reference, p.row];
      let r: GroupResult;
      if (inProcess) {
        const g = allGroups.find((x) => x.id === p.group)!;
        gc?.();
        r = await measureGroup(onlyRows(g, ids), settings, log);
      } else {
        const self = fileURLToPath(import.meta.url);
        const child = await runNode(["--expose-gc", self, "--group", p.group, "--rows", ids.join(","), ...(smoke ? ["--smoke"] : []), "--clock", values.clock], { passStderr: true, log });
        if (child.code !== 0) throw new Error(`pair ${p.group} failed (exit ${child.code})`);
        r = lastJsonLine<GroupResult>(child.stdout);
      }
      const measured = r.rows.find((x) => x.id === p.row);
      p.runs.push({ ratio: measured?.ratio, medianNs: measured?.medianNs, referenceNs: r.rows.find((x) => x.id === p.reference)?.medianNs });
    }
  }
  for (const p of pairs) {
    p.ratio = middle(p.runs.map((x) => x.ratio));
    p.medianNs = middle(p.runs.map((x) => x.medianNs));
    p.referenceNs = middle(p.runs.map((x) => x.referenceNs));
  }
  if (pairs.length > 0) console.log(`
${pairsTable(pairs, results, false)}`);
}

// The pairs beside the group figures: ratio in the group, ratio alone with the reference.
function pairsTable(list: readonly Pair[], groups: readonly GroupResult[], markdown: boolean): string {
  const fmt = (x: number | undefined) => (x === undefined ? "–" : `${x.toFixed(2)}×`);
  const ns = (x: number | undefined) => (x === undefined ? "–" : x >= 10_000 ? `${(x / 1000).toFixed(1)} µs` : `${Math.round(x)} ns`);
  const spread = (p: Pair) => {
    const v = p.runs.map((x) => x.ratio).filter((x): x is number => x !== undefined);
    if (v.length < 2) return "–";
    return `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}×`;
  };
  const lines = list.map((p) => {
    const inGroup = groups.find((g) => g.id === p.group)?.rows.find((r) => r.id === p.row)?.ratio;
    return [p.group, `${p.row} / ${p.reference}`, fmt(inGroup), fmt(p.ratio), spread(p), `${ns(p.medianNs)} / ${ns(p.referenceNs)}`];
  });
  const runs = list[0]?.runs.length ?? 0;
  const head = ["group", "row / reference", "in the group", "the pair alone", `its ${runs} processes`, "pair: medians"];
  if (markdown) return [`| ${head.join(" | ")} |`, "|---|---|---:|---:|---:|---:|", ...lines.map((l) => `| ${l.join(" | ")} |`)].join("\n");
  return [
    `Pairs (each bar's two rows alone in a process; the median of ${runs} process${runs === 1 ? "" : "es"}, and their range):`,
    ...lines.map(([group, rows, inGroup, alone, range, medians]) => `  ${group!.padEnd(22)} ${rows!.padEnd(34)} ${inGroup!.padStart(6)} ${alone!.padStart(6)} ${range!.padStart(12)}   ${medians}`),
  ].join("\n");
}

// The consumer's measurement (consumer/*.cjs|mjs): outside the harness, as an app that installed calltree would
// time it. Each run is a child process loading calltree's ESM or CommonJS build.
if (wanted("consumer")) {
  for (const format of ["esm", "cjs"] as const) {
    for (const provider of ["global", "own"] as const) {
      const id = `consumer.${format}.${provider}`;
      if (!wanted(id)) continue;
      const entry = resolve(benchRoot, "consumer", format === "esm" ? "esm.mjs" : "cjs.cjs");
      // 21 rounds of 8,000 calls (7 of 25,000 until the runs of 2026-12-08): a round's time swings by a quarter on a
      // shared machine, so more, shorter rounds give the median of the rounds' ratios (see measure.cjs) more to go on.
      const args = [entry, "--provider", provider, "--calls", String(consumerCalls), "--rounds", String(consumerRounds), ...(values.before !== undefined ? ["--before", values.before] : [])];
      const child = await runNode(args, { passStderr: true, log });
      if (child.code !== 0) throw new Error(`${id} failed (exit ${child.code})`);
      const r = lastJsonLine<{ results: GroupResult["rows"]; exported: number; expected: number }>(child.stdout);
      const g: GroupResult = {
        id,
        title:
          `As a consumer measures it: ${format === "esm" ? "ESM" : "CommonJS"} app, own BasicTracerProvider + BatchSpanProcessor ` +
          `registered globally with AsyncLocalStorage, calltree on the ${provider === "global" ? "global provider" : "provider given to useTracerProvider()"}; ` +
          `for (…) await fn(i), ${consumerCalls.toLocaleString("en-US")} calls × ${consumerRounds} interleaved rounds, medians; ratio: the median of the rounds' ratios`,
        tracing: "batch",
        unit: "call",
        reference: "by-hand",
        rows: r.results,
        spans: { expected: r.expected, exported: r.exported, dropped: r.expected - r.exported },
        notes: ["A number argument (the loop index), recorded as JSON on both sides; the method is decorated the way tsc's legacy decorators apply it."],
      };
      results.push(g);
      console.log(`\n${groupTable(g)}`);
    }
  }
}

let throughput: ThroughputResult[] = [];
if (wanted("throughput")) {
  throughput = await runThroughput(throughputSpans, log);
  console.log(`\n${throughputTable(throughput)}`);
}

function ratioBar(text: string, groupId: string, rowId: string, limit = 1.0): Bar {
  const g = results.find((x) => x.id === groupId);
  const row = g?.rows.find((r) => r.id === rowId);
  if (row?.ratio === undefined) return { text, value: row?.skipped ?? "not run", pass: null };
  return { text, value: `${row.ratio.toFixed(2)}×`, pass: row.ratio <= limit };
}
// A bar with a pair is judged on the pair: calltree's row and its reference alone in a process, interleaved. The
// group's figure, printed beside it, also carries what the group's other rows leave to the next sample (the row run
// before @llm's sample moved its first call by 55–165 µs, the reference's by 8–56 µs; docs/performance.md, "Pairs").
// Without pairs (--no-pairs) the group's figure is the bar, and says so.
function pairBar(text: string, groupId: string, rowId: string): Bar {
  const inGroup = results.find((x) => x.id === groupId)?.rows.find((r) => r.id === rowId)?.ratio;
  const pair = pairs.find((p) => p.group === groupId && p.row === rowId);
  if (pair?.ratio === undefined) {
    const bar = ratioBar(text, groupId, rowId);
    return inGroup === undefined ? bar : { ...bar, value: `${bar.value} (the group's figure: no pair measured)` };
  }
  const group = inGroup === undefined ? "" : ` (in the group ${inGroup.toFixed(2)}×)`;
  return { text, value: `${pair.ratio.toFixed(2)}×${group}`, pass: pair.ratio <= 1.0 };
}
const bars: Bar[] = [];
for (const g of results) {
  if (g.id.startsWith("overhead.") && g.tracing !== "off") bars.push(pairBar(`${g.id}: @chain ≤ 1.0× the tight reference`, g.id, "calltree"));
  if (g.id.startsWith("overhead.") && g.tracing === "off") bars.push(ratioBar(`${g.id}: tracing off, @chain ≤ 0.3× OTel's no-op startActiveSpan`, g.id, "calltree", 0.3));
  if (g.id.startsWith("nested.")) bars.push(pairBar(`${g.id}: @chain → @agent → @llm ≤ 1.0× the tight nested reference`, g.id, "calltree"));
  if (g.id.startsWith("capture.llm-chat")) bars.push(pairBar(`${g.id}: @llm ≤ 1.0× the same attributes by hand with openinference-core's helpers`, g.id, "calltree-llm"));
  if (g.id.startsWith("consumer.")) bars.push(ratioBar(`${g.id}: @chain ≤ 1.0× by hand, tight`, g.id, "calltree"));
}
for (const t of throughput.filter((x) => x.pipeline === "register")) {
  if (t.peakRssMB === undefined) bars.push({ text: `${t.id}: peak RSS < 250 MB`, value: t.skipped ?? "not run", pass: null });
  else bars.push({ text: `${t.id}: peak RSS < 250 MB`, value: `${t.peakRssMB.toFixed(0)} MB`, pass: t.peakRssMB < 250 });
  if (t.exporter === "discard") {
    bars.push({ text: `${t.id}: zero drops to the discarding exporter`, value: String(t.dropped ?? t.skipped ?? "not run"), pass: t.dropped === undefined ? null : t.dropped === 0 });
  }
}
console.log(`\nBars (ratios from this run${smoke ? "; a smoke run's figures mean nothing" : ""}):\n${barLines(bars, false).join("\n")}`);

const seconds = (Date.now() - started) / 1000;
machine.loadAverage.end = os.loadavg().map((x) => Math.round(x * 100) / 100);
const report = {
  schema: "calltree-bench/1",
  date: new Date().toISOString(),
  mode: smoke ? "smoke" : "full",
  seconds,
  machine,
  settings,
  clock: values.clock,
  isolation: inProcess ? "all groups in one process" : "one child process per group",
  fairness: PEER_NOTES,
  groups: results,
  pairs,
  throughput,
  bars,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${out} (${seconds.toFixed(0)} s)`);

if (values.docs !== undefined) {
  const BEGIN = "<!-- bench:begin -->";
  const END = "<!-- bench:end -->";
  const file = resolve(values.docs);
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from < 0 || to < from) {
    log(`${file}: no ${BEGIN} … ${END} block; figures not written there`);
  } else {
    const body = [
      `Run of ${report.date.slice(0, 10)} (${report.mode}, ${seconds.toFixed(0)} s) on ${machine.cpu}, ${machine.cores} cores, ` +
        `${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}; load average ${machine.loadAverage.start[0]} at the start, ` +
        `${machine.loadAverage.end[0]} at the end; ${report.isolation}; times are ${values.clock === "cpu" ? "the process's CPU time (user + system)" : "wall-clock time"}.`,
      "",
      "| bar | this run | |",
      "|---|---:|---|",
      ...barLines(bars, true),
      "",
      ...(pairs.length > 0
        ? [
            `Each bar's calltree row measured again with only its reference row, in ${pairRuns} child process${pairRuns === 1 ? "" : "es"} ` +
              "in rounds over the bars (`pairs` in the JSON, each process's figures under `runs`; `--no-pairs` skips them, " +
              "`--pair-runs N` sets the count). The bars above are these pairs' figures, the median of the processes' ratios; " +
              "the group's are beside them.",
            "",
            pairsTable(pairs, results, true),
            "",
          ]
        : []),
      ...results.flatMap((g) => [groupMarkdown(g), ""]),
      ...(throughput.length > 0 ? [throughputMarkdown(throughput), ""] : []),
    ].join("\n");
    writeFileSync(file, `${text.slice(0, from + BEGIN.length)}\n${body}\n${text.slice(to)}`);
    log(`updated ${file}`);
  }
}

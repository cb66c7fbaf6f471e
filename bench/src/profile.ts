// `pnpm bench:profile --group overhead.sync.batch --row calltree`: runs one row of one group for a few seconds
// under `node --cpu-prof` (in a child process) and prints where the time goes: the top frames by self time and
// the time per package. The .cpuprofile is kept (results/profiles/) for Chrome DevTools or speedscope.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Group } from "./harness.js";
import { tracingOff, tracingOn } from "./pipeline.js";
import { captureGroups } from "./suites/capture.js";
import { nestedGroups } from "./suites/nested.js";
import { overheadGroups } from "./suites/overhead.js";
import { streamGroups } from "./suites/stream.js";

const { values } = parseArgs({
  options: {
    group: { type: "string", default: "overhead.sync.batch" },
    row: { type: "string", default: "calltree" },
    seconds: { type: "string", default: "6" },
    top: { type: "string", default: "25" },
    dir: { type: "string" },
    // `--no-inline` profiles with V8's inlining off: slower, but a frame's cost stays on the frame instead of
    // being folded into its caller, which shows what a large function's self time is made of.
    "no-inline": { type: "boolean", default: false },
    child: { type: "boolean", default: false },
    // Only summarize an existing .cpuprofile (e.g. one of a throughput child run with --cpu-prof).
    summarize: { type: "string" },
    // The child writes how many calls it made here, so the summary can say what a frame costs per call.
    "calls-file": { type: "string" },
  },
});

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function runChild(): Promise<void> {
  const groups: Group[] = [...overheadGroups(), ...nestedGroups(), ...captureGroups(), ...streamGroups()];
  const group = groups.find((g) => g.id === values.group);
  if (group === undefined) throw new Error(`no group ${values.group}; groups: ${groups.map((g) => g.id).join(", ")}`);
  const pipeline = group.tracing === "off" ? (tracingOff(), undefined) : tracingOn(group.tracing);
  const rows = await group.rows();
  const row = rows.find((r) => r.id === values.row);
  if (row === undefined || row.skip !== undefined) throw new Error(`no runnable row ${values.row} in ${group.id}: ${rows.map((r) => r.id).join(", ")}`);
  const n = Math.min(group.maxCallsPerSample, 500);
  const end = Date.now() + Number(values.seconds) * 1000;
  let calls = 0;
  while (Date.now() < end) {
    const pending = row.run(n);
    if (pending !== undefined) await pending;
    calls += n;
    await yieldToLoop();
  }
  await pipeline?.close();
  if (values["calls-file"] !== undefined) writeFileSync(values["calls-file"], String(calls));
}

/** Where a frame's code lives: a package name, `node:internal`, or a V8 pseudo-frame such as `(garbage collector)`. */
function owner(frame: CallFrame): string {
  const url = frame.url;
  if (url === "") return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  if (url.startsWith("node:")) return "node:internal";
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pnpm) return pnpm[1]!;
  const ws = /\/(packages|bench)\/([^/]+)\//.exec(url);
  if (ws) return ws[1] === "bench" ? "bench" : `@calltree/${ws[2]}`;
  return url;
}

// The calls the profiled child made, when it said (profiles of this tool only).
function callsOf(file: string): number | undefined {
  const side = `${file}.calls`;
  if (!existsSync(side)) return undefined;
  const n = Number(readFileSync(side, "utf8"));
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function summarize(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + dt);
    total += dt;
  }
  const frames = new Map<string, { us: number; owner: string }>();
  const owners = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const file = f.url.split("/").pop() ?? "";
    const key = `${f.functionName || "(anonymous)"}  ${file}${f.url ? `:${f.lineNumber + 1}` : ""}`;
    const o = owner(f);
    const entry = frames.get(key) ?? { us: 0, owner: o };
    entry.us += us;
    frames.set(key, entry);
    owners.set(o, (owners.get(o) ?? 0) + us);
  }
  const calls = callsOf(file);
  // The share of the samples, and with a known number of calls what that is per call (the profiler's own cost
  // included: compare frames and rows profiled alike, not with the bench's figures).
  const pct = (us: number) =>
    `${((us / total) * 100).toFixed(1).padStart(5)}%${calls === undefined ? "" : ` ${((us * 1000) / calls).toFixed(0).padStart(7)} ns/call`}`;
  console.log(`\n${file}\n${(total / 1e6).toFixed(1)} s sampled${calls === undefined ? "" : `, ${calls} calls`}\n\nTop frames by self time:`);
  for (const [key, { us, owner: o }] of [...frames].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    console.log(`  ${pct(us)}  ${key}  [${o}]`);
  }
  // Inclusive time of calltree's and the bench's own frames (what they and everything they call cost): self time alone hides a
  // frame whose cost is in the SDK calls it makes. Each frame counted once per sample, however deep it recurses.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const o = owner(f);
      if (!o.startsWith("@calltree/") && o !== "bench") continue;
      const key = `${f.functionName || "(anonymous)"}  ${f.url.split("/").pop() ?? ""}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  console.log("\nTop calltree and bench frames by inclusive time:");
  for (const [key, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${key}`);
  console.log("\nSelf time by package:");
  for (const [o, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(us)}  ${o}`);
}

if (values.summarize !== undefined) {
  summarize(resolve(values.summarize), Number(values.top));
} else if (values.child) {
  await runChild();
} else {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(values.dir ?? join(here, "../../results/profiles"));
  mkdirSync(dir, { recursive: true });
  const name = `${values.group}.${values.row}${values["no-inline"] ? ".no-inline" : ""}.cpuprofile`;
  const r = spawnSync(
    process.execPath,
    [
      ...(values["no-inline"] ? ["--no-turbo-inlining", "--no-maglev-inlining"] : []),
      "--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, fileURLToPath(import.meta.url), "--child", "--group", values.group!, "--row", values.row!, "--seconds", values.seconds!,
      "--calls-file", join(dir, `${name}.calls`)],
    { stdio: "inherit" },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  if (!readdirSync(dir).includes(name)) throw new Error(`no profile written to ${dir}`);
  summarize(join(dir, name), Number(values.top));
}

// Every package's node:test suite under Node 22 and 24 (real binaries from the npm registry), because most users of
// a library released now run those; `pnpm test` runs the same suites under Node 20 in their own packages.
//
// The suites are found, not listed: every workspace package whose test script is scripts/run-tests.mjs, less the
// exclusions below, each printed with its reason. Two suites run at a time (one worker per Node version; a suite with
// a fixed work folder never under both at once); each suite's output is printed whole when it ends, so turbo's
// grouped log and the test counts of `pnpm test` read as for any package. NODE_VERSIONS=22 (or 24) runs one version;
// NODE_VERSIONS_ONLY=a,b runs the named suites only.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const require = createRequire(import.meta.url);

/** Suites that do not run here, and why. */
const EXCLUDED = {
  "tests/node-versions": "this runner",
  "tests/sdk-matrix": "runs each SDK major under the Node binaries it supports itself (20, 22 and 24)",
  "tests/toolchains": "its cells pick their runtimes themselves (Node 22/24 type stripping, Bun, Deno)",
  "tests/web-view": "drives Chromium against the built web view: the browser, not Node, runs what it tests",
  "tests/backends": "the Python backends (Arize Phoenix, the Collector) judge the exported spans; the export path runs here in packages/otel",
  "tests/docs": "compiles the docs' code blocks with tsc: no Node-version-dependent code runs",
  "tests/testing-runners": "vitest and jest runs, not node:test (their runners pick their own Node APIs)",
  "bench": "a benchmark: its smoke run proves every row runs (on Node 20); it asserts no behaviour another Node could change",
};

/** Suites that write a fixed work folder (not a temporary one): never under both Node versions at once. */
const ONE_AT_A_TIME = new Set(["packages/tool", "tests/decorator-matrix"]);

function packages() {
  const out = [];
  const dirs = ["packages", "examples", "tests"].flatMap((d) => readdirSync(join(root, d)).map((n) => `${d}/${n}`));
  for (const dir of [...dirs, "bench"]) {
    const manifest = join(root, dir, "package.json");
    if (!existsSync(manifest)) continue;
    const test = JSON.parse(readFileSync(manifest, "utf8")).scripts?.test ?? "";
    if (!/^node (\.\.\/)+scripts\/run-tests\.mjs$/.test(test) && !(dir in EXCLUDED)) continue;
    out.push(dir);
  }
  return out.sort();
}

function binary(name) {
  const bin = join(dirname(require.resolve(`${name}/package.json`)), "bin/node");
  if (!existsSync(bin)) {
    console.error(`${name}: binary missing at ${bin}`);
    process.exit(1);
  }
  return bin;
}

const running = new Set();
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of running) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    process.exit(1);
  });
}

function runSuite(bin, version, dir) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // Its own process group, so a stop of this runner stops the suite's node too (run-tests.mjs waits on it).
    const child = spawn(process.execPath, [join(root, "scripts/run-tests.mjs")], {
      cwd: join(root, dir),
      env: { ...process.env, CALLTREE_NODE: bin },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    running.add(child);
    const chunks = [];
    child.stdout.on("data", (d) => chunks.push(d));
    child.stderr.on("data", (d) => chunks.push(d));
    child.on("close", (code) => {
      running.delete(child);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      process.stdout.write(`# ---- ${dir} under ${version}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s\n`);
      process.stdout.write(Buffer.concat(chunks));
      resolve({ dir, version, ok: code === 0, seconds });
    });
  });
}

const all = packages();
const only = process.env.NODE_VERSIONS_ONLY?.split(",").map((s) => s.trim()).filter(Boolean);
const suites = all.filter((d) => !(d in EXCLUDED) && (only === undefined || only.includes(d)));
for (const d of all) if (d in EXCLUDED) console.log(`# not under Node 22/24: ${d}: ${EXCLUDED[d]}`);
const wanted = (process.env.NODE_VERSIONS ?? "22,24").split(",").map((s) => s.trim());
const lanes = ["22", "24"].filter((v) => wanted.includes(v)).map((v) => {
  const bin = binary(`node${v}`);
  return { bin, version: spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim() };
});
console.log(`# ${suites.length} suites under ${lanes.map((l) => l.version).join(" and ")}: ${suites.join(", ")}`);

// One worker per Node version, both taking jobs from one queue; a worker whose next suite may not run twice at once
// (ONE_AT_A_TIME) while the other runs it takes another job.
const jobs = suites.flatMap((dir) => lanes.map((lane) => ({ dir, ...lane })));
const busy = new Set();
const results = [];
let wake = () => undefined;
async function worker() {
  for (;;) {
    const i = jobs.findIndex((j) => !(ONE_AT_A_TIME.has(j.dir) && busy.has(j.dir)));
    if (i < 0) {
      if (jobs.length === 0) return;
      await new Promise((resolve) => (wake = resolve));
      continue;
    }
    const [job] = jobs.splice(i, 1);
    busy.add(job.dir);
    results.push(await runSuite(job.bin, job.version, job.dir));
    busy.delete(job.dir);
    wake();
  }
}
const started = process.hrtime.bigint();
await Promise.all(lanes.map(() => worker()));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const failed = results.filter((r) => !r.ok);
console.log(`# node-versions: ${results.length} suite runs in ${seconds.toFixed(1)} s; ${failed.length} failed${failed.map((r) => `\n#   ${r.dir} under ${r.version}`).join("")}`);
process.exit(failed.length > 0 ? 1 : 0);

#!/usr/bin/env node
// Installs the real backends the suite judges calltree with, once per machine and user:
//   - a Python 3.11 virtual environment with arize-phoenix (the server), arize-phoenix-otel, litellm and
//     openinference-instrumentation-litellm (the seed's own Python program), every package pinned;
//   - an OpenTelemetry Collector built with the Collector Builder (ocb) from the Go module proxy.
// Both live under ~/.cache/calltree/ (XDG_CACHE_HOME honoured), in a folder named after the pinned versions, so
// a version bump installs beside the old one and a finished install is reused. A folder is used only once its
// `.complete` marker exists (written last); a half-finished one is removed and redone.
// Where a step cannot work (no Python 3.11, no PyPI, no Go, no module proxy) it fails naming the step.
// Prints where things are and how long each step took. `--print-paths` prints the JSON the tests read.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..");
const pins = JSON.parse(readFileSync(join(pkg, "backends.json"), "utf8"));
const cacheRoot = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "calltree");

function key(...parts) {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 12);
}
const pythonLock = readFileSync(join(pkg, "python", "requirements.lock.txt"), "utf8");
const collectorManifestTemplate = readFileSync(join(pkg, "collector", "manifest.yaml"), "utf8");

export const paths = {
  venv: join(cacheRoot, `phoenix-${pins.python.phoenix}-${key(pythonLock)}`),
  collector: join(cacheRoot, `otelcol-${pins.collector.builder}-${key(collectorManifestTemplate, pins.collector.builder)}`),
};
paths.python = join(paths.venv, "bin", "python");
paths.phoenix = join(paths.venv, "bin", "phoenix");
paths.otelcol = join(paths.collector, "dist", "otelcol-calltree");

if (process.argv.includes("--print-paths")) {
  console.log(JSON.stringify(paths));
  process.exit(0);
}

function fail(step, detail) {
  console.error(`\n@calltree-internal/backends: install step failed: ${step}\n${detail}`.trimEnd());
  process.exit(1);
}

function run(step, cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) fail(step, `could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    fail(step, `\`${cmd} ${args.join(" ")}\` exited with ${r.status}:\n${tail}`);
  }
  return r.stdout;
}

function timed(label, fn) {
  const t0 = process.hrtime.bigint();
  fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`backends: ${label} in ${s.toFixed(1)} s`);
  return s;
}

function installPython() {
  const marker = join(paths.venv, ".complete");
  if (existsSync(marker)) return "cached";
  rmSync(paths.venv, { recursive: true, force: true });
  mkdirSync(dirname(paths.venv), { recursive: true });
  const python = process.env.CALLTREE_PYTHON || "python3.11";
  const version = run(
    "find Python 3.11 (python3.11 on PATH, or CALLTREE_PYTHON)",
    python,
    ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
  ).trim();
  if (version !== "3.11") fail("find Python 3.11", `${python} is Python ${version}; set CALLTREE_PYTHON to a Python 3.11`);
  run("create the Python virtual environment (python3.11 -m venv)", python, ["-m", "venv", paths.venv]);
  const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };
  // Every transitive package is pinned by the lock file; --no-deps keeps pip from resolving anew.
  run(
    "pip install arize-phoenix and the seed's Python packages from PyPI",
    paths.python,
    ["-m", "pip", "install", "--quiet", "--no-deps", "-r", join(pkg, "python", "requirements.lock.txt")],
    { env },
  );
  run("check the Python environment (pip check)", paths.python, ["-m", "pip", "check"], { env });
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return "installed";
}

function installCollector() {
  const marker = join(paths.collector, ".complete");
  if (existsSync(marker)) return "cached";
  rmSync(paths.collector, { recursive: true, force: true });
  mkdirSync(paths.collector, { recursive: true });
  // GOPATH, GOCACHE and GOMODCACHE stay inside the cache folder: nothing lands in the user's Go set-up.
  const goRoot = join(cacheRoot, "go");
  const env = {
    ...process.env,
    GOPATH: join(goRoot, "path"),
    GOMODCACHE: join(goRoot, "mod"),
    GOCACHE: join(goRoot, "build"),
    GOBIN: join(paths.collector, "bin"),
    GOFLAGS: "-modcacherw",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
  run("find Go (go on PATH)", "go", ["version"], { env });
  run(
    `go install go.opentelemetry.io/collector/cmd/builder@${pins.collector.builder} (Go module proxy)`,
    "go",
    ["install", `go.opentelemetry.io/collector/cmd/builder@${pins.collector.builder}`],
    { env },
  );
  const manifest = collectorManifestTemplate.replaceAll("${DIST}", join(paths.collector, "dist"));
  const manifestPath = join(paths.collector, "manifest.yaml");
  writeFileSync(manifestPath, manifest);
  run("build the Collector with the Collector Builder (ocb)", join(env.GOBIN, "builder"), ["--config", manifestPath], {
    env,
  });
  run("check the built Collector (otelcol-calltree components)", paths.otelcol, ["components"]);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return "installed";
}

const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const t0 = process.hrtime.bigint();
if (!only || only === "python") {
  let py;
  timed(`python environment (${paths.venv})`, () => (py = installPython()));
  console.log(`backends: python environment ${py}`);
}
if (!only || only === "collector") {
  let col;
  timed(`collector (${paths.otelcol})`, () => (col = installCollector()));
  console.log(`backends: collector ${col}`);
}
console.log(`backends: install total ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);

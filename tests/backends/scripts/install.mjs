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
import { spawn } from "node:child_process";
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

const children = new Set();

function fail(step, detail) {
  // The other install may still be running: end it, its folder has no marker and is redone next time.
  for (const child of children) child.kill("SIGKILL");
  console.error(`\n@calltree-internal/backends: install step failed: ${step}\n${detail}`.trimEnd());
  process.exit(1);
}

function run(step, cmd, args, options = {}) {
  return attempt(cmd, args, options).then(({ code, out, error }) => {
    if (error) fail(step, `could not run ${cmd}: ${error.message}`);
    if (code !== 0) {
      const tail = out.trim().split("\n").slice(-40).join("\n");
      fail(step, `\`${cmd} ${args.join(" ")}\` exited with ${code}:\n${tail}`);
    }
    return out;
  });
}

/** Runs a command to its end: its exit code and output (stdout and stderr), or the error that kept it from running. */
function attempt(cmd, args, options = {}) {
  return new Promise((resolve) => {
    let out = "";
    let child;
    try {
      child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      resolve({ code: null, out, error });
      return;
    }
    children.add(child);
    const keep = (chunk) => {
      out += chunk.toString("utf8");
      if (out.length > 1_000_000) out = out.slice(-500_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => {
      children.delete(child);
      resolve({ code: null, out, error });
    });
    child.on("close", (code) => {
      children.delete(child);
      resolve({ code, out });
    });
  });
}

async function timed(label, fn) {
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`backends: ${label} ${result} in ${s.toFixed(1)} s`);
}

async function installPython() {
  const marker = join(paths.venv, ".complete");
  if (existsSync(marker)) return "cached";
  rmSync(paths.venv, { recursive: true, force: true });
  mkdirSync(dirname(paths.venv), { recursive: true });
  const python = process.env.CALLTREE_PYTHON || "python3.11";
  const version = (await run(
    "find Python 3.11 (python3.11 on PATH, or CALLTREE_PYTHON)",
    python,
    ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
  )).trim();
  if (version !== "3.11") fail("find Python 3.11", `${python} is Python ${version}; set CALLTREE_PYTHON to a Python 3.11`);
  // Debian splits ensurepip off (package python3.11-venv): without it, make the environment without pip and drive
  // it with the system's pip (`pip --python`, pip >= 22.3).
  let pip = [paths.python, "-m", "pip"];
  const venv = await attempt(python, ["-m", "venv", paths.venv]);
  if (venv.code !== 0 && /ensurepip/.test(venv.out)) {
    rmSync(paths.venv, { recursive: true, force: true });
    await run("create the Python virtual environment (python3.11 -m venv --without-pip)", python, ["-m", "venv", "--without-pip", paths.venv]);
    await run("find pip for Python 3.11 (python3.11 -m pip; Debian: apt-get install python3-pip or python3.11-venv)", python, ["-m", "pip", "--version"]);
    pip = [python, "-m", "pip", "--python", paths.python];
  } else if (venv.code !== 0 || venv.error) {
    fail("create the Python virtual environment (python3.11 -m venv)", venv.error?.message ?? venv.out.trim().split("\n").slice(-20).join("\n"));
  }
  const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };
  // Every transitive package is pinned by the lock file; --no-deps keeps pip from resolving anew.
  await run(
    "pip install arize-phoenix and the seed's Python packages from PyPI",
    pip[0],
    [...pip.slice(1), "install", "--quiet", "--no-deps", "-r", join(pkg, "python", "requirements.lock.txt")],
    { env },
  );
  await run("check the Python environment (pip check)", pip[0], [...pip.slice(1), "check"], { env });
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return "installed";
}

async function installCollector() {
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
  await run("find Go (go on PATH)", "go", ["version"], { env });
  await run(
    `go install go.opentelemetry.io/collector/cmd/builder@${pins.collector.builder} (Go module proxy)`,
    "go",
    ["install", `go.opentelemetry.io/collector/cmd/builder@${pins.collector.builder}`],
    { env },
  );
  const manifest = collectorManifestTemplate.replaceAll("${DIST}", join(paths.collector, "dist"));
  const manifestPath = join(paths.collector, "manifest.yaml");
  writeFileSync(manifestPath, manifest);
  await run("build the Collector with the Collector Builder (ocb)", join(env.GOBIN, "builder"), ["--config", manifestPath], {
    env,
  });
  await run("check the built Collector (otelcol-calltree components)", paths.otelcol, ["components"]);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return "installed";
}

const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const t0 = process.hrtime.bigint();
// The two installs run side by side: pip mostly waits on the network, the Go build mostly on the CPU.
await Promise.all([
  !only || only === "python" ? timed(`python environment (${paths.venv})`, installPython) : undefined,
  !only || only === "collector" ? timed(`collector (${paths.otelcol})`, installCollector) : undefined,
]);
console.log(`backends: install total ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);

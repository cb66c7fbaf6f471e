#!/usr/bin/env node
// `pnpm test`: every package's build (tsc: type checks), lint (ESLint), unused code (knip), the manifest check, then
// the tests through turbo, never from cache. Ends with one summary line counting the tests of every package.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(new URL(".", import.meta.url).pathname, "..");
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", FORCE_COLOR: "0" };

const bin = (name) => join(root, "node_modules", ".bin", name);
// The build comes first: knip follows the imports tests in test/ folders make of their package's dist/esm.
const steps = [
  [bin("turbo"), "run", "build", "--concurrency=2", "--output-logs=errors-only"],
  [bin("eslint"), "."],
  [bin("knip")],
  [process.execPath, join(root, "scripts", "check-manifests.mjs")],
];
for (const [command, ...args] of steps) {
  const r = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const turbo = join(root, "node_modules", ".bin", "turbo");
const child = spawn(turbo, ["run", "test", "--concurrency=2", "--continue", "--output-logs=full", "--log-order=grouped", ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: ["ignore", "pipe", "inherit"],
});
let passed = 0;
let failed = 0;
let buffer = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  buffer += chunk.toString("utf8");
  let nl;
  while ((nl = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    // node's test runner closes each run with `# pass N` / `# fail N` / `# cancelled N` (TAP) or `ℹ pass N` (spec
    // reporter). A cancelled test (its promise never settled, or its parent failed) did not pass: it counts as failed.
    const m = /(?:#|ℹ) (pass|fail|cancelled) (\d+)\s*$/.exec(line);
    if (m) {
      if (m[1] === "pass") passed += Number(m[2]);
      else failed += Number(m[2]);
    }
    // vitest (`Tests  1 failed | 2 passed (3)`) and jest (`Tests:       1 failed, 2 passed, 3 total`).
    const v = /\bTests:?\s+(?:(\d+) failed\W+)?(\d+) passed/.exec(line.replace(/\x1b\[[0-9;]*m/g, ""));
    if (v) {
      passed += Number(v[2]);
      failed += Number(v[1] ?? 0);
    }
  }
});
child.on("close", (code) => {
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 ? 0 : code || 1);
});

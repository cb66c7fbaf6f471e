#!/usr/bin/env node
// Runs a package's compiled tests (dist/esm/**/*.test.js and dist-test/**/*.test.js) with node's own test runner.
// Node 20's `--test` takes no globs, so the files are listed here. CALLTREE_NODE picks another
// node binary (the call-shape suite also runs under node 22 and 24).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

const roots = [join(process.cwd(), "dist/esm"), join(process.cwd(), "dist-test")];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.js")) files.push(p);
  }
}
for (const root of roots) if (existsSync(root)) walk(root);
if (files.length === 0) {
  console.error(`no compiled tests under ${roots.join(" or ")}: build first`);
  process.exit(1);
}
files.sort();
const node = process.env.CALLTREE_NODE || process.execPath;
const args = ["--enable-source-maps", "--test", "--test-concurrency=1", ...process.argv.slice(2), ...files];
const r = spawnSync(node, args, { stdio: "inherit", env: process.env });
process.exit(r.status ?? 1);

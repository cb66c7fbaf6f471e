#!/usr/bin/env node
// `pnpm docs`: the API reference, generated from the TSDoc of every library package into docs/api/.
// Warnings fail the run, so a broken link or a malformed tag does not ship.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(new URL(".", import.meta.url).pathname, "..");
const build = spawnSync(join(root, "node_modules/.bin/turbo"), ["run", "build", "--filter=./packages/*", "--output-logs=errors-only"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
});
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync(join(root, "node_modules/.bin/typedoc"), ["--options", join(root, "typedoc.json")], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);

// Where scripts/install.mjs put the Phoenix environment and the Collector (one computation, in that script).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The installed backends. */
export interface BackendPaths {
  venv: string;
  python: string;
  phoenix: string;
  collector: string;
  otelcol: string;
}

/** The root of this package (tests run from dist/esm/harness). */
export const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));

let cached: BackendPaths | undefined;

/** The installed backends; throws, naming the command to run, if they are not installed. */
export function backendPaths(): BackendPaths {
  if (cached) return cached;
  const script = `${packageRoot}scripts/install.mjs`;
  const r = spawnSync(process.execPath, [script, "--print-paths"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`could not read the backend paths: ${r.stderr}`);
  const paths = JSON.parse(r.stdout) as BackendPaths;
  for (const file of [paths.phoenix, paths.python, paths.otelcol]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run \`node ${script}\` (the package's \`pnpm test\` does it first)`);
    }
  }
  cached = paths;
  return paths;
}

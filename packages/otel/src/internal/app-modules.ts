import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";

/**
 * A `require` that resolves packages the way the app does: from its entry script's folder, else from the working
 * directory. Packages such as the OpenInference instrumentations are the app's dependencies, not calltree's.
 */
export function appRequire(fromWorkingDirectory = false): NodeJS.Require {
  const entry = process.argv[1];
  const base = !fromWorkingDirectory && entry !== undefined && existsSync(entry) ? resolve(entry) : join(process.cwd(), "noop.js");
  return createRequire(base);
}

/** Loads `name` as the app would, or `undefined` when it is not installed. Other load errors propagate. */
export function loadOptional(name: string): unknown {
  const req = appRequire();
  let path: string;
  try {
    path = req.resolve(name);
  } catch {
    try {
      path = createRequire(join(process.cwd(), "noop.js")).resolve(name);
    } catch {
      return undefined;
    }
  }
  return req(path);
}

/** Whether the app could load `name` (from its entry's folder, else the working directory), without loading it. */
export function isInstalled(name: string): boolean {
  for (const fromWorkingDirectory of [false, true]) {
    try {
      appRequire(fromWorkingDirectory).resolve(name);
      return true;
    } catch {
      // Not from here.
    }
  }
  return false;
}

/** Names of the installed `@arizeai/openinference-instrumentation-*` packages, from the app's folder upwards. */
export function findOpenInferenceInstrumentations(): string[] {
  const found = new Set<string>();
  const starts = new Set<string>([process.cwd()]);
  const entry = process.argv[1];
  if (entry !== undefined && existsSync(entry)) starts.add(dirname(resolve(entry)));
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const scope = join(dir, "node_modules", "@arizeai");
      try {
        for (const name of readdirSync(scope)) {
          if (name.startsWith("openinference-instrumentation-")) found.add(`@arizeai/${name}`);
        }
      } catch {
        // No such folder at this level.
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return [...found].sort();
}

/**
 * Whether the app's entry point is an ES module, in which case hooks on `require` cannot patch its imports
 * (OpenTelemetry instrumentations then need `manuallyInstrument`, or node's `--import` loader hook).
 */
export function entryIsEsm(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  const ext = extname(entry);
  if (ext === ".mjs" || ext === ".mts") return true;
  if (ext === ".cjs" || ext === ".cts") return false;
  let dir = dirname(resolve(entry));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module";
      } catch {
        return false;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

/** True when node runs with an ESM loader hook that lets instrumentations patch imports (import-in-the-middle). */
export function hasImportHook(): boolean {
  const args = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return /import-in-the-middle|instrumentation\/hook|--experimental-loader|--loader/.test(args);
}

// Supply chain, checked offline. `pnpm audit` and `npm audit` cannot run here: the registry this machine
// reaches answers their advisory endpoint (POST /-/npm/v1/security/advisories/bulk) with 405, and no other
// advisory database is reachable (see docs/reliability.md). So instead, for every package we publish:
//   - each dependency is pinned to an exact version (or is one of ours, workspace:*);
//   - every package a user installs with ours (dependencies, optional and peer dependencies, transitively, as
//     installed here) is in pnpm-lock.yaml at that version, resolved from the registry with a sha512 integrity;
//   - none of them has an install script (preinstall, install, postinstall, or a binding.gyp) that pnpm would
//     run, unless pnpm-workspace.yaml's allowBuilds lists it as `false` (not run).
// The list of production packages and versions is printed as a test diagnostic.
import { describe, test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("pnpm-workspace.yaml not found above the test");
    dir = up;
  }
  return dir;
}

const ROOT = findRoot();
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"] as const;

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  scripts?: Record<string, string>;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

function publishedPackages(): Array<{ dir: string; manifest: Manifest }> {
  const dir = join(ROOT, "packages");
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((d) => existsSync(join(d, "package.json")))
    .map((d) => ({ dir: d, manifest: readManifest(d) }))
    .filter((p) => p.manifest.private !== true);
}

/** Where node would find `name` from `fromDir`: the first node_modules/<name> on the way up, resolved. */
function locate(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

interface Installed {
  name: string;
  version: string;
  dir: string;
  /** Why it is installed: the first package that asked for it. */
  via: string;
}

/** Every package installed with the published ones, found by walking dependencies as node resolves them. */
function productionClosure(): { installed: Map<string, Installed>; missing: string[] } {
  const installed = new Map<string, Installed>();
  const missing: string[] = [];
  const ours = new Set(publishedPackages().map((p) => p.manifest.name));
  const queue: string[] = publishedPackages().map((p) => realpathSync(p.dir));
  const seenDirs = new Set<string>();
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    const manifest = readManifest(dir);
    const optionalPeers = new Set(Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
    const wanted: Array<[string, boolean]> = [
      ...Object.keys(manifest.dependencies ?? {}).map((n): [string, boolean] => [n, true]),
      ...Object.keys(manifest.optionalDependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(manifest.peerDependencies ?? {}).map((n): [string, boolean] => [n, !optionalPeers.has(n)]),
    ];
    for (const [name, required] of wanted) {
      const found = locate(dir, name);
      if (found === undefined) {
        if (required) missing.push(`${name} (wanted by ${manifest.name})`);
        continue;
      }
      if (!ours.has(name)) {
        const m = readManifest(found);
        const key = `${m.name}@${m.version}`;
        if (!installed.has(key)) installed.set(key, { name: m.name, version: m.version, dir: found, via: manifest.name });
      }
      queue.push(found);
    }
  }
  return { installed, missing };
}

/** Package names pnpm-workspace.yaml's allowBuilds lists as `false`: their install scripts are never run. */
function buildsRefused(): Set<string> {
  const text = readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8");
  const block = /^allowBuilds:\n((?:[ \t]+.*\n?)*)/m.exec(text)?.[1] ?? "";
  return new Set(block.split("\n").map((l) => /^\s+['"]?([^'":]+)['"]?:\s*false\s*$/.exec(l)?.[1]).filter((n): n is string => n !== undefined));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("supply chain (offline: no advisory database is reachable from here)", () => {
  test("every dependency of a published package is pinned to an exact version or is ours (workspace:*)", () => {
    const loose: string[] = [];
    for (const { manifest } of publishedPackages()) {
      for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
        if (spec !== "workspace:*" && !EXACT.test(spec)) loose.push(`${manifest.name}: ${name}@${spec}`);
      }
    }
    assert.deepEqual(loose, []);
  });

  test("every installed production package is locked at its version, from the registry, with a sha512 integrity", (t: TestContext) => {
    const { installed, missing } = productionClosure();
    assert.deepEqual(missing, [], "every required dependency is installed");
    const lock = readFileSync(join(ROOT, "pnpm-lock.yaml"), "utf8");
    const unlocked: string[] = [];
    for (const p of installed.values()) {
      const entry = new RegExp(`^  '?${escape(p.name)}@${escape(p.version)}'?:\\n    resolution: \\{integrity: sha512-[A-Za-z0-9+/]+={0,2}\\}`, "m");
      if (!entry.test(lock)) unlocked.push(`${p.name}@${p.version}`);
    }
    const list = [...installed.keys()].sort();
    t.diagnostic(`${list.length} production packages: ${list.join(", ")}`);
    assert.ok(list.length > 10, "the walk found the dependencies");
    assert.deepEqual(unlocked, []);
  });

  test("no production package runs an install script (or is refused by allowBuilds)", (t: TestContext) => {
    const { installed } = productionClosure();
    const refused = buildsRefused();
    const withScripts: string[] = [];
    const running: string[] = [];
    for (const p of installed.values()) {
      const m = readManifest(p.dir);
      const scripts = INSTALL_SCRIPTS.filter((s) => m.scripts?.[s] !== undefined);
      if (existsSync(join(p.dir, "binding.gyp")) && !scripts.includes("install")) scripts.push("install");
      if (scripts.length === 0) continue;
      withScripts.push(`${p.name}@${p.version} (${scripts.join(", ")})`);
      if (!refused.has(p.name)) running.push(`${p.name}@${p.version} has ${scripts.join(", ")} (via ${p.via})`);
    }
    t.diagnostic(`with install scripts: ${withScripts.join("; ") || "none"}; refused by allowBuilds: ${[...refused].join(", ") || "none"}`);
    assert.deepEqual(running, []);
  });
});

// The toolchain × runtime cells: each one builds the fixture app (fixtures/app.ts, fixtures/main.ts) its own way
// into .work/<id>/ and runs it. A cell either reports what the app saw (one JSON line, checked by the shared
// assertions in matrix.test.ts) or is a documented "not supported", whose advice a test proves.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);

export type Mode = "standard" | "legacy";

/** What a run of the app printed, or how it failed. */
export interface Outcome {
  status: number | null;
  output: string;
  seen?: Record<string, unknown> | undefined;
}

export interface Cell {
  id: string;
  /** The toolchain column of docs/toolchains.md. */
  toolchain: string;
  /** The runtime column. */
  runtime: string;
  mode: Mode;
  /** "pass": the shared assertions hold. "unsupported": fails, and `advice` is what the docs and the doctor say. */
  expect: "pass" | "unsupported";
  advice?: string;
  /** What the project's package.json holds besides its name (what `calltree doctor` reads). */
  pkg?: object;
  /** The tsconfig target, when not getting-started.md's. */
  target?: string;
  /** Builds (if the toolchain builds) and runs the app in `dir`. */
  run(dir: string): Outcome;
}

export const bins = {
  node: process.execPath,
  tsc: require.resolve("typescript/bin/tsc"),
  tsc7: join(dirname(require.resolve("typescript7/package.json")), "bin", "tsc"),
  tsx: require.resolve("tsx/cli"),
  vitest: join(dirname(require.resolve("vitest/package.json")), "vitest.mjs"),
  bun: join(dirname(require.resolve("bun/package.json")), "bin", "bun.exe"),
  deno: join(dirname(require.resolve("deno/package.json")), "bin.cjs"),
  node22: createRequire(require.resolve("@calltree-internal/node-versions/package.json")).resolve("node22/bin/node"),
  node24: createRequire(require.resolve("@calltree-internal/node-versions/package.json")).resolve("node24/bin/node"),
};

/** The fenced block of `lang` in docs/`page` whose text includes `marker`: cells build with what the docs show. */
function docBlock(page: string, lang: string, marker: string): string {
  const text = readFileSync(join(root, "../../docs", page), "utf8");
  for (const m of text.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    if (m[1] === lang && m[2]!.includes(marker)) return m[2]!;
  }
  throw new Error(`docs/${page} has no \`\`\`${lang} block with ${marker}`);
}

/** getting-started.md's tsconfig.json, with legacy decorators added for that mode. */
function tsconfig(mode: Mode, target?: string): object {
  const shown = JSON.parse(docBlock("getting-started.md", "json", '"compilerOptions"')) as { compilerOptions: object };
  const config = {
    ...shown,
    compilerOptions: {
      ...shown.compilerOptions,
      ...(target && target !== "none" ? { target } : {}),
      ...(mode === "legacy" ? { experimentalDecorators: true, emitDecoratorMetadata: true } : {}),
    },
  };
  if (target === "none") delete (config.compilerOptions as { target?: string }).target;
  return config;
}

/** Lays out a fresh project: src/app.ts and src/main.ts, a package.json and a tsconfig.json. */
export function project(id: string, mode: Mode, target?: string, pkg: object = {}): string {
  const dir = join(root, ".work", id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  for (const f of ["app.ts", "main.ts"]) cpSync(join(root, "fixtures", f), join(dir, "src", f));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `cell-${id}`, private: true, type: "module", ...pkg }, null, 2));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig(mode, target), null, 2));
  return dir;
}

function spawn(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
}

/** Reads the CALLTREE_SEEN line a run printed. */
export function outcome(r: SpawnSyncReturns<string>): Outcome {
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`;
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("CALLTREE_SEEN "));
  return { status: r.status, output, seen: line ? JSON.parse(line.slice("CALLTREE_SEEN ".length)) : undefined };
}

/** A build step that must succeed: its failure is the cell's outcome. */
function built(r: SpawnSyncReturns<string>): Outcome | undefined {
  return r.status === 0 ? undefined : { status: r.status, output: `build failed:\n${r.stdout}${r.stderr}${r.error ?? ""}` };
}

function tscCell(mode: Mode, target: string, version: "5.9" | "7.0" = "5.9"): Cell {
  // TypeScript 5 takes an absent target from "module": "NodeNext", which means ESNext; TypeScript 7 does not.
  const esnext = target === "ESNext" || (target === "none" && version === "5.9");
  const supported = !(mode === "standard" && esnext);
  const tsc = version === "5.9" ? bins.tsc : bins.tsc7;
  return {
    id: `tsc${version === "5.9" ? "" : "7"}-${target === "none" ? "notarget" : target.toLowerCase()}-${mode}`,
    toolchain: target === "none" ? `tsc ${version}, no target ("module": "NodeNext")` : `tsc ${version}, target ${target}`,
    pkg: { devDependencies: { typescript: version === "5.9" ? "5.9.3" : "7.0.2" } },
    runtime: "Node",
    mode,
    target,
    expect: supported ? "pass" : "unsupported",
    ...(supported
      ? {}
      : {
          advice: 'TypeScript leaves standard decorators in the JavaScript and Node cannot parse them: set `"target": "ES2022"`.',
        }),
    run(dir) {
      const b = spawn(bins.node, [tsc, "-p", "tsconfig.json"], dir);
      return built(b) ?? outcome(spawn(bins.node, ["dist/main.js"], dir));
    },
  };
}

function esbuildCell(mode: Mode): Cell {
  return {
    id: `esbuild-${mode}`,
    toolchain: "esbuild 0.28 (bundle)",
    pkg: { devDependencies: { esbuild: "0.28.2" } },
    runtime: "Node",
    mode,
    expect: "pass",
    run(dir) {
      const script = `
        import { build } from "esbuild";
        await build({ entryPoints: ["src/main.ts"], bundle: true, packages: "external", platform: "node",
          format: "esm", target: "node20", outfile: "dist/main.js", tsconfig: "tsconfig.json", logLevel: "error" });`;
      writeFileSync(join(dir, "build.mjs"), script);
      const b = spawn(bins.node, ["build.mjs"], dir);
      return built(b) ?? outcome(spawn(bins.node, ["dist/main.js"], dir));
    },
  };
}

function tsxCell(mode: Mode): Cell {
  return {
    id: `tsx-${mode}`,
    toolchain: "tsx 4.23 runs the TypeScript",
    pkg: { devDependencies: { tsx: "4.23.15" } },
    runtime: "Node",
    mode,
    expect: "pass",
    run: (dir) => outcome(spawn(bins.node, [bins.tsx, "src/main.ts"], dir)),
  };
}

function swcCell(mode: Mode): Cell {
  return {
    id: `swc-${mode}`,
    toolchain: "swc 1.16",
    pkg: { devDependencies: { "@swc/core": "1.16.22" } },
    runtime: "Node",
    mode,
    expect: "pass",
    run(dir) {
      const transform = mode === "standard" ? { decoratorVersion: "2022-03" } : { legacyDecorator: true, decoratorMetadata: true };
      const script = `
        import { transformFileSync } from "@swc/core";
        import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
        mkdirSync("dist", { recursive: true });
        for (const f of readdirSync("src")) {
          const { code } = transformFileSync("src/" + f, { swcrc: false, module: { type: "es6" },
            jsc: { target: "es2022", parser: { syntax: "typescript", decorators: true }, transform: ${JSON.stringify(transform)} } });
          writeFileSync("dist/" + f.replace(/\\.ts$/, ".js"), code);
        }`;
      writeFileSync(join(dir, "build.mjs"), script);
      const b = spawn(bins.node, ["build.mjs"], dir);
      return built(b) ?? outcome(spawn(bins.node, ["dist/main.js"], dir));
    },
  };
}

function babelCell(mode: Mode): Cell {
  const version = mode === "standard" ? "2023-11" : "legacy";
  return {
    id: `babel-${mode}`,
    toolchain: 'Babel 8 + plugin-proposal-decorators ("2023-11" / "legacy")',
    pkg: { devDependencies: { "@babel/core": "8.1.4", "@babel/plugin-proposal-decorators": "8.0.2" } },
    runtime: "Node",
    mode,
    expect: "pass",
    run(dir) {
      const script = `
        import { transformFileSync } from "@babel/core";
        import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
        mkdirSync("dist", { recursive: true });
        for (const f of readdirSync("src")) {
          const { code } = transformFileSync("src/" + f, { babelrc: false, configFile: false,
            presets: [["@babel/preset-typescript", {}]],
            plugins: [["@babel/plugin-proposal-decorators", { version: ${JSON.stringify(version)} }]] });
          writeFileSync("dist/" + f.replace(/\\.ts$/, ".js"), code);
        }`;
      writeFileSync(join(dir, "build.mjs"), script);
      const b = spawn(bins.node, ["build.mjs"], dir);
      return built(b) ?? outcome(spawn(bins.node, ["dist/main.js"], dir));
    },
  };
}

/** The test file of the vitest cells: runs the app and prints what it saw. */
const VITEST_TEST = `import { test } from "vitest";
import { runApp } from "./app.js";

test("the app", async () => {
  console.log("CALLTREE_SEEN " + JSON.stringify(await runApp()));
});
`;

/** Writes docs/testing.md's vitest.config.mjs for `mode` into `dir`. */
export function documentedVitestConfig(dir: string, mode: Mode): void {
  const block = docBlock("testing.md", "js", mode === "legacy" ? "// vitest.config.mjs, legacy decorators" : "// vitest.config.mjs\n");
  writeFileSync(join(dir, "vitest.config.mjs"), block);
}

/** Runs vitest in `dir` (its config, if any, from `dir`). */
export function runVitest(dir: string): Outcome {
  return outcome(spawn(bins.node, [bins.vitest, "run"], dir));
}

function vitestCell(mode: Mode, withSwc: boolean): Cell {
  return {
    id: `vitest-${withSwc ? "swc" : "plain"}-${mode}`,
    toolchain: withSwc ? "vitest 4 + unplugin-swc ([the config in testing](testing.md#under-vitest-or-jest))" : "vitest 4 without swc",
    runtime: "Node",
    mode,
    expect: withSwc || mode === "legacy" ? "pass" : "unsupported",
    ...(withSwc
      ? {}
      : { advice: "vite does not compile standard decorators: add unplugin-swc with the `vitest.config.mjs` of [testing](testing.md#under-vitest-or-jest)." }),
    pkg: { devDependencies: { vitest: "4.1.12", ...(withSwc ? { "unplugin-swc": "2.0.0", "@swc/core": "1.16.22" } : {}) } },
    run(dir) {
      writeFileSync(join(dir, "src", "app.test.ts"), VITEST_TEST);
      if (withSwc) documentedVitestConfig(dir, mode);
      return runVitest(dir);
    },
  };
}

function stripCell(node: "node22" | "node24", mode: Mode): Cell {
  const version = node === "node22" ? "22.23" : "24.9";
  return {
    id: `${node}-strip-${mode}`,
    toolchain: `Node ${version}'s type stripping (\`node src/main.ts\`)`,
    runtime: `Node ${version}`,
    mode,
    expect: "unsupported",
    advice: "Node's type stripping does not run decorators: compile with tsc, or run the TypeScript with tsx.",
    pkg: { scripts: { start: "node src/main.ts" } },
    run(dir) {
      // Type stripping resolves files as they are named: main.ts imports ./app.ts.
      const main = join(dir, "src", "main.ts");
      writeFileSync(main, readFileSync(main, "utf8").replace('"./app.js"', '"./app.ts"'));
      return outcome(spawn(bins[node], ["src/main.ts"], dir));
    },
  };
}

function bunCell(mode: Mode): Cell {
  return {
    id: `bun-${mode}`,
    toolchain: "Bun 1.4 runs the TypeScript",
    runtime: "Bun",
    mode,
    expect: "pass",
    run: (dir) => outcome(spawn(bins.bun, ["src/main.ts"], dir, { BUN_INSTALL_CACHE_DIR: join(dir, ".bun-cache") })),
  };
}

/** deno.json for a cell: the workspace's node_modules as they are, `./app.js` finding app.ts, the decorator mode. */
export function denoConfig(dir: string, mode: Mode): void {
  writeFileSync(
    join(dir, "deno.json"),
    JSON.stringify({
      nodeModulesDir: "manual",
      unstable: ["sloppy-imports"],
      compilerOptions: mode === "legacy" ? { experimentalDecorators: true, emitDecoratorMetadata: true } : {},
    }),
  );
}

/** Arguments to node for `deno run` of `file`, all permissions, no prompt. */
export const denoRun = (file: string) => [bins.deno, "run", "--allow-all", "--no-prompt", file];

/** Deno's cache inside the cell, and no update check (no network beyond 127.0.0.1). */
export const denoEnv = (dir: string) => ({ DENO_DIR: join(dir, ".deno"), DENO_NO_UPDATE_CHECK: "1" });

function denoCell(mode: Mode): Cell {
  return {
    id: `deno-${mode}`,
    toolchain: "Deno 2.9 runs the TypeScript",
    runtime: "Deno",
    mode,
    expect: "pass",
    run(dir) {
      denoConfig(dir, mode);
      return outcome(spawn(process.execPath, denoRun("src/main.ts"), dir, denoEnv(dir)));
    },
  };
}

/** Every cell of the matrix, in the order of the docs' table. */
export const cells: Cell[] = [
  tscCell("standard", "ES2022"),
  tscCell("legacy", "ES2022"),
  tscCell("standard", "ESNext"),
  tscCell("legacy", "ESNext"),
  tscCell("standard", "none"),
  tscCell("legacy", "none"),
  tscCell("standard", "ES2022", "7.0"),
  tscCell("legacy", "ES2022", "7.0"),
  tscCell("standard", "ESNext", "7.0"),
  tscCell("legacy", "ESNext", "7.0"),
  tscCell("standard", "none", "7.0"),
  tscCell("legacy", "none", "7.0"),
  esbuildCell("standard"),
  esbuildCell("legacy"),
  tsxCell("standard"),
  tsxCell("legacy"),
  swcCell("standard"),
  swcCell("legacy"),
  babelCell("standard"),
  babelCell("legacy"),
  vitestCell("standard", true),
  vitestCell("legacy", true),
  vitestCell("standard", false),
  vitestCell("legacy", false),
  stripCell("node22", "standard"),
  stripCell("node22", "legacy"),
  stripCell("node24", "standard"),
  stripCell("node24", "legacy"),
  bunCell("standard"),
  bunCell("legacy"),
  denoCell("standard"),
  denoCell("legacy"),
];

/** Lays out the cell's project and runs it. */
export function runCell(cell: Cell): Outcome & { dir: string } {
  const dir = project(cell.id, cell.mode, cell.target, cell.pkg);
  return { ...cell.run(dir), dir };
}

#!/usr/bin/env node
// Builds the package in the current directory: ESM (with the tests beside the code, which run from dist/esm) and
// CJS (library code only), each with type declarations; then, when the package has a `test/` folder, its tests,
// helpers and fixtures into `dist-test/` (outside the published `dist`). Code in `test/` imports the package by its
// name, or a module of the build by a relative path into `../dist/esm/` (the same path from `test/` and from
// `dist-test/`). One script so every package ships the same shape.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const tsc = require.resolve("typescript/bin/tsc");
const cwd = process.cwd();

function run(args) {
  const r = spawnSync(process.execPath, [tsc, ...args], { cwd, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

rmSync(join(cwd, "dist"), { recursive: true, force: true });
rmSync(join(cwd, "dist-test"), { recursive: true, force: true });
run(["-p", "tsconfig.json", "--outDir", "dist/esm"]);
if (existsSync(join(cwd, "test/tsconfig.json"))) run(["-p", "test/tsconfig.json"]);
if (process.argv.includes("--esm-only")) process.exit(0);
if (!existsSync(join(cwd, "tsconfig.json"))) process.exit(0);
// The CJS build leaves tests out; tsc cannot override `exclude` from the command line.
const cacheDir = join(cwd, "node_modules/.cache/calltree");
mkdirSync(cacheDir, { recursive: true });
const cjsConfig = join(cacheDir, "tsconfig.cjs.json");
writeFileSync(cjsConfig, JSON.stringify({
  extends: join(cwd, "tsconfig.json"),
  include: [join(cwd, "src")],
  exclude: [join(cwd, "src/**/*.test.ts")],
  compilerOptions: { rootDir: join(cwd, "src"), outDir: join(cwd, "dist/cjs"), tsBuildInfoFile: null },
}));
run([
  "-p", cjsConfig,
  "--module", "commonjs",
  "--moduleResolution", "node10",
  "--verbatimModuleSyntax", "false",
  "--declarationMap", "false",
  "--noEmit", "false",
]);
mkdirSync(join(cwd, "dist/cjs"), { recursive: true });
writeFileSync(join(cwd, "dist/cjs/package.json"), '{ "type": "commonjs" }\n');

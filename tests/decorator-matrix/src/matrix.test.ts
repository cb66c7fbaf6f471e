import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The decorator contract proved on real compiler output: the same fixtures compiled by tsc 5.9 and 6.x under
// standard decorators (as ESM) and legacy experimentalDecorators, with and without emitDecoratorMetadata
// (as CommonJS, the way NestJS apps are built), then run with node.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const require = createRequire(import.meta.url);
const compilers = {
  "ts5.9": require.resolve("typescript/bin/tsc"),
  "ts6": require.resolve("typescript6/bin/tsc"),
};

type Mode = "standard" | "legacy" | "legacy+metadata";
const modes: Record<Mode, { type: "module" | "commonjs"; entry: string; options: Record<string, unknown> }> = {
  standard: { type: "module", entry: "run-standard", options: {} },
  legacy: { type: "commonjs", entry: "run-legacy", options: { experimentalDecorators: true } },
  "legacy+metadata": {
    type: "commonjs",
    entry: "run-legacy",
    options: { experimentalDecorators: true, emitDecoratorMetadata: true },
  },
};

function compile(ts: keyof typeof compilers, mode: Mode, files: string[]) {
  const dir = join(root, ".work", `${ts}-${mode}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  for (const f of files) cpSync(join(root, "fixtures", f), join(dir, "src", f));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: modes[mode].type }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        sourceMap: true,
        types: [],
        lib: ["ES2023", "ESNext.Disposable", "ESNext.Decorators", "DOM"],
        rootDir: "src",
        outDir: "out",
        ...modes[mode].options,
      },
      include: ["src"],
    }),
  );
  const r = spawnSync(process.execPath, [compilers[ts], "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
  return { dir, status: r.status, output: `${r.stdout}${r.stderr}` };
}

const expectedShape = [
  "CHAIN Assistant.sync",
  "CHAIN Assistant.create",
  "CHAIN Assistant.main",
  "  CHAIN Assistant.sync",
  "  CHAIN Assistant.ask",
  "  CHAIN Assistant.numbers",
  "  CHAIN Assistant.tokens",
].join("\n");

describe("decorators compiled by real tsc", () => {
  for (const ts of Object.keys(compilers) as Array<keyof typeof compilers>) {
    for (const mode of Object.keys(modes) as Mode[]) {
      test(`${ts}, ${mode} decorators: compiles, runs, one trace per call tree, same types`, () => {
        const { dir, status, output } = compile(ts, mode, ["assistant.ts", `${modes[mode].entry}.ts`]);
        assert.equal(status, 0, `tsc failed:\n${output}`);
        const run = spawnSync(process.execPath, [join(dir, "out", `${modes[mode].entry}.js`)], { encoding: "utf8", cwd: dir });
        assert.equal(run.status, 0, run.stderr);
        const seen = JSON.parse(run.stdout.trim().split("\n").pop()!);
        assert.equal(seen.syncResult, 42);
        assert.deepEqual(seen.result, { s: 2, a: "q:2", n: [1, 2], t: ["a", "b"] });
        assert.equal(seen.shape.split("\n").filter((l: string) => !l.includes("Vault")).join("\n"), expectedShape);
        assert.deepEqual(seen.inputs, ['{"question":"q","times":2}']);
        assert.equal(seen.located, true);
        assert.deepEqual(seen.methods, ["ask", "numbers", "run", "static create", "sync", "tokens"]);
        if (mode === "standard") {
          assert.equal(seen.more, "opened 1234");
          assert.match(seen.shape, /CHAIN Vault\.#open/);
        } else if (mode === "legacy+metadata") {
          assert.equal(seen.more, "String,Number", "emitDecoratorMetadata still describes the decorated method");
        } else {
          assert.equal(seen.more, "no design metadata");
        }
      });
    }
    for (const mode of Object.keys(modes) as Mode[]) {
      test(`${ts}, ${mode} decorators: reflect-metadata and own properties other decorators put on the method survive`, () => {
        const { dir, status, output } = compile(ts, mode, ["routes.ts"]);
        assert.equal(status, 0, `tsc failed:\n${output}`);
        const run = spawnSync(process.execPath, [join(dir, "out", "routes.js")], { encoding: "utf8", cwd: dir });
        assert.equal(run.status, 0, run.stderr);
        const seen = JSON.parse(run.stdout.trim().split("\n").pop()!);
        assert.equal(seen.route, "/x", "@agent @Get(\"/x\") keeps its route");
        assert.equal(seen.method, 0);
        assert.deepEqual(seen.roles, ["admin"], "@SetMetadata survives");
        assert.equal(seen.tag, "secure", "an own property survives");
        assert.equal(seen.above, "/above", "a decorator applied after ours still works");
        assert.deepEqual(seen.results, ["cats", 1]);
        assert.deepEqual(seen.spans, ["CatsController.above", "CatsController.find", "CatsController.secure"]);
      });
    }
    test(`${ts}: a kind decorator on a field is a compile error`, () => {
      const { status, output } = compile(ts, "standard", ["misuse.ts"]);
      assert.notEqual(status, 0);
      assert.match(output, /misuse\.ts/);
    });
  }
});

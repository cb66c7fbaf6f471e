import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { startCollector } from "@calltree/cli";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { bins, cells, denoConfig, denoEnv, denoRun, documentedVitestConfig, outcome, project, root, runCell, runVitest, type Cell, type Outcome } from "./cells.js";

// The toolchain × runtime matrix: every cell builds and runs the same app (every kind, toolsOf, nested calls) and
// is checked by the same assertions, or is a "not supported" whose advice — the doctor's message and the fix the
// docs give — is proved by running the fix. The results make docs/toolchains.md's table: the test fails when the
// committed table differs from this run's (CALLTREE_TOOLCHAINS=update rewrites it).
const require = createRequire(import.meta.url);
const calltreeBin = join(dirname(require.resolve("@calltree/cli/package.json")), "dist/esm/bin.js");
const docsPage = join(root, "../../docs/toolchains.md");

const EXPECTED_SHAPE = [
  "AGENT assistant",
  "  CHAIN Assistant.retrieve",
  "    EMBEDDING Assistant.embed",
  "    RETRIEVER Assistant.search",
  "    RERANKER Assistant.rerank",
  "  PROMPT Assistant.render",
  "  TOOL Assistant.weather",
  "  LLM Assistant.complete",
  "  GUARDRAIL Assistant.safe",
  "  EVALUATOR Assistant.exactness",
].join("\n");
const EXPECTED_TOOLS = [
  {
    type: "function",
    function: {
      name: "weather",
      description: "Weather in a city",
      parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  },
];

/** The shared assertions: same answer, every kind in one trace with the right parents, toolsOf from the metadata. */
function assertApp(o: Outcome, where: string): Record<string, unknown> {
  assert.ok(o.seen, `${where}: the app did not report (exit ${o.status}):\n${o.output.slice(-3000)}`);
  const seen = o.seen;
  assert.equal(seen.answer, "Answer weather about weather sunny in Paris", where);
  assert.deepEqual(seen.tools, EXPECTED_TOOLS, `${where}: toolsOf()`);
  assert.equal(seen.shape, EXPECTED_SHAPE, `${where}: span tree`);
  assert.equal(seen.traces, 1, `${where}: one call tree, one trace`);
  assert.equal(seen.parentsInTrace, true, `${where}: every span's parent is in the trace`);
  return seen;
}

/** The failure every unsupported cell shows today: the bare SyntaxError at the first decorator. */
function assertBareSyntaxError(o: Outcome, where: string): void {
  assert.notEqual(o.status, 0, where);
  assert.equal(o.seen, undefined, where);
  assert.match(o.output, /SyntaxError: Invalid or unexpected token/, where);
}

/** `calltree doctor DIR`, with no endpoint in the environment (the endpoint check has its own tests). */
function doctor(dir: string): { status: number | null; out: string } {
  const env = { ...process.env };
  for (const k of ["PHOENIX_COLLECTOR_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]) delete env[k];
  const r = spawnSync(process.execPath, [calltreeBin, "doctor", dir], { encoding: "utf8", env });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// Legacy cells whose toolchain emits design-type metadata (emitDecoratorMetadata); the others emit none.
const EMITS_METADATA = new Set(["tsc-es2022-legacy", "tsc-esnext-legacy", "tsc7-es2022-legacy", "tsc7-esnext-legacy", "tsc-notarget-legacy", "tsc7-notarget-legacy", "swc-legacy", "vitest-swc-legacy", "vitest-plain-legacy", "bun-legacy", "deno-legacy"]);

const results = new Map<string, { cell: Cell; verdict: "pass" | "unsupported"; metadata?: boolean }>();

describe("toolchain matrix: the every-kind app", () => {
  for (const cell of cells) {
    const name = cell.toolchain.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    test(`${name} on ${cell.runtime}, ${cell.mode} decorators: ${cell.expect === "pass" ? "passes the shared assertions" : "fails with the bare SyntaxError we document"}`, () => {
      const o = runCell(cell);
      if (cell.expect === "pass") {
        const seen = assertApp(o, cell.id);
        const metadata = seen.metadata === "String";
        assert.equal(metadata, EMITS_METADATA.has(cell.id), `${cell.id}: decorator metadata ${seen.metadata}`);
        results.set(cell.id, { cell, verdict: "pass", metadata });
        // No false alarm: the doctor finds nothing that will not work in a project that works.
        const checked = doctor(o.dir);
        assert.equal(checked.status, 0, `${cell.id}: calltree doctor\n${checked.out}`);
        // It warns about missing decorator metadata exactly where the run found none although tsconfig asks for it.
        assert.equal(
          /warn {2}package\.json: .* not emit decorator metadata/.test(checked.out),
          cell.mode === "legacy" && !metadata,
          `${cell.id}: calltree doctor\n${checked.out}`,
        );
      } else {
        assertBareSyntaxError(o, cell.id);
        results.set(cell.id, { cell, verdict: "unsupported" });
      }
    });
  }
});

describe("the advice for each unsupported cell works", () => {
  for (const id of ["tsc-esnext-standard", "tsc-notarget-standard", "tsc7-esnext-standard"]) test(`${id}: the doctor names the problem and the fix; with "target": "ES2022" the app runs and the doctor is content`, () => {
    const cell = cells.find((c) => c.id === id)!;
    const dir = project(cell.id, cell.mode, cell.target, cell.pkg);
    assertBareSyntaxError(cell.run(dir), cell.id);
    const before = doctor(dir);
    assert.equal(before.status, 1, before.out);
    assert.match(before.out, /FAIL {2}tsconfig\.json: standard decorators with (no "target"|"target": "ESNext").*SyntaxError: Invalid or unexpected token/);
    assert.match(before.out, /fix: set "target": "ES2022" in tsconfig\.json/);
    const tsconfig = JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    tsconfig.compilerOptions.target = "ES2022";
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
    assertApp(cell.run(dir), `${cell.id}, fixed`);
    const after = doctor(dir);
    assert.equal(after.status, 0, after.out);
  });

  test("vitest without swc: the doctor names the problem and unplugin-swc; with docs/testing.md's config the app runs", () => {
    const cell = cells.find((c) => c.id === "vitest-plain-standard")!;
    const dir = project(cell.id, cell.mode, cell.target, cell.pkg);
    assertBareSyntaxError(cell.run(dir), cell.id);
    const before = doctor(dir);
    assert.equal(before.status, 1, before.out);
    assert.match(before.out, /FAIL {2}package\.json: vitest with standard decorators/);
    assert.match(before.out, /fix: npm i -D unplugin-swc @swc\/core/);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    Object.assign(pkg.devDependencies, { "unplugin-swc": "2.0.0", "@swc/core": "1.16.22" });
    writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
    documentedVitestConfig(dir, "standard");
    assertApp(runVitest(dir), `${cell.id}, fixed`);
    const after = doctor(dir);
    assert.equal(after.status, 0, after.out);
  });

  test("Node's type stripping: the doctor names the script and tsx; tsx runs the same files", () => {
    const cell = cells.find((c) => c.id === "node22-strip-standard")!;
    const dir = project(cell.id, cell.mode, cell.target, cell.pkg);
    assertBareSyntaxError(cell.run(dir), cell.id);
    const before = doctor(dir);
    assert.equal(before.status, 1, before.out);
    assert.match(before.out, /FAIL {2}package\.json: script "start" \(node src\/main\.ts\) has Node run TypeScript itself/);
    assert.match(before.out, /fix: compile with tsc and run the JavaScript, or run the file with tsx \(npx tsx src\/main\.ts\)/);
    assertApp(outcome(spawnSync(bins.node, [bins.tsx, "src/main.ts"], { cwd: dir, encoding: "utf8" })), `${cell.id}, with tsx`);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { scripts: Record<string, string> };
    pkg.scripts.start = "tsx src/main.ts";
    writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
    const after = doctor(dir);
    assert.equal(after.status, 0, after.out);
  });
});

describe("exported for real: register() sends the app's trace over OTLP/HTTP to calltree collect", () => {
  const runtimes: Record<string, (dir: string) => { cmd: string; args: string[]; env?: NodeJS.ProcessEnv }> = {
    "Node (tsx)": () => ({ cmd: bins.node, args: [bins.tsx, "src/export.ts"] }),
    Bun: () => ({ cmd: bins.bun, args: ["src/export.ts"] }),
    Deno: (dir) => {
      denoConfig(dir, "standard");
      return { cmd: process.execPath, args: denoRun("src/export.ts"), env: denoEnv(dir) };
    },
  };
  for (const [runtime, command] of Object.entries(runtimes)) {
    test(`${runtime}: one trace of 10 spans arrives, rooted at the agent`, async () => {
      const collector = await startCollector({ port: 0 });
      const received: Array<{ spanCount: number; hasRoot: boolean; roots: number; late: boolean }> = [];
      collector.onTrace((t, info) => received.push({ spanCount: t.spanCount, hasRoot: t.hasRoot, roots: t.roots.length, late: info.late }));
      try {
        const dir = project(`export-${runtime.split(" ")[0]!.toLowerCase()}`, "standard");
        cpSync(join(root, "fixtures", "export.ts"), join(dir, "src", "export.ts"));
        const { cmd, args, env } = command(dir);
        // Asynchronous: the collector answers in this process while the app runs.
        const child = spawn(cmd, args, {
          cwd: dir,
          env: { ...process.env, ...env, PHOENIX_COLLECTOR_ENDPOINT: collector.url, NO_COLOR: "1" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        const [status] = (await once(child, "close")) as [number | null];
        assert.equal(status, 0, output);
        // shutdown() returned after the collector answered: every span is in; hand the trace out now.
        collector.flush();
        assert.deepEqual(collector.stats, { requests: collector.stats.requests, acceptedSpans: 10, rejectedSpans: 0 });
        assert.deepEqual(received, [{ spanCount: 10, hasRoot: true, roots: 1, late: false }]);
      } finally {
        await collector.close();
      }
    });
  }
});

const START = "<!-- toolchain-matrix:start (written by tests/toolchains; CALLTREE_TOOLCHAINS=update rewrites it) -->";
const END = "<!-- toolchain-matrix:end -->";

/** The table of docs/toolchains.md, from this run's results. */
function table(): string {
  const rows = new Map<string, { runtime: string; standard?: string; legacy?: string; metadata?: string }>();
  const say = (r: { cell: Cell; verdict: string }) => (r.verdict === "pass" ? "✅ works" : `❌ not supported: ${r.cell.advice}`);
  for (const cell of cells) {
    const r = results.get(cell.id);
    assert.ok(r, `${cell.id} did not run`);
    const row = rows.get(cell.toolchain) ?? { runtime: cell.runtime };
    row[cell.mode] = say(r);
    if (cell.mode === "legacy" && r.verdict === "pass") row.metadata = r.metadata ? "emitted" : "not emitted";
    rows.set(cell.toolchain, row);
  }
  const lines = [
    "| Toolchain | Runs on | Standard decorators | `experimentalDecorators` | `emitDecoratorMetadata` |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const [toolchain, row] of rows) {
    lines.push(`| ${toolchain} | ${row.runtime} | ${row.standard ?? "not run"} | ${row.legacy ?? "not run"} | ${row.metadata ?? "—"} |`);
  }
  return lines.join("\n");
}

test("docs/toolchains.md's table is this run's", () => {
  const generated = `${START}\n${table()}\n${END}`;
  const page = readFileSync(docsPage, "utf8");
  const at = page.indexOf(START);
  const end = page.indexOf(END);
  assert.ok(at >= 0 && end > at, `docs/toolchains.md has no ${START} ... ${END} block`);
  const current = page.slice(at, end + END.length);
  if (process.env.CALLTREE_TOOLCHAINS === "update") {
    writeFileSync(docsPage, page.replace(current, generated));
    return;
  }
  assert.equal(current, generated, "docs/toolchains.md's table differs from this run: rerun with CALLTREE_TOOLCHAINS=update and commit it");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { diagnose, formatFindings, parseJsonc, type Finding } from "./doctor.js";
import { runCli } from "./cli.js";

/** A project on disk: files by relative path. */
function project(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "calltree-doctor-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const failing = (fs: Finding[]) => fs.filter((f) => f.severity === "fail");
const NODE = "v20.20.0";

test("doctor: standard decorators with target ESNext (tsc --init's default) is a failure naming the SyntaxError and the fix", async () => {
  const dir = project({
    "package.json": { type: "module" },
    // tsc --init writes comments and trailing commas.
    "tsconfig.json": '{\n  // Visit https://aka.ms/tsconfig\n  "compilerOptions": {\n    "target": "esnext", /* emitted as is */\n    "module": "nodenext",\n  },\n}\n',
  });
  try {
    const findings = await diagnose({ dir, env: {}, nodeVersion: NODE });
    const [f, ...more] = failing(findings);
    assert.equal(more.length, 0);
    assert.equal(f!.topic, "tsconfig.json");
    assert.match(f!.message, /SyntaxError: Invalid or unexpected token/);
    assert.match(f!.fix!, /"target": "ES2022"/);
    const out = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => (text += c.toString()));
    const code = await runCli(["doctor", dir], { stdout: out, stderr: out, stdin: new PassThrough() });
    assert.equal(code, 1);
    assert.match(text, /FAIL {2}tsconfig\.json: standard decorators with "target": "ESNext"/);
    assert.match(text, /fix: set "target": "ES2022"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("doctor: the same project with target ES2022, or with experimentalDecorators, passes (exit 0)", async () => {
  for (const compilerOptions of [{ target: "ES2022" }, { target: "ESNext", experimentalDecorators: true }]) {
    const dir = project({ "package.json": {}, "tsconfig.json": { compilerOptions } });
    try {
      const findings = await diagnose({ dir, env: {}, nodeVersion: NODE });
      assert.deepEqual(failing(findings), []);
      const out = new PassThrough();
      const code = await runCli(["doctor", dir], { stdout: out, stderr: out, stdin: new PassThrough() });
      assert.equal(code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test("doctor: no target with module NodeNext is ESNext under TypeScript 5 (a failure), not under 7", async () => {
  const tsconfig = { compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } };
  const ts5 = project({ "package.json": { devDependencies: { typescript: "^5.9.3" } }, "tsconfig.json": tsconfig });
  const ts7 = project({ "package.json": { devDependencies: { typescript: "7.0.2" } }, "tsconfig.json": tsconfig });
  const legacy = project({
    "package.json": { devDependencies: { typescript: "5.9.3" } },
    "tsconfig.json": { compilerOptions: { ...tsconfig.compilerOptions, experimentalDecorators: true } },
  });
  try {
    const [f, ...more] = failing(await diagnose({ dir: ts5, env: {}, nodeVersion: NODE }));
    assert.equal(more.length, 0);
    assert.match(f!.message, /no "target" and "module": "NodeNext": TypeScript 5 then targets ESNext/);
    assert.match(f!.fix!, /"target": "ES2022"/);
    assert.deepEqual(failing(await diagnose({ dir: ts7, env: {}, nodeVersion: NODE })), []);
    assert.deepEqual(failing(await diagnose({ dir: legacy, env: {}, nodeVersion: NODE })), []);
  } finally {
    for (const d of [ts5, ts7, legacy]) rmSync(d, { recursive: true, force: true });
  }
});

test("doctor: compiler options come through `extends` (relative and from a package)", async () => {
  const dir = project({
    "package.json": {},
    "node_modules/@tsconfig/node-latest/tsconfig.json": { compilerOptions: { target: "esnext" } },
    "base.json": { extends: "@tsconfig/node-latest/tsconfig.json", compilerOptions: { strict: true } },
    "tsconfig.json": { extends: "./base.json" },
  });
  try {
    assert.equal(failing(await diagnose({ dir, env: {}, nodeVersion: NODE }))[0]?.topic, "tsconfig.json");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("doctor: emitDecoratorMetadata without an import of reflect-metadata is a warning; with it, none", async () => {
  const tsconfig = { compilerOptions: { target: "ES2022", experimentalDecorators: true, emitDecoratorMetadata: true } };
  const without = project({ "package.json": {}, "tsconfig.json": tsconfig, "src/main.ts": 'import { llm } from "calltree";\n' });
  const withIt = project({ "package.json": {}, "tsconfig.json": tsconfig, "src/main.ts": 'import "reflect-metadata";\n' });
  try {
    const warned = (await diagnose({ dir: without, env: {}, nodeVersion: NODE })).filter((f) => f.topic === "reflect-metadata");
    assert.equal(warned.length, 1);
    assert.equal(warned[0]!.severity, "warn");
    assert.match(warned[0]!.fix!, /import "reflect-metadata";/);
    assert.deepEqual((await diagnose({ dir: withIt, env: {}, nodeVersion: NODE })).filter((f) => f.topic === "reflect-metadata"), []);
  } finally {
    rmSync(without, { recursive: true, force: true });
    rmSync(withIt, { recursive: true, force: true });
  }
});

test("doctor: vitest with standard decorators fails without unplugin-swc and passes with it; esbuild/tsx with metadata warn", async () => {
  const plain = project({ "package.json": { devDependencies: { vitest: "4.1.12" } }, "tsconfig.json": { compilerOptions: { target: "ES2022" } } });
  const swc = project({
    "package.json": { devDependencies: { vitest: "4.1.12", "unplugin-swc": "2.0.0", "@swc/core": "1.16.22" } },
    "tsconfig.json": { compilerOptions: { target: "ES2022" } },
  });
  const esbuild = project({
    "package.json": { devDependencies: { esbuild: "0.28.2", tsx: "4.23.15" } },
    "tsconfig.json": { compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true } },
    "src/main.ts": 'import "reflect-metadata";\n',
  });
  try {
    const [f] = failing(await diagnose({ dir: plain, env: {}, nodeVersion: NODE }));
    assert.match(f!.message, /^vitest with standard decorators/);
    assert.match(f!.fix!, /unplugin-swc/);
    assert.deepEqual(failing(await diagnose({ dir: swc, env: {}, nodeVersion: NODE })), []);
    const warn = (await diagnose({ dir: esbuild, env: {}, nodeVersion: NODE })).find((x) => x.topic === "package.json");
    assert.equal(warn?.severity, "warn");
    assert.match(warn!.message, /^esbuild and tsx do not emit decorator metadata/);
    const babel = project({
      "package.json": { devDependencies: { "@babel/plugin-proposal-decorators": "8.0.2" } },
      "tsconfig.json": { compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true } },
      "src/main.ts": 'import "reflect-metadata";\n',
    });
    try {
      const b = (await diagnose({ dir: babel, env: {}, nodeVersion: NODE })).find((x) => x.topic === "package.json");
      assert.match(b!.message, /^Babel does not emit decorator metadata/);
      assert.match(b!.fix!, /babel-plugin-transform-typescript-metadata/);
    } finally {
      rmSync(babel, { recursive: true, force: true });
    }
  } finally {
    for (const d of [plain, swc, esbuild]) rmSync(d, { recursive: true, force: true });
  }
});

test("doctor: a script that has Node run a .ts file (type stripping) fails with tsc/tsx as the fix; tsx scripts do not", async () => {
  const dir = project({
    "package.json": {
      scripts: { start: "node src/main.ts", dev: "node --experimental-strip-types --watch src/server.mts", ok: "tsx src/main.ts", build: "tsc && node dist/main.js" },
    },
    "tsconfig.json": { compilerOptions: { target: "ES2022" } },
  });
  try {
    const fails = failing(await diagnose({ dir, env: {}, nodeVersion: "v24.9.0" }));
    assert.deepEqual(fails.map((f) => f.message.match(/^script "(\w+)"/)?.[1]), ["start", "dev"]);
    assert.match(fails[0]!.fix!, /npx tsx src\/main\.ts/);
    const node = (await diagnose({ dir, env: {}, nodeVersion: "v24.9.0" })).find((f) => f.topic === "node");
    assert.match(node!.message, /type stripping/);
    const old = failing(await diagnose({ dir, env: {}, nodeVersion: "v18.19.0" })).find((f) => f.topic === "node");
    assert.match(old!.message, /needs Node 20 or newer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("doctor: a loopback endpoint is probed: listening is ok, nothing listening is a failure naming the port and the fix", async () => {
  const dir = project({ "package.json": {}, "tsconfig.json": { compilerOptions: { target: "ES2022" } } });
  const server = createServer((s) => s.destroy());
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  try {
    const up = (await diagnose({ dir, env: { PHOENIX_COLLECTOR_ENDPOINT: `http://localhost:${port}` }, nodeVersion: NODE })).find((f) => f.topic === "endpoint");
    assert.equal(up?.severity, "ok");
    server.close();
    await once(server, "close");
    const down = (await diagnose({ dir, env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, nodeVersion: NODE })).find((f) => f.topic === "endpoint");
    assert.equal(down?.severity, "fail");
    assert.match(down!.message, new RegExp(`nothing listens on 127\\.0\\.0\\.1:${port}`));
    assert.match(down!.fix!, new RegExp(`calltree collect --port ${port}`));
    const none = (await diagnose({ dir, env: {}, nodeVersion: NODE })).find((f) => f.topic === "endpoint");
    assert.equal(none?.severity, "ok");
    assert.match(formatFindings(dir, [down!]), /1 problem will stop calltree from working/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("doctor: localhost counts as reachable when the collector listens on ::1 only", async () => {
  const dir = project({ "package.json": {}, "tsconfig.json": { compilerOptions: { target: "ES2022" } } });
  const server = createServer((s) => s.destroy());
  server.listen(0, "::1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  try {
    const f = (await diagnose({ dir, env: { PHOENIX_COLLECTOR_ENDPOINT: `http://localhost:${port}` }, nodeVersion: NODE })).find((x) => x.topic === "endpoint");
    assert.equal(f?.severity, "ok", f?.message);
    assert.match(f!.message, new RegExp(`listens on ::1:${port}`));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("doctor --json prints the findings; an unknown option is a usage error (exit 2)", async () => {
  const dir = project({ "package.json": {}, "tsconfig.json": { compilerOptions: { target: "ESNext" } } });
  try {
    const out = new PassThrough();
    let text = "";
    out.on("data", (c: Buffer) => (text += c.toString()));
    assert.equal(await runCli(["doctor", dir, "--json"], { stdout: out, stderr: out, stdin: new PassThrough() }), 1);
    const findings = JSON.parse(text) as Finding[];
    assert.equal(findings.find((f) => f.severity === "fail")?.topic, "tsconfig.json");
    text = "";
    assert.equal(await runCli(["doctor", "--nope"], { stdout: out, stderr: out, stdin: new PassThrough() }), 2);
    assert.match(text, /calltree doctor: .*--nope/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("parseJsonc: comments, trailing commas, and // or /* inside strings kept", () => {
  assert.deepEqual(parseJsonc('{ "a": "http://x/*y*/", // c\n "b": [1, 2,], /* d */ }'), { a: "http://x/*y*/", b: [1, 2] });
});

test("doctor: a Next.js project with standard decorators fails with experimentalDecorators as the fix; with it, warns about minified class names", async () => {
  const source = 'import { llm } from "@calltree/llm";\nexport class A {\n  @llm\n  async ask(q: string) { return q; }\n}\n';
  const instrumentation = 'export async function register() {\n  if (process.env.NEXT_RUNTIME === "nodejs") await import("@calltree/otel");\n}\n';
  const standard = project({
    "package.json": { dependencies: { next: "16.5.0" } },
    "tsconfig.json": { compilerOptions: { target: "ES2017" } },
    "lib/a.ts": source,
    "instrumentation.ts": instrumentation,
  });
  const legacy = project({
    "next.config.mjs": "export default {};\n",
    "tsconfig.json": { compilerOptions: { target: "ES2017", experimentalDecorators: true } },
    "lib/a.ts": source,
    "src/instrumentation.ts": instrumentation,
  });
  const noInstrumentation = project({
    "package.json": { dependencies: { next: "16.5.0" } },
    "tsconfig.json": { compilerOptions: { target: "ES2017" } },
  });
  try {
    const [f, ...more] = failing(await diagnose({ dir: standard, env: {}, nodeVersion: NODE }));
    assert.equal(more.length, 0);
    assert.match(f!.message, /Next\.js project with standard decorators/);
    assert.match(f!.fix!, /"experimentalDecorators": true/);
    const legacyFindings = await diagnose({ dir: legacy, env: {}, nodeVersion: NODE });
    assert.deepEqual(failing(legacyFindings), []);
    const warned = legacyFindings.filter((x) => x.topic === "next.js");
    assert.equal(warned.length, 1);
    assert.match(warned[0]!.message, /minifies server code/);
    assert.match(warned[0]!.fix!, /name: "Assistant\.run"/);
    // Without decorators nothing is said of them; a Next.js app without instrumentation.ts is told where register() goes.
    const bare = (await diagnose({ dir: noInstrumentation, env: {}, nodeVersion: NODE })).filter((x) => x.topic === "next.js");
    assert.equal(bare.length, 1);
    assert.match(bare[0]!.message, /no instrumentation\.ts/);
    assert.match(bare[0]!.fix!, /NEXT_RUNTIME === "nodejs"/);
  } finally {
    for (const d of [standard, legacy, noInstrumentation]) rmSync(d, { recursive: true, force: true });
  }
});

// A third party writes a new kind with `@calltree/core/kind` alone. @calltree/core is packed (`pnpm pack`, the
// tarball a user would install) and installed with its peer @opentelemetry/api and the OpenTelemetry SDK into a
// folder outside the workspace, offline from pnpm's store; the kind in fixtures/ is type-checked there (ESM with
// NodeNext, and CommonJS with node10 resolution, libraries checked too), run, and its spans are read back.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";

const here = dirname(fileURLToPath(import.meta.url));
const suite = join(here, "../..");
const root = join(suite, "../..");
const fixtures = join(suite, "fixtures");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

// The versions the workspace pins, so the install finds every package in pnpm's store without the network.
const THIRD_PARTY_DEPENDENCIES = {
  "@opentelemetry/api": "1.9.1",
  "@opentelemetry/sdk-trace-base": "2.12.0",
  "@opentelemetry/context-async-hooks": "2.12.0",
  "@arizeai/openinference-semantic-conventions": "2.12.0",
  "@types/node": "20.19.43",
  zod: "4.6.7",
};

interface SpanRecord {
  name: string;
  traceId: string;
  spanId: string;
  parentId?: string;
  attributes: Record<string, unknown>;
}

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 300_000, env: { ...process.env, npm_config_offline: "true" } });
  assert.equal(r.error, undefined, `${command} ${args.join(" ")}: ${String(r.error)}`);
  assert.equal(r.status, 0, `${command} ${args.join(" ")} in ${cwd} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe("a third-party kind from @calltree/core/kind alone, installed from the packed tarball", () => {
  let dir = "";

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "calltree-third-party-kind-"));
    run("pnpm", ["pack", "--pack-destination", dir], join(root, "packages/core"));
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "pnpm pack wrote a tarball");
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "third-party-kind",
        private: true,
        type: "module",
        dependencies: { "@calltree/core": `file:${join(dir, tarball)}`, ...THIRD_PARTY_DEPENDENCIES },
      }, null, 2),
    );
    for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(dir, f));
    run("pnpm", ["install", "--offline", "--ignore-scripts"], dir);
  });

  after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  test("the only calltree package installed is @calltree/core, and the kind imports only its kind entry", () => {
    assert.deepEqual(readdirSync(join(dir, "node_modules/@calltree")), ["core"]);
    for (const file of ["cache-kind.ts", "main.ts", "main.cjs"]) {
      const text = readFileSync(join(dir, file), "utf8");
      const specifiers = [...text.matchAll(/(?:from |require\()"(@calltree\/[^"]*)"/g)].map((m) => m[1]);
      assert.ok(specifiers.length > 0, `${file} uses calltree`);
      for (const s of specifiers) assert.equal(s, "@calltree/core/kind", `${file} imports ${s}`);
    }
  });

  test("the kind type-checks against the packed declarations: ESM (NodeNext) and CommonJS (node10 resolution)", () => {
    run(process.execPath, [tsc, "-p", "tsconfig.json"], dir);
    run(process.execPath, [tsc, "-p", "tsconfig.cjs.json"], dir);
  });

  test("its spans: one trace, the kind's hooks, typed per-call data, record(), documents and setup errors", () => {
    // Built by the previous test (node's test runner runs a file's tests in order).
    const out = JSON.parse(run(process.execPath, ["out/main.js"], dir)) as {
      result: string[];
      setupError?: { code: unknown; isCalltreeError: boolean };
      spans: SpanRecord[];
    };
    assert.deepEqual(out.result, ["p:a", "p:b", "p:c"], "the app's result is unchanged");
    assert.deepEqual(out.setupError, { code: "INVALID_OPTIONS", isCalltreeError: true });

    const byName = new Map(out.spans.map((s) => [s.name, s]));
    assert.deepEqual([...byName.keys()].sort(), ["Store.lookup", "Store.scan", "outer"]);
    const outer = byName.get("outer")!;
    const lookup = byName.get("Store.lookup")!;
    const scan = byName.get("Store.scan")!;
    assert.equal(outer.parentId, undefined);
    for (const child of [lookup, scan]) {
      assert.equal(child.traceId, outer.traceId, "one call tree, one trace");
      assert.equal(child.parentId, outer.spanId);
    }
    for (const span of out.spans) assert.equal(span.attributes[SC.OPENINFERENCE_SPAN_KIND], "RETRIEVER");

    // staticAttributes (from the options), onStart (the key), onResult (hit, documents), record().
    assert.equal(outer.attributes["cache.store"], "memory");
    assert.equal(outer.attributes["cache.key"], "user:1");
    assert.equal(outer.attributes["cache.hit"], true);
    assert.equal(lookup.attributes["cache.store"], "redis");
    assert.equal(lookup.attributes["cache.hit"], false, "record() wrote it and onResult read it from call.data");
    assert.equal(lookup.attributes[`${SC.RETRIEVAL_DOCUMENTS}.0.${SC.DOCUMENT_ID}`], "d1");
    assert.equal(lookup.attributes[`${SC.RETRIEVAL_DOCUMENTS}.0.${SC.DOCUMENT_CONTENT}`], "hello");
    assert.equal(lookup.attributes[`${SC.RETRIEVAL_DOCUMENTS}.0.${SC.DOCUMENT_SCORE}`], 0.5);
    assert.equal(lookup.attributes[`${SC.RETRIEVAL_DOCUMENTS}.1.${SC.DOCUMENT_CONTENT}`], "plain text");
    // onChunk counted into call.data; onStreamEnd wrote it; core collected the output.
    assert.equal(scan.attributes["cache.chunks"], 3);
    assert.equal(scan.attributes[SC.OUTPUT_VALUE], "p:ap:bp:c");
    assert.equal(scan.attributes[SC.INPUT_VALUE], "p:");
  });

  test("the CommonJS build of the kind entry, through require()", () => {
    const out = JSON.parse(run(process.execPath, ["main.cjs"], dir)) as { value: number; spans: SpanRecord[] };
    assert.equal(out.value, 42);
    assert.equal(out.spans.length, 1);
    assert.equal(out.spans[0]!.name, "double");
    assert.equal(out.spans[0]!.attributes["probe.doubled"], 42);
    assert.equal(out.spans[0]!.attributes[SC.OPENINFERENCE_SPAN_KIND], "CHAIN");
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runBin } from "./helpers.js";
import { VERSION } from "../dist/esm/internal/version.js";

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string; bin: Record<string, string> };

describe("calltree", () => {
  test("--version prints the package version", async () => {
    assert.equal(VERSION, manifest.version);
    for (const flag of ["--version", "-v"]) {
      const r = await runBin([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${manifest.version}\n`);
    }
    assert.equal(manifest.bin.calltree, "./dist/esm/bin.js");
  });

  test("--help on every command exits 0 and documents the exit codes", async () => {
    let r = await runBin(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: calltree <command> \[options\]\n/);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 runtime failure .*, 2 usage error\./);
    r = await runBin(["view", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: calltree view FILE \[options\]\n/);
    assert.match(r.stdout, /--trace ID/);
    assert.match(r.stdout, /--json/);
    r = await runBin(["collect", "-h"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--quiet-ms N/);
  });

  test("usage errors exit 2 and point at --help", async () => {
    let r = await runBin([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Usage: calltree/);
    r = await runBin(["frobnicate"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'calltree: unknown command "frobnicate"\nRun `calltree --help` for usage.\n');
    r = await runBin(["view", "file.jsonl", "--max-lines", "many"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'calltree view: --max-lines takes a whole number, not "many"\nRun `calltree view --help` for usage.\n');
  });
});

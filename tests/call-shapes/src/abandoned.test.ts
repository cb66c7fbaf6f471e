import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chain } from "@calltree/chain";
import { configureCapture, resetCapture } from "@calltree/core";
import { captureTraces } from "@calltree/testing";

test("a returned stream nobody reads ends its span after the idle time, marked abandoned", async () => {
  using traces = captureTraces();
  configureCapture({ streamIdleTimeoutMs: 40 });
  try {
    class Api {
      @chain async *tokens() { yield "a"; yield "b"; }
    }
    const it = new Api().tokens();
    await it.next();
    assert.equal(traces.spans.length, 0, "still open right after a read");
    await new Promise((r) => setTimeout(r, 150));
    const span = traces.get({ name: "Api.tokens" });
    assert.equal(span.attributes["calltree.stream.state"], "abandoned");
    assert.equal(span.attributes["output.value"], "a", "what was read is kept");
  } finally {
    resetCapture();
  }
});

test("a returned stream that is garbage-collected unread ends its span, marked abandoned", () => {
  const script = fileURLToPath(new URL("./fixtures/collected.js", import.meta.url));
  const r = spawnSync(process.execPath, ["--expose-gc", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "abandoned");
});

test("a returned stream collected while the iterator taken from it is still read keeps its span open to the end", () => {
  const script = fileURLToPath(new URL("./fixtures/collected-while-read.js", import.meta.url));
  const r = spawnSync(process.execPath, ["--expose-gc", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), { openAfterGc: true, read: ["a", "b", "c"], state: "completed", output: "abc" });
});

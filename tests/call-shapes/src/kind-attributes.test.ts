// Attributes a kind hook returns are written as they came when nothing in them is to change, and never changed in
// place: a hook may hand back an object it shares between calls.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { configureCapture, resetCapture } from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import { captureTraces } from "@calltree/testing";

describe("a kind hook's own attributes object", () => {
  test("is never extended with the output, at start, at the result or at close; the span has all of them", () => {
    using traces = captureTraces();
    const atStart = Object.freeze({ "test.start": "s" });
    const atResult = Object.freeze({ "test.result": "r" });
    const atClose = Object.freeze({ "test.close": "c" });
    const kind = defineKind({ name: "sharing", spanKind: "CHAIN", onStart: () => atStart, onResult: () => atResult, onClose: () => atClose });
    const f = kind.wrap((n: number) => ({ n }), { name: "shared" });
    assert.deepEqual(f(1), { n: 1 });
    assert.deepEqual(f(2), { n: 2 });
    const spans = traces.find({ name: "shared" });
    assert.equal(spans.length, 2);
    spans.forEach((span, i) => {
      assert.equal(span.attributes["test.start"], "s");
      assert.equal(span.attributes["test.result"], "r");
      assert.equal(span.attributes["test.close"], "c");
      assert.equal(span.attributes["output.value"], JSON.stringify({ n: i + 1 }));
      assert.equal(span.attributes["output.mime_type"], "application/json");
    });
    assert.deepEqual(Object.keys(atResult), ["test.result"]);
  });

  test("is copied, not changed, when a value must be cut to the capture limit or a side is withheld", () => {
    using traces = captureTraces();
    configureCapture({ maxValueLength: 100 });
    try {
      const long = { "test.long": "x".repeat(500), "input.value": "secret input" };
      const kind = defineKind({ name: "longer", spanKind: "CHAIN", onResult: () => long });
      kind.wrap(() => 1, { name: "cut" })();
      kind.wrap(() => 1, { name: "withheld", captureInput: false })();
      assert.ok(String(traces.get({ name: "cut" }).attributes["test.long"]).length <= 100);
      assert.equal(traces.get({ name: "withheld" }).attributes["input.value"], undefined);
      assert.equal(long["test.long"].length, 500);
      assert.equal(long["input.value"], "secret input");
    } finally {
      resetCapture();
    }
  });

  test("is written as it was at the result when the span then waits for pending work", async () => {
    using traces = captureTraces();
    const shared: Record<string, string> = { "test.value": "at result" };
    let release: () => void = () => undefined;
    const kind = defineKind({ name: "waiting", spanKind: "CHAIN", onResult: () => shared });
    const f = kind.wrap(
      () => {
        kind.current()!.waitFor(new Promise<void>((resolve) => (release = resolve)));
        return 1;
      },
      { name: "waits" },
    );
    assert.equal(f(), 1);
    shared["test.value"] = "changed later";
    release();
    await traces.flush();
    const span = traces.get({ name: "waits" });
    assert.equal(span.attributes["test.value"], "at result");
    assert.equal(span.attributes["output.value"], "1");
  });
});

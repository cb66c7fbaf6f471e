import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { GLOBAL_KEY, isCompatible, slot, VERSION } from "./global.js";
import { sharedPart } from "../shared-part.js";
import { handOverModelPrices, hasModelPriceSetter, provideModelPriceSetter } from "../model-prices.js";
import type { ModelPrice } from "../model-prices.js";

const sdk = fileURLToPath(new URL("../sdk.js", import.meta.url));
const kindEntry = fileURLToPath(new URL("../kind.js", import.meta.url));

// A fresh process where another copy of core already left its slot (`planted`), then this copy loads.
function withPlantedSlot(planted: string): { sharedProvider: boolean; diagnostics: string[] } {
  const script = `
    const { diag, DiagLogLevel } = await import("@opentelemetry/api");
    const key = Symbol.for("calltree.js.global.1");
    const other = { version: ${JSON.stringify(planted)}, core: { provider: "the other copy's provider", tracer: undefined,
      globalDelegate: undefined, globalTracer: undefined, reported: new Set(), reportedTo: undefined, capture: undefined,
      copies: new Set(["/elsewhere/core.js"]), incompatible: new Set() }, parts: new Map() };
    globalThis[key] = other;
    const messages = [];
    const push = (m) => messages.push(m);
    diag.setLogger({ error: push, warn: push, info() {}, debug() {}, verbose() {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    const { currentTracerProvider } = await import(${JSON.stringify(sdk)});
    const { defineKind } = await import(${JSON.stringify(kindEntry)});
    defineKind({ name: "probe", spanKind: "CHAIN" }).wrap(function f() {});
    console.log(JSON.stringify({ sharedProvider: currentTracerProvider() === other.core.provider, diagnostics: messages }));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: fileURLToPath(new URL(".", import.meta.url)) });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { sharedProvider: boolean; diagnostics: string[] };
}

describe("the one global slot", () => {
  test("versions are compatible by @opentelemetry/api's rule: the slot's copy at least as new, within the same major (0.x: minor)", () => {
    assert.equal(isCompatible("0.1.0", "0.1.0"), true);
    assert.equal(isCompatible("0.1.0", "0.1.3"), true);
    assert.equal(isCompatible("0.1.3", "0.1.0"), false, "a newer copy never reads an older layout");
    assert.equal(isCompatible("0.1.0", "0.2.0"), false, "0.x minors may break");
    assert.equal(isCompatible("1.2.0", "1.4.1"), true);
    assert.equal(isCompatible("1.4.0", "1.2.0"), false);
    assert.equal(isCompatible("1.0.0", "2.0.0"), false);
    assert.equal(isCompatible("1.0.0-rc.1", "1.0.0"), false, "prereleases match exactly");
    assert.equal(isCompatible("1.0.0-rc.1", "1.0.0-rc.1"), true);
    assert.equal(isCompatible("1.0.0", "not a version"), false);
  });

  test("this copy made or joined the slot under the versioned key", () => {
    const holder = globalThis as unknown as Record<symbol, unknown>;
    assert.equal(holder[GLOBAL_KEY], slot);
    assert.equal(isCompatible(VERSION, slot.version), true);
  });

  test("a named part is made once and shared", () => {
    const a = sharedPart("test.part", () => ({ n: 1 }));
    const b = sharedPart("test.part", () => ({ n: 2 }));
    assert.equal(a, b);
    assert.equal(b.n, 1);
  });

  test("a compatible copy already there: its state is used", () => {
    const r = withPlantedSlot(`0.1.${Number(VERSION.split(".")[2]) + 7}`);
    assert.equal(r.sharedProvider, true);
    assert.deepEqual(r.diagnostics.filter((m) => m.includes("incompatible")), []);
  });

  test("an incompatible copy already there: nothing shared, and one diagnostic names both versions and the fix", () => {
    const r = withPlantedSlot("0.99.0");
    assert.equal(r.sharedProvider, false);
    const said = r.diagnostics.filter((m) => m.includes("incompatible"));
    assert.equal(said.length, 1, r.diagnostics.join("\n"));
    assert.match(said[0]!, new RegExp(`@calltree/core ${VERSION.replace(/\./g, "\\.")} at .* met @calltree/core 0\\.99\\.0`));
    assert.match(said[0]!, /npm ls @calltree\/core/);
  });
});

describe("model prices handed from register() to @calltree/llm through the slot", () => {
  test("prices handed over before the setter exists are applied when it is provided, in order", () => {
    const received: Record<string, ModelPrice>[] = [];
    assert.equal(hasModelPriceSetter(), false);
    handOverModelPrices({ a: { prompt: 1, completion: 2 } });
    handOverModelPrices({ b: { prompt: 3, completion: 4 } });
    assert.equal(received.length, 0);
    provideModelPriceSetter((prices) => received.push(prices));
    assert.equal(hasModelPriceSetter(), true);
    assert.deepEqual(received, [{ a: { prompt: 1, completion: 2 } }, { b: { prompt: 3, completion: 4 } }]);
    handOverModelPrices({ c: { prompt: 5, completion: 6 } });
    assert.equal(received.length, 3, "once provided, handed over at once");
  });
});

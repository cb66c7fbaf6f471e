import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FaultCounter, faultFromModel } from "./faults.js";

describe("faultFromModel", () => {
  test("reads #key=value directives, case-insensitively, and ignores unknown or malformed ones", () => {
    assert.equal(faultFromModel("gpt-4o"), undefined);
    assert.deepEqual(faultFromModel("gpt-4o#status=429#times=1"), { status: 429, times: 1 });
    assert.deepEqual(faultFromModel("m#Delay=20#chunkDelay=5#break=3#retryAfter=100"), {
      delayMs: 20, chunkDelayMs: 5, breakAfter: 3, retryAfterMs: 100,
    });
    assert.equal(faultFromModel("m#colour=red#status=abc#status="), undefined);
  });
});

describe("FaultCounter", () => {
  test("counts each source apart and only when times is set", () => {
    const counter = new FaultCounter();
    const once = { status: 500, times: 1 };
    assert.equal(counter.take("a", once), true);
    assert.equal(counter.take("a", once), false);
    assert.equal(counter.take("b", once), true);
    assert.equal(counter.take("c", { status: 500 }), true);
    assert.equal(counter.take("c", { status: 500 }), true);
  });
});

// @calltree/testing as a user runs it under vitest (ESM build).
import { describe, expect, test } from "vitest";
import { chain } from "@calltree/chain";
import { captureTraces } from "@calltree/testing";

const ask = chain.wrap(async function ask(q) { return `answer to ${q}`; });
const run = chain.wrap(async function run(q) { return ask(q); });

describe("@calltree/testing under vitest", () => {
  test("captures a trace and matches its shape", async () => {
    const traces = captureTraces();
    try {
      await run("why");
      traces.expect([{ kind: "CHAIN", name: "run", children: [{ kind: "CHAIN", name: "ask", attributes: { "input.value": "why" } }] }]);
      expect(traces.shape()).toBe("CHAIN run\n  CHAIN ask");
    } finally {
      traces.restore();
    }
  });

  test("a wrong shape fails with expected and actual trees for the diff", async () => {
    const traces = captureTraces();
    try {
      await run("why");
      let thrown;
      try {
        traces.expect([{ kind: "AGENT", name: "run" }]);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeDefined();
      expect(thrown.expected).toBe("AGENT run");
      expect(thrown.actual).toBe("CHAIN run\n  + CHAIN ask (unexpected)");
    } finally {
      traces.restore();
    }
  });
});

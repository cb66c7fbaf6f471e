import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { classifyError, createPrinter, DropReporter, FaultLog, maskUrl } from "../../dist/esm/internal/diagnostics.js";
import { collectDiag } from "../util.js";

describe("diagnostics", () => {
  test("maskUrl hides passwords and query values", () => {
    assert.equal(maskUrl("https://user:hunter2@phoenix.example/v1/traces?api_key=sk-123&x=1"), "https://user:****@phoenix.example/v1/traces?api_key=****&x=****");
    assert.equal(maskUrl("http://localhost:6006/v1/traces"), "http://localhost:6006/v1/traces");
    // A user name alone is how some services take a token.
    assert.equal(maskUrl("https://ghp_token@phoenix.example/v1/traces"), "https://****@phoenix.example/v1/traces");
  });

  test("maskUrl masks text that is not a valid URL the same way", () => {
    assert.equal(maskUrl("http://user:hunter2@phoenix.example:99999/x?api_key=sk-1&flag"), "http://user:****@phoenix.example:99999/x?api_key=****&flag");
    assert.equal(maskUrl("http://user:pa/ss@word@host:99999"), "http://user:****@host:99999");
    assert.equal(maskUrl("http://sk-token@host:99999"), "http://****@host:99999");
    assert.equal(maskUrl("not a url"), "not a url");
  });

  test("classifyError gives one key per kind of fault", () => {
    assert.deepEqual(classifyError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })), { key: "net:ECONNREFUSED", text: "connection refused (ECONNREFUSED)" });
    assert.deepEqual(classifyError(Object.assign(new Error("HTTP 503 Service Unavailable: busy"), { code: 503 })), { key: "http:503", text: "HTTP 503 Service Unavailable" });
    assert.deepEqual(classifyError(Object.assign(new Error("no answer within 300 ms"), { code: "timeout" })), { key: "timeout", text: "no answer within 300 ms" });
  });

  test("the lost-spans line is printed once, with the count and the reasons; later losses go to diag", () => {
    const lines: string[] = [];
    const faults = new FaultLog("http://127.0.0.1:1/v1/traces");
    const log = collectDiag();
    faults.error(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
    const drops = new DropReporter(createPrinter("error", (t) => lines.push(t)), faults);
    drops.add(512, "export-failed");
    drops.add(3, "queue-full");
    drops.add(488, "exit");
    drops.report();
    drops.report();
    drops.add(7, "export-failed");
    log.stop();
    assert.deepEqual(lines, [
      "[calltree] 1003 spans were dropped: 512 failed to export: connection refused (ECONNREFUSED) — nothing answers at " +
        "http://127.0.0.1:1/v1/traces: start Phoenix (it listens on port 6006) or `npx calltree collect`, or point " +
        "PHOENIX_COLLECTOR_ENDPOINT / register({ endpoint }) at your collector; 3 found the export queue full " +
        "(the exporter could not keep up, or the app did not let the event loop turn to send); 488 were still pending when the process ended. Later drops are counted in tracing.stats().droppedSpans.\n",
    ]);
    assert.equal(drops.count(), 1010);
    assert.equal(log.messages.filter((m) => m.includes("7 more span(s) dropped")).length, 1);
  });

  test("at exit, spans never sent and spans sent but not answered are told apart", () => {
    const lines: string[] = [];
    const drops = new DropReporter(createPrinter("error", (t) => lines.push(t)), undefined);
    drops.add(20, "exit");
    drops.add(512, "unconfirmed");
    drops.report();
    assert.deepEqual(lines, [
      "[calltree] 532 spans were dropped: 20 were still pending when the process ended; 512 were sent, but the process " +
        "ended before the endpoint confirmed them (they may have arrived). Later drops are counted in tracing.stats().droppedSpans.\n",
    ]);
    const one: string[] = [];
    const single = new DropReporter(createPrinter("error", (t) => one.push(t)), undefined);
    single.add(1, "unconfirmed");
    single.report();
    assert.deepEqual(one, [
      "[calltree] 1 span was dropped: 1 was sent, but the process ended before the endpoint confirmed it (it may have arrived). " +
        "Later drops are counted in tracing.stats().droppedSpans.\n",
    ]);
  });

  test("logLevel silent prints nothing, error prints errors only", () => {
    const lines: string[] = [];
    createPrinter("silent", (t) => lines.push(t)).print("error", "x");
    createPrinter("error", (t) => lines.push(t)).print("info", "start");
    createPrinter("error", (t) => lines.push(t)).print("error", "lost");
    assert.deepEqual(lines, ["[calltree] lost\n"]);
  });

  test("FaultLog tells each kind once through diag", () => {
    const log = collectDiag();
    const faults = new FaultLog("http://x/v1/traces");
    for (let i = 0; i < 50; i++) faults.fault("http:503", "HTTP 503");
    faults.fault("timeout", "no answer");
    log.stop();
    assert.equal(log.messages.length, 2);
  });
});

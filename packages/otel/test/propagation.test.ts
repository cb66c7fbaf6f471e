import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { traceHeaders } from "@calltree/core";
import { defineKind } from "@calltree/core/kind";
import { register } from "@calltree/otel";
import { startReceiver } from "@calltree-internal/otlp-receiver";

// W3C trace context across processes: a decorated client calls a decorated server over HTTP on 127.0.0.1, the
// client sends `traceHeaders()`, the server runs its handler in `withTraceHeaders(req.headers, …)`, and both
// halves arrive at the collector as one trace.
test("a decorated client and a decorated server in another process are one trace", async () => {
  await using collector = await startReceiver();
  const child = spawn(process.execPath, [fileURLToPath(new URL("./child-server.js", import.meta.url))], {
    env: { ...process.env, CT_ENDPOINT: collector.origin },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const m = /port (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", (code) => reject(new Error(`server exited ${code}`)));
    });
    const tracing = register({ endpoint: collector.origin, serviceName: "client", logLevel: "silent", flushOnExit: false });
    try {
      const client = defineKind({ name: "client", spanKind: "AGENT" });
      const call = client.wrap(async function callServer(path: string) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: traceHeaders() });
        return res.text();
      });
      assert.equal(await call("/capital"), "server saw /capital");
    } finally {
      await tracing.shutdown();
    }
    child.kill("SIGTERM");
    const spans = await collector.waitForSpans(2, 120_000);
    const clientSpan = spans.find((s) => s.name === "callServer");
    const serverSpan = spans.find((s) => s.name === "handle");
    assert.ok(clientSpan && serverSpan, JSON.stringify(spans.map((s) => s.name)));
    assert.equal(serverSpan.traceId, clientSpan.traceId, "one trace across the two processes");
    assert.equal(serverSpan.parentSpanId, clientSpan.spanId);
    assert.equal(serverSpan.resource["service.name"], "server");
    assert.equal(clientSpan.resource["service.name"], "client");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

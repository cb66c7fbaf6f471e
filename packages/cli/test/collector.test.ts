import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromOtlpJson, fromReadableSpan, spansOf } from "@calltree/render";
import type { RenderSpan, RenderTrace } from "@calltree/render";
import { startCollector } from "../dist/esm/collector.js";
import type { Collector } from "../dist/esm/collector.js";
import { Sdk, tempDir } from "./helpers.js";

async function collector(options: Parameters<typeof startCollector>[0] = {}): Promise<Collector & AsyncDisposable> {
  const c = await startCollector({ port: 0, ...options });
  return Object.assign(c, { [Symbol.asyncDispose]: () => c.close() });
}

function received(c: Collector): Array<{ trace: RenderTrace; late: boolean }> {
  const traces: Array<{ trace: RenderTrace; late: boolean }> = [];
  c.onTrace((trace, info) => traces.push({ trace, late: info.late }));
  return traces;
}

const bySpanId = (a: RenderSpan, b: RenderSpan) => a.spanId.localeCompare(b.spanId);

describe("startCollector", () => {
  test("decodes the same spans from protobuf and from JSON, equal to what the SDK held", async () => {
    using dir = tempDir();
    await using viaProto = await collector({ out: join(dir.path, "proto.jsonl") });
    await using viaJson = await collector({ out: join(dir.path, "json.jsonl") });
    const fromProto = received(viaProto);
    const fromJson = received(viaJson);
    const sdk = new Sdk({
      urls: [
        { url: viaProto.tracesUrl, protocol: "protobuf" },
        { url: viaJson.tracesUrl, protocol: "json" },
      ],
    });
    const root = sdk.start("Assistant.run", undefined, { "openinference.span.kind": "AGENT", "session.id": "s-1", "tag.tags": ["a", "b"] });
    const llm = sdk.start("Assistant.ask", root, {
      "openinference.span.kind": "LLM",
      "llm.model_name": "gpt-4o-mini",
      "llm.token_count.prompt": 1000,
      "llm.token_count.completion": 234,
      "llm.cost.total": 0.000123,
      "llm.invocation_parameters": '{"temperature":0.2}',
      "big.int": 2 ** 40,
      "negative": -7,
      "flag": false,
    });
    llm.addEvent("first_token", { "ttft.ms": 12.5 });
    llm.end();
    const failing = sdk.start("Assistant.weather", root, { "openinference.span.kind": "TOOL", "numbers": ["1", "2"] });
    failing.recordException(new RangeError("city not found"));
    failing.setStatus({ code: 2, message: "city not found" });
    failing.end();
    root.setStatus({ code: 1 });
    root.end();
    await sdk.provider.forceFlush();
    const original = sdk.memory.getFinishedSpans().map(fromReadableSpan).sort(bySpanId);
    await sdk.provider.shutdown();
    viaProto.flush();
    viaJson.flush();

    assert.equal(fromProto.length, 1);
    assert.equal(fromJson.length, 1);
    const protoSpans = spansOf(fromProto[0]?.trace as RenderTrace).sort(bySpanId);
    const jsonSpans = spansOf(fromJson[0]?.trace as RenderTrace).sort(bySpanId);
    assert.equal(original.length, 3);
    assert.deepEqual(protoSpans, original);
    assert.deepEqual(jsonSpans, original);

    // What was stored reads back to the same spans as well.
    await viaProto.close();
    await viaJson.close();
    for (const file of ["proto.jsonl", "json.jsonl"]) {
      const stored = readFileSync(join(dir.path, file), "utf8").trim().split("\n").flatMap((line) => fromOtlpJson(JSON.parse(line)));
      assert.deepEqual(stored.sort(bySpanId), original, file);
    }
  });

  test("hands a trace out once its root and children are in, and marks stragglers as late", async () => {
    await using c = await collector({ settleMs: 50, quietMs: 5000 });
    const traces = received(c);
    const sdk = new Sdk({ url: c.tracesUrl, protocol: "json" });
    const root = sdk.start("root");
    const early = sdk.start("child", root);
    early.end();
    const straggler = sdk.start("fire and forget", root);
    root.end();
    await sdk.provider.forceFlush();
    await waitUntil(() => traces.length === 1);
    assert.deepEqual(spansOf(traces[0]?.trace as RenderTrace).map((s) => s.name), ["root", "child"]);
    assert.equal(traces[0]?.late, false);
    straggler.end();
    await sdk.provider.shutdown();
    c.flush();
    assert.equal(traces.length, 2);
    assert.equal(traces[1]?.late, true);
    assert.equal(traces[1]?.trace.roots[0]?.orphan, true);
  });

  test("reports a listener that throws and still calls the others", async () => {
    const errors: string[] = [];
    await using c = await collector({ onError: (e) => errors.push(e.message) });
    c.onTrace(() => {
      throw new Error("listener broke");
    });
    const traces = received(c);
    const body = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "5b8efff798038103d269b633813fc60c", spanId: "0000000000000001", name: "x" }] }] }],
    });
    const res = await fetch(c.tracesUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
    assert.equal(res.status, 200);
    c.flush();
    assert.equal(traces.length, 1);
    assert.deepEqual(errors, ["listener broke"]);
    assert.deepEqual(c.stats, { requests: 1, acceptedSpans: 1, rejectedSpans: 0 });
  });

  test("cuts off clients that send headers too slowly (slow loris)", async () => {
    await using c = await collector({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(c.port, "127.0.0.1", () => socket.write("POST /v1/traces HTTP/1.1\r\nHost: x\r\n"));
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    const elapsed = Date.now() - started;
    assert.match(answer, /^HTTP\/1\.1 408 /);
    // Not before the headers timeout (a timer never fires early); how late is the machine's business.
    assert.ok(elapsed >= 250, `closed after ${elapsed} ms`);
  });

  test("cuts off clients that send the body too slowly", async () => {
    await using c = await collector({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(c.port, "127.0.0.1", () =>
        socket.write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"),
      );
      let text = "";
      socket.on("data", (d) => (text += d));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    const elapsed = Date.now() - started;
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.ok(elapsed >= 500, `closed after ${elapsed} ms`);
  });

  test("binds to loopback by default and reports its URLs", async () => {
    await using c = await collector();
    assert.equal(c.host, "127.0.0.1");
    assert.equal(c.url, `http://127.0.0.1:${c.port}`);
    assert.equal(c.tracesUrl, `http://127.0.0.1:${c.port}/v1/traces`);
    assert.equal(c.out, undefined);
  });

  test("close() hands out pending traces and is idempotent", async () => {
    const c = await startCollector({ port: 0, quietMs: 60_000 });
    const traces = received(c);
    const body = JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: "5b8efff798038103d269b633813fc60c", spanId: "0000000000000002", parentSpanId: "0000000000000001", name: "pending" }] }] },
      ],
    });
    await fetch(c.tracesUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
    assert.equal(traces.length, 0);
    await Promise.all([c.close(), c.close()]);
    assert.equal(traces.length, 1);
    assert.equal(traces[0]?.trace.hasRoot, false);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { gzipSync } from "node:zlib";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { countSpans, groupByTrace, jsonRequest, outline, postSpans, protobufRequest, randomHex, startReceiver, treesOf } from "./index.js";
import type { OtlpReceiver, SpanSpec } from "./index.js";

/** Sends one small trace (a root with a child and a grandchild) through a real SDK and exporter. */
async function sendTrace(exporter: SpanExporter): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "receiver-test", "openinference.project.name": "p" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("receiver-scope");
  const root = tracer.startSpan("root", { kind: SpanKind.SERVER, attributes: { str: "s", int: 42, dbl: 1.5, bool: true, list: ["a", "b"] } });
  const rootContext = trace.setSpan(context.active(), root);
  const child = tracer.startSpan("child", { kind: SpanKind.CLIENT }, rootContext);
  const grandchild = tracer.startSpan("grandchild", {}, trace.setSpan(rootContext, child));
  grandchild.addEvent("exception", { "exception.message": "boom" });
  grandchild.setStatus({ code: SpanStatusCode.ERROR, message: "boom" });
  grandchild.end();
  child.end();
  root.end();
  await provider.shutdown();
}

function assertTrace(receiver: OtlpReceiver): void {
  const spans = receiver.spans();
  assert.equal(spans.length, 3);
  assert.equal(outline(spans), "root\n  child\n    grandchild");
  const [root, child, grandchild] = treesOf(spans).flatMap((r) => [r.span, r.children[0]!.span, r.children[0]!.children[0]!.span]);
  assert.equal(root!.parentSpanId, "");
  assert.match(root!.traceId, /^[0-9a-f]{32}$/);
  assert.match(root!.spanId, /^[0-9a-f]{16}$/);
  assert.equal(child!.parentSpanId, root!.spanId);
  assert.equal(grandchild!.parentSpanId, child!.spanId);
  assert.deepEqual(root!.attributes, { str: "s", int: 42, dbl: 1.5, bool: true, list: ["a", "b"] });
  assert.equal(root!.kind, 2);
  assert.equal(child!.kind, 3);
  assert.deepEqual(root!.resource, { ...root!.resource, "service.name": "receiver-test", "openinference.project.name": "p" });
  assert.equal(root!.scope, "receiver-scope");
  assert.equal(grandchild!.status, 2);
  assert.equal(grandchild!.statusMessage, "boom");
  assert.deepEqual(grandchild!.events, [{ name: "exception", attributes: { "exception.message": "boom" } }]);
  assert.ok(BigInt(root!.endTimeUnixNano) >= BigInt(root!.startTimeUnixNano) && BigInt(root!.startTimeUnixNano) > 0n);
  assert.deepEqual([...groupByTrace(spans).keys()], [root!.traceId]);
  assert.deepEqual([...receiver.traces().values()].map((t) => t.length), [3]);
}

describe("startReceiver decodes what the official OTLP exporters send", () => {
  for (const [name, make] of [
    ["protobuf", (url: string) => new ProtoExporter({ url })],
    ["protobuf, gzip", (url: string) => new ProtoExporter({ url, compression: "gzip" as never })],
    ["JSON", (url: string) => new JsonExporter({ url })],
    ["JSON, gzip", (url: string) => new JsonExporter({ url, compression: "gzip" as never })],
  ] as const) {
    test(`${name}: ids, parents, attributes, kind, resource, scope, status, events`, async () => {
      await using receiver = await startReceiver();
      await sendTrace(make(receiver.url));
      assertTrace(receiver);
      assert.equal(receiver.requests.length, 3, "one request per span (SimpleSpanProcessor)");
      assert.equal(receiver.requests[0]!.path, "/v1/traces");
      assert.equal(receiver.requests[0]!.contentEncoding, name.endsWith("gzip") ? "gzip" : undefined);
      assert.match(receiver.requests[0]!.contentType, name.startsWith("JSON") ? /json/ : /protobuf/);
      assert.equal(receiver.spanCount, 3);
      assert.equal(receiver.requestCount, 3);
      assert.equal(receiver.rejected, 0);
      assert.equal(receiver.errors, 0);
      assert.equal(receiver.acknowledgedIds().size, 3);
    });
  }

  test("waitForSpans resolves once the count has arrived, waitFor once a check holds", async () => {
    await using receiver = await startReceiver();
    const three = receiver.waitForSpans(3);
    const grandchild = receiver.waitFor((spans) => spans.some((s) => s.name === "grandchild"));
    await sendTrace(new ProtoExporter({ url: receiver.url }));
    assert.equal((await three).length, 3);
    assert.ok((await grandchild).some((s) => s.name === "grandchild"));
    assert.equal((await receiver.waitForSpans(1)).length, 3, "already there: resolves at once");
  });
});

/** POSTs `body` and returns the status, headers and body, or the network error. */
function post(url: string, body: Uint8Array | string, headers: Record<string, string> = { "content-type": "application/x-protobuf" }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string } | { error: string }>((resolve) => {
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("latin1");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(body);
  });
}

const specs = (n: number, traceId = randomHex(16)): SpanSpec[] =>
  Array.from({ length: n }, (_, i) => ({ traceId, spanId: randomHex(8), name: `s${i}`, startNanos: 1n, endNanos: 2n }));

describe("startReceiver answers as scripted", () => {
  test("replies queue, then defaultReply; shorthand 503 carries retryAfter; refused spans are counted, not kept", async () => {
    await using receiver = await startReceiver();
    receiver.retryAfter = "7";
    receiver.replies = [503, 500];
    const body = protobufRequest(specs(4));
    const first = await post(receiver.url, body);
    assert.ok("status" in first);
    assert.equal(first.status, 503);
    assert.equal(first.headers["retry-after"], "7");
    const second = await post(receiver.url, body);
    assert.ok("status" in second && second.status === 500 && second.headers["retry-after"] === undefined);
    const third = await post(receiver.url, body);
    assert.ok("status" in third && third.status === 200);
    assert.equal(third.headers["content-type"], "application/x-protobuf");
    assert.equal(receiver.rejected, 2);
    assert.equal(receiver.rejectedSpans, 8);
    assert.equal(receiver.spanCount, 4);
    assert.equal(receiver.requestCount, 3);
    assert.equal(receiver.headers.length, 3);
  });

  test("JSON requests are answered in JSON", async () => {
    await using receiver = await startReceiver();
    receiver.replies = [400];
    const body = JSON.stringify(jsonRequest(specs(1)));
    const refused = await post(receiver.url, body, { "content-type": "application/json" });
    assert.deepEqual(refused, { status: 400, headers: (refused as { headers: Record<string, unknown> }).headers, body: '{"error":"status 400"}' });
    const ok = await post(receiver.url, body, { "content-type": "application/json" });
    assert.ok("status" in ok && ok.status === 200 && ok.body === "{}" && ok.headers["content-type"] === "application/json");
  });

  test("a status with a body, echo, reset before and mid answer, garbage: what a client meets", async () => {
    const behaviours = [
      { kind: "status", status: 401, body: "invalid token", retryAfter: "1" },
      { kind: "echo", status: 400 },
      { kind: "reset-before-response" },
      { kind: "reset-mid-response" },
      { kind: "garbage-http" },
    ] as const;
    await using receiver = await startReceiver((n) => behaviours[n]!);
    const body = protobufRequest(specs(1));
    const statusAnswer = await post(receiver.url, body, { "content-type": "application/x-protobuf", "x-key": "sk-echoed" });
    assert.ok("status" in statusAnswer);
    assert.deepEqual([statusAnswer.status, statusAnswer.body, statusAnswer.headers["retry-after"]], [401, "invalid token", "1"]);
    const echo = await post(receiver.url, body, { "content-type": "application/x-protobuf", "x-key": "sk-echoed" });
    assert.ok("status" in echo && echo.status === 400 && echo.body.includes("sk-echoed"));
    assert.ok("error" in (await post(receiver.url, body)));
    assert.ok("error" in (await post(receiver.url, body)));
    assert.ok("error" in (await post(receiver.url, body)));
    assert.equal(receiver.rejected, 5);
    assert.equal(receiver.rejectedSpans, 5);
    assert.equal(receiver.spanCount, 0);
    assert.equal(receiver.acknowledgedIds().size, 0);
  });

  test("drip and slow acknowledge once their answer is complete; hang never answers; idle() waits for clients to go", async () => {
    const behaviours = [{ kind: "drip", intervalMs: 1, bytes: 3 }, { kind: "slow", delayMs: 1 }, "hang"] as const;
    await using receiver = await startReceiver((n) => behaviours[n]!);
    const dripped = specs(2);
    const drip = await post(receiver.url, protobufRequest(dripped));
    assert.ok("status" in drip && drip.status === 200 && drip.body.length === 3);
    const slowed = specs(1);
    const slow = await post(receiver.url, protobufRequest(slowed));
    assert.ok("status" in slow && slow.status === 200);
    assert.deepEqual(receiver.acknowledgedIds(), new Set([...dripped, ...slowed].map((s) => s.spanId)));

    const controller = new AbortController();
    const hung = fetch(receiver.url, { method: "POST", body: protobufRequest(specs(1)), signal: controller.signal }).catch((e: Error) => e.name);
    await receiver.waitFor(() => receiver.rejected === 1);
    assert.equal(receiver.rejectedSpans, 1);
    controller.abort();
    assert.equal(await hung, "AbortError");
    await receiver.idle();
  });

  test("the shorthand drip is a 200 whose body never ends while the test runs", async () => {
    await using receiver = await startReceiver("drip");
    const started = new Promise<number>((resolve) => {
      httpRequest(receiver.url, { method: "POST" }, (res) => {
        res.once("data", () => resolve(res.statusCode ?? 0));
      }).end(protobufRequest(specs(1)));
    });
    assert.equal(await started, 200);
    assert.equal(receiver.spanCount, 1);
    assert.equal(receiver.acknowledgedIds().size, 0, "not acknowledged: the answer is not complete");
  });

  test("a span that arrives again is a duplicate arrival; a body that is not OTLP is an error, still answered", async () => {
    await using receiver = await startReceiver({ kind: "ok" });
    const body = protobufRequest(specs(2));
    await post(receiver.url, body);
    await post(receiver.url, body);
    assert.equal(receiver.duplicateArrivals(), 2);
    assert.equal(receiver.acknowledgedIds().size, 2);
    const junk = await post(receiver.url, "not json", { "content-type": "application/json" });
    assert.ok("status" in junk && junk.status === 200);
    assert.equal(receiver.errors, 1);
    receiver.reset();
    assert.deepEqual([receiver.spanCount, receiver.requestCount, receiver.errors, receiver.requests.length, receiver.acknowledgedIds().size], [0, 0, 0, 0, 0]);
  });

  test("decode: count keeps counts and bytes, no spans", async () => {
    await using receiver = await startReceiver(200, { decode: "count" });
    const body = gzipSync(protobufRequest(specs(5)));
    await post(receiver.url, body, { "content-type": "application/x-protobuf", "content-encoding": "gzip" });
    await post(receiver.url, JSON.stringify(jsonRequest(specs(2))), { "content-type": "application/json" });
    assert.equal(receiver.spanCount, 7);
    assert.equal(receiver.spans().length, 0);
    assert.equal(receiver.requests[0]!.spanCount, 5);
    assert.ok(receiver.bytes > body.length);
  });
});

describe("request builders", () => {
  test("postSpans sends JSON or protobuf that decodes to the same spans", async () => {
    await using receiver = await startReceiver();
    const traceId = randomHex(16);
    const root: SpanSpec = { traceId, spanId: randomHex(8), name: "root", startNanos: 10n, endNanos: 20n, attributes: { a: 1, b: "x", c: 0.5, d: false } };
    const failed: SpanSpec = { traceId, spanId: randomHex(8), parentSpanId: root.spanId, name: "failed", startNanos: 11n, endNanos: 12n, error: { message: "m", stack: "st" } };
    await postSpans(receiver.origin, [root, failed]);
    await postSpans(receiver.origin, [root, failed], { encoding: "protobuf", service: "svc" });
    const [viaJson, viaProto] = [receiver.requests[0]!.spans, receiver.requests[1]!.spans];
    const strip = (spans: typeof viaJson) => spans.map((s) => ({ ...s, resource: undefined, scope: undefined }));
    assert.deepEqual(strip(viaJson), strip(viaProto));
    assert.equal(viaProto[0]!.resource["service.name"], "svc");
    assert.equal(outline(viaJson), "root\n  failed");
    assert.deepEqual(viaJson[0]!.attributes, { a: 1, b: "x", c: 0.5, d: false });
    assert.equal(viaJson[1]!.status, 2);
    assert.deepEqual(viaJson[1]!.events[0], { name: "exception", attributes: { "exception.type": "Error", "exception.message": "m", "exception.stacktrace": "st" } });
    assert.equal(viaJson[0]!.startTimeUnixNano, "10");
  });

  test("countSpans counts protobuf without decoding, and refuses a truncated body", () => {
    const body = protobufRequest(specs(3));
    assert.equal(countSpans(body, "application/x-protobuf"), 3);
    assert.throws(() => countSpans(body.subarray(0, body.length - 3), "application/x-protobuf"));
  });
});

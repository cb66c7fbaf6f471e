import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { defineKind } from "@calltree/core/kind";
import { register } from "@calltree/otel";
import type { RegisterOptions, TracingStats } from "@calltree/otel";
import { closedPort, startReceiver } from "@calltree-internal/otlp-receiver";
import { collectDiag, delay } from "./util.js";

const chain = defineKind({ name: "chain", spanKind: "CHAIN" });
const work = chain.wrap(async function work(i: number) {
  await delay(0);
  return { doubled: i * 2 };
});

interface Outcome {
  stats: TracingStats;
  faults: string[];
  rejections: unknown[];
}

/** Runs 200 decorated calls against a faulty exporter; the calls' results must be exactly what they return without tracing. */
async function runCalls(options: RegisterOptions, calls = 200): Promise<Outcome> {
  const diagnostics = collectDiag();
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    const tracing = register({ logLevel: "silent", batch: { maxExportBatchSize: 20, scheduledDelayMillis: 5 }, exportTimeoutMillis: 800, ...options });
    for (let i = 0; i < calls; i++) assert.deepEqual(await work(i), { doubled: i * 2 });
    await tracing.forceFlush();
    const stats = tracing.stats();
    await tracing.shutdown();
    await delay(20);
    return { stats, faults: diagnostics.messages.filter((m) => m.startsWith("calltree: export")), rejections };
  } finally {
    diagnostics.stop();
    process.off("unhandledRejection", onRejection);
  }
}

// The delivery policy is one, over two transports: every fault below is met by node:http and by fetch alike.
for (const transport of ["node", "fetch"] as const) describe(`register() when the exporter fails (transport "${transport}")`, () => {
  test("connection refused: calls unaffected, every span counted as dropped, one diagnostic", async () => {
    const port = await closedPort();
    const out = await runCalls({ transport,  endpoint: `http://127.0.0.1:${port}` });
    assert.deepEqual(out.stats, { exportedSpans: 0, droppedSpans: 200, queuedSpans: 0, inFlightSpans: 0 });
    assert.deepEqual(out.rejections, []);
    assert.equal(out.faults.length, 1, out.faults.join("\n"));
    assert.equal(
      out.faults[0],
      `calltree: export to http://127.0.0.1:${port}/v1/traces failed: connection refused (ECONNREFUSED); nothing answers at ` +
        `http://127.0.0.1:${port}/v1/traces: start Phoenix (it listens on port 6006) or \`npx calltree collect\`, or point ` +
        "PHOENIX_COLLECTOR_ENDPOINT / register({ endpoint }) at your collector.",
    );
  });

  test("HTTP 500: dropped, not retried, one diagnostic", async () => {
    await using server = await startReceiver();
    server.defaultReply = 500;
    const out = await runCalls({ transport,  endpoint: server.origin });
    assert.deepEqual(out.stats, { exportedSpans: 0, droppedSpans: 200, queuedSpans: 0, inFlightSpans: 0 });
    assert.equal(server.rejectedSpans, 200, "each span sent once: no retry");
    assert.deepEqual(out.rejections, []);
    assert.deepEqual(out.faults, [
      `calltree: export to ${server.url} failed: HTTP 500 Internal Server Error; ${server.url} failed to handle the request (server error).`,
    ]);
  });

  test("HTTP 415 (JSON sent to Phoenix): one diagnostic that says to use http/protobuf", async () => {
    await using server = await startReceiver();
    server.defaultReply = 415;
    const out = await runCalls({ transport,  endpoint: server.origin, protocol: "http/json" });
    assert.equal(out.stats.droppedSpans, 200);
    assert.deepEqual(out.rejections, []);
    assert.deepEqual(out.faults, [
      `calltree: export to ${server.url} failed: HTTP 415 Unsupported Media Type; ${server.url} does not accept this encoding: ` +
        'Phoenix accepts only protocol "http/protobuf".',
    ]);
  });

  test("HTTP 503 for a while: retried with back-off (honouring Retry-After), then every span delivered", async () => {
    await using server = await startReceiver();
    server.retryAfter = "0";
    server.replies = [503, 503, 503, 503];
    const out = await runCalls({ transport,  endpoint: server.origin, exportTimeoutMillis: 5_000 });
    assert.deepEqual(out.stats, { exportedSpans: 200, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 });
    assert.equal(server.spans().length, 200);
    assert.equal(new Set(server.spans().map((s) => s.spanId)).size, 200);
    assert.equal(server.rejected, 4);
    assert.deepEqual(out.faults, [
      `calltree: export to ${server.url} failed: HTTP 503 Service Unavailable; ${server.url} is busy or unavailable; calltree retries with back-off and drops spans it could not deliver.`,
    ]);
  });

  test("HTTP 503 that never ends: dropped after the export timeout, one diagnostic", async () => {
    await using server = await startReceiver();
    server.retryAfter = "0";
    server.defaultReply = 503;
    const out = await runCalls({ transport,  endpoint: server.origin, exportTimeoutMillis: 400 });
    assert.deepEqual(out.stats, { exportedSpans: 0, droppedSpans: 200, queuedSpans: 0, inFlightSpans: 0 });
    assert.equal(out.faults.length, 1, out.faults.join("\n"));
    assert.deepEqual(out.rejections, []);
  });

  test("a server that never answers: dropped after the export timeout, one diagnostic", async () => {
    await using server = await startReceiver();
    server.defaultReply = "hang";
    const out = await runCalls({ transport,  endpoint: server.origin, exportTimeoutMillis: 300 });
    assert.deepEqual(out.stats, { exportedSpans: 0, droppedSpans: 200, queuedSpans: 0, inFlightSpans: 0 });
    assert.deepEqual(out.faults, [
      `calltree: export to ${server.url} failed: no answer within 300 ms; ${server.url} did not answer in time: is it overloaded, or is the address wrong?.`,
    ]);
    assert.deepEqual(out.rejections, []);
  });

  test("an answer dripped a byte at a time: exportTimeoutMillis ends the request (a deadline, not an idle timeout)", async () => {
    await using server = await startReceiver();
    server.defaultReply = "drip";
    const out = await runCalls({ transport,  endpoint: server.origin, exportTimeoutMillis: 400, flushTimeoutMillis: 5_000 }, 20);
    assert.deepEqual(out.stats, { exportedSpans: 0, droppedSpans: 20, queuedSpans: 0, inFlightSpans: 0 });
    assert.deepEqual(out.faults, [
      `calltree: export to ${server.url} failed: no answer within 400 ms; ${server.url} did not answer in time: is it overloaded, or is the address wrong?.`,
    ]);
    // The fault names the 400 ms deadline: a trickle of bytes did not keep the request alive until flushTimeoutMillis.
  });

  test("a server that never answers: shutdown() returns within flushTimeoutMillis, and ending its requests is no fault", async () => {
    await using server = await startReceiver();
    server.defaultReply = "hang";
    const diagnostics = collectDiag();
    const tracing = register({ transport, 
      endpoint: server.origin,
      logLevel: "silent",
      exportTimeoutMillis: 10_000,
      flushTimeoutMillis: 300,
      batch: { maxExportBatchSize: 10, scheduledDelayMillis: 0 },
    });
    for (let i = 0; i < 50; i++) await work(i);
    await tracing.shutdown();
    // A late callback of a request ended by shutdown() would be told now.
    await delay(50);
    diagnostics.stop();
    // Had shutdown() waited for the 10 s export timeout, that timeout would show as an export fault here.
    assert.deepEqual(tracing.stats(), { exportedSpans: 0, droppedSpans: 50, queuedSpans: 0, inFlightSpans: 0 });
    assert.deepEqual(diagnostics.messages.filter((m) => m.startsWith("calltree: export")), []);
  });

  test("a retry that wakes after the export deadline fails with the fault that made it retry, not as a timeout", async () => {
    const port = await closedPort();
    const diagnostics = collectDiag();
    const tracing = register({ transport, 
      endpoint: `http://127.0.0.1:${port}`,
      logLevel: "silent",
      exportTimeoutMillis: 1_500,
      batch: { scheduledDelayMillis: 0 },
    });
    const exportStart = Date.now();
    await work(1);
    // The first attempt is refused at once; its retry sleeps 800–1,200 ms, which ends inside the deadline.
    await delay(100);
    // The app keeps the event loop busy past the deadline: the retry's timer fires late.
    while (Date.now() - exportStart < 1_700);
    await tracing.forceFlush();
    await tracing.shutdown();
    diagnostics.stop();
    assert.deepEqual(tracing.stats(), { exportedSpans: 0, droppedSpans: 1, queuedSpans: 0, inFlightSpans: 0 });
    assert.deepEqual(diagnostics.messages.filter((m) => m.startsWith("calltree: export")).map((m) => m.replace(/;.*/, "")), [
      `calltree: export to http://127.0.0.1:${port}/v1/traces failed: connection refused (ECONNREFUSED)`,
    ]);
  });

  test("a server that never answers: what waits stays within the queue and size bounds, the rest is counted", async () => {
    await using server = await startReceiver();
    server.defaultReply = "hang";
    const diagnostics = collectDiag();
    const tracing = register({ transport, 
      endpoint: server.origin,
      logLevel: "silent",
      exportTimeoutMillis: 5_000,
      flushTimeoutMillis: 300,
      batch: { maxExportBatchSize: 100, maxQueueSize: 1_000, maxPendingMegabytes: 0.05 },
    });
    const seen: TracingStats[] = [];
    const step = chain.wrap(function step(i: number) {
      return i + 1;
    });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 1_000; i++) assert.equal(step(i), i + 1);
      await delay(20);
      seen.push(tracing.stats());
    }
    for (const s of seen) {
      assert.ok(s.queuedSpans <= 1_000, `queue ${s.queuedSpans}`);
      assert.ok(s.inFlightSpans <= 500, `in flight ${s.inFlightSpans}`);
    }
    const last = seen.at(-1)!;
    assert.equal(last.exportedSpans + last.droppedSpans + last.queuedSpans + last.inFlightSpans, 20_000);
    assert.ok(last.droppedSpans >= 18_500, `dropped ${last.droppedSpans}`);
    await tracing.shutdown();
    assert.equal(tracing.stats().droppedSpans, 20_000, "shutdown counts what it could not send");
    diagnostics.stop();
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ExportResultCode } from "@opentelemetry/core";
import type { ExportResult } from "@opentelemetry/core";
import { FaultLog } from "./diagnostics.js";
import { OtlpHttpSpanExporter } from "./otlp.js";
import type { OtlpConfig, OtlpRequest, OtlpTransport } from "./otlp.js";
import { fetchTransport } from "./otlp-fetch.js";
import { nodeHttpTransport } from "./otlp-node.js";

const config: OtlpConfig = {
  kind: "otlp",
  url: "http://127.0.0.1:4318/v1/traces",
  protocol: "http/protobuf",
  headers: {},
  compression: "none",
  timeoutMillis: 60_000,
  tls: {},
  transport: undefined,
};

/** A transport whose sends end when the test says: the policy's request limit is seen at each step. */
function heldTransport(maxConcurrent: number) {
  const open: Array<() => void> = [];
  let peak = 0;
  const transport: OtlpTransport = {
    maxConcurrent,
    send: (_request: OtlpRequest) =>
      new Promise<void>((resolve) => {
        open.push(resolve);
        peak = Math.max(peak, open.length);
      }),
    gzip: async (data) => data,
    close: () => undefined,
  };
  return { transport, open, peak: () => peak };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the OTLP delivery policy", () => {
  test("the transports' limits: 8 sockets over node:http; none of calltree's over fetch (the runtime queues)", () => {
    const node = nodeHttpTransport(config);
    assert.equal(node.maxConcurrent, 8);
    node.close();
    assert.equal(fetchTransport(config).maxConcurrent, Number.POSITIVE_INFINITY);
  });

  for (const max of [6, 8]) {
    test(`sends at most ${max} requests at once (the transport's maxConcurrent); the others wait, then go`, async () => {
      const held = heldTransport(max);
      const exporter = new OtlpHttpSpanExporter(config, new FaultLog("test"), held.transport);
      const results: ExportResult[] = [];
      for (let i = 0; i < 20; i++) exporter.export([], (r) => results.push(r));
      await tick();
      assert.equal(held.open.length, max);
      while (results.length < 20) {
        held.open.shift()?.();
        await tick();
        assert.ok(held.open.length <= max);
      }
      assert.equal(held.peak(), max);
      assert.ok(results.every((r) => r.code === ExportResultCode.SUCCESS));
      await exporter.shutdown();
    });
  }

  test("abort() ends the attempts waiting for a slot as well as those sending", async () => {
    const held = heldTransport(1);
    const exporter = new OtlpHttpSpanExporter(config, new FaultLog("test"), held.transport);
    const results: ExportResult[] = [];
    for (let i = 0; i < 3; i++) exporter.export([], (r) => results.push(r));
    await tick();
    assert.equal(held.open.length, 1);
    exporter.abort();
    await tick();
    // The one sending is ended by its signal in a real transport; this one's promise is released by hand.
    held.open.shift()?.();
    await tick();
    assert.equal(results.length, 3);
    assert.equal(results.filter((r) => r.code === ExportResultCode.FAILED).length >= 2, true);
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { groupTraces } from "@calltree/render";
import type { RenderSpan, RenderTrace } from "@calltree/render";
import { startWebView } from "./web-server.js";

function trace(traceId: string, spans: Array<[string, string | undefined, string]>): RenderTrace {
  const list: RenderSpan[] = spans.map(([spanId, parent, name], i) => ({
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    startTimeUnixNano: BigInt(1_000_000_000 + i),
    endTimeUnixNano: BigInt(2_000_000_000),
    attributes: {},
    status: { code: 0 },
    events: [],
  }));
  return groupTraces(list)[0] as RenderTrace;
}
const id = (n: number): string => n.toString(16).padStart(32, "0");

describe("the live web view server", () => {
  test("keeps the last --ui-max-traces traces, merges late spans, and counts what it let go", async () => {
    const web = await startWebView({ port: 0, maxTraces: 2 });
    try {
      assert.match(web.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      web.add(trace(id(1), [["a000000000000001", undefined, "one"]]), false);
      web.add(trace(id(2), [["a000000000000002", undefined, "two"]]), false);
      web.add(trace(id(2), [["b000000000000002", "a000000000000002", "two's child"]]), true);
      web.add(trace(id(3), [["a000000000000003", undefined, "three"]]), false);
      const list = (await (await fetch(`${web.url}api/traces`)).json()) as { traces: Array<{ id: string; spans: number }>; dropped: number };
      assert.deepEqual(list.traces.map((t) => [t.id, t.spans]), [[id(2), 2], [id(3), 1]]);
      assert.equal(list.dropped, 1);
      const two = (await (await fetch(`${web.url}api/traces/${id(2)}`)).json()) as { spans: Array<{ name: string; depth: number }> };
      assert.deepEqual(two.spans.map((s) => [s.name, s.depth]), [["two", 0], ["two's child", 1]]);
      assert.equal((await fetch(`${web.url}api/traces/${id(1)}`)).status, 404);
      const page = await fetch(web.url);
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
      assert.match(page.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
      assert.match(await page.text(), /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    } finally {
      await web.close();
    }
  });
});

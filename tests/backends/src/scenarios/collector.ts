// Scenario 7: the TypeScript seed scenario exported to a real OpenTelemetry Collector that forwards to Phoenix;
// then the Collector killed mid-burst and restarted.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { chain } from "@calltree/chain";
import { llm } from "@calltree/llm";
import type { StandIn } from "@calltree-internal/llm-stand-in";
import { Hinbox, SEED_SPANS } from "../apps/seed.js";
import { registerApp } from "../harness/app.js";
import { startCollector } from "../harness/collector.js";
import type { Phoenix } from "../harness/phoenix.js";
import { spansOf, waitForSpans } from "../harness/read.js";
import type { PhoenixSpan } from "../harness/read.js";
import { report } from "../harness/report.js";

function shape(spans: PhoenixSpan[]) {
  const byId = new Map(spans.map((s) => [s.context.span_id, s]));
  return spans
    .map((s) => [s.span_kind, s.name, s.parent_id ? (byId.get(s.parent_id)?.name ?? "missing") : null])
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/**
 * Waits until every span Phoenix will ever get from the Collector has been ingested: the Collector is stopped
 * (SIGTERM makes it forward what it holds), then a sentinel span is sent straight to Phoenix; Phoenix ingests in
 * arrival order, so once the sentinel shows, so has everything before it.
 */
async function settle(phoenix: Phoenix): Promise<void> {
  const app = registerApp({ projectName: "sentinel", endpoint: phoenix.url });
  await chain.wrap(async function sentinel() {})();
  await app.tracing.shutdown();
  await waitForSpans(phoenix, "sentinel", 1, app.traceIds);
}

export function collectorScenario(get: () => { phoenix: Phoenix; standIn: StandIn }): void {
  describe("scenario 7: through an OpenTelemetry Collector", () => {
    test("the seed scenario exported to the Collector (otlp → batch → otlphttp) reaches Phoenix identically", async () => {
      const { phoenix, standIn } = get();
      await using collector = await startCollector({ tracesUrl: phoenix.tracesUrl, mode: "batch" });
      const app = registerApp({ projectName: "hinbox-collector", endpoint: collector.url });
      const answer = await new Hinbox(new OpenAI({ baseURL: standIn.openaiBaseURL, apiKey: "sk-test", fetch: llm.fetch })).myLlmApplication();
      await app.tracing.shutdown();
      assert.equal(answer, "Beijing (21.9M), Tokyo (14.1M)");
      assert.equal(app.tracing.stats().exportedSpans, 5);
      const spans = await waitForSpans(phoenix, "hinbox-collector", 5, app.traceIds);
      assert.equal(spans.length, 5);
      assert.deepEqual(shape(spans), [...SEED_SPANS].map((r) => [...r]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
      // The project came through the Collector in the resource (openinference.project.name).
      report("scenario 7 (through the Collector)", { traceId: app.traceIds[0], spans: spans.length });
    });

    test("the Collector killed mid-burst and restarted: every span the app finished is in Phoenix or counted dropped", async () => {
      const { phoenix } = get();
      // wait-for-result: the Collector answers the app only once Phoenix has the spans, so a crash is seen by the app.
      const collector = await startCollector({ tracesUrl: phoenix.tracesUrl, mode: "wait-for-result" });
      const app = registerApp({
        projectName: "burst",
        endpoint: collector.url,
        exportTimeoutMillis: 3_000,
        batch: { maxExportBatchSize: 50, scheduledDelayMillis: 50 },
      });
      let finished = 0;
      const step = chain.wrap(async function step(i: number) {
        finished++;
        return i;
      });
      const burst = async (n: number) => {
        for (let i = 0; i < n; i++) await step(i);
      };
      try {
        await burst(100);
        await app.tracing.forceFlush(); // the first 100 are delivered before the crash
        await burst(100); // exports of these are under way...
        await collector.kill(); // ...when the Collector crashes
        await burst(100); // the app goes on while nothing listens
        await collector.restart();
        await burst(100);
        await app.tracing.shutdown();
      } finally {
        await collector.close();
      }
      const stats = app.tracing.stats();
      assert.equal(finished, 400);
      assert.equal(stats.exportedSpans + stats.droppedSpans, 400, JSON.stringify(stats));
      // Wait for the event "Phoenix holds every span not counted as dropped" (a span lost silently never comes,
      // and the wait fails with what did arrive); then make sure nothing more arrives.
      const expected = finished - stats.droppedSpans;
      await waitForSpans(phoenix, "burst", expected, undefined, 180_000).catch(() => undefined);
      await settle(phoenix);
      const inPhoenix = (await spansOf(phoenix, "burst")).length;
      report("scenario 7 (Collector killed mid-burst)", { finished, inPhoenix, ...stats });
      assert.equal(inPhoenix + stats.droppedSpans, finished, `Phoenix ${inPhoenix} + dropped ${stats.droppedSpans} != ${finished}`);
      assert.ok(inPhoenix >= 200, "the spans before the crash and after the restart arrived");
    });
  });
}

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage } from "./harness/browser.js";
import { Collect } from "./harness/collect.js";
import { postSpans, randomHex as hex } from "@calltree-internal/otlp-receiver";
import type { SpanSpec } from "@calltree-internal/otlp-receiver";

// Large inputs load and stay usable: the lists are virtualized, so the DOM holds a screenful of rows.
// The load times are printed for the record; nothing here asserts a speed.
describe("the web view at scale", () => {
  test("10,000 traces, then one trace of 5,000 spans", async () => {
    await using collect = await Collect.start(["--no-out", "--quiet-ms", "1000"]);
    const base = BigInt(Date.now() - 3_600_000) * 1_000_000n;
    const TRACES = 10_000;
    for (let batch = 0; batch < TRACES / 500; batch++) {
      const spans: SpanSpec[] = [];
      for (let i = 0; i < 500; i++) {
        const n = batch * 500 + i;
        const traceId = hex(16);
        const root = hex(8);
        const start = base + BigInt(n) * 1_000_000n;
        spans.push(
          { traceId, spanId: root, name: `request ${n}`, startNanos: start, endNanos: start + 900_000n, attributes: { "openinference.span.kind": "AGENT", "session.id": `s-${n % 100}` } },
          {
            traceId, spanId: hex(8), parentSpanId: root, name: "chat", startNanos: start + 100_000n, endNanos: start + 800_000n,
            attributes: { "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o-mini", "llm.token_count.prompt": 10, "llm.token_count.completion": 5, "llm.token_count.total": 15, "llm.cost.total": 0.00001 },
          },
          { traceId, spanId: hex(8), parentSpanId: root, name: "lookup", startNanos: start + 810_000n, endNanos: start + 850_000n, attributes: { "openinference.span.kind": "TOOL" }, ...(n % 97 === 0 ? { error: { message: "lookup failed" } } : {}) },
        );
      }
      await postSpans(collect.url, spans, { service: "web-view-test" });
    }
    await collect.waitFor(() => collect.tracesPrinted === TRACES, "10,000 traces");

    await using browser = await launch();
    const { page, errors } = await openPage(browser);
    let started = Date.now();
    await page.goto(collect.uiUrl);
    await page.waitForSelector("[data-testid=trace-row][data-trace-id]");
    await page.waitForSelector(`[data-testid=status][data-count='${TRACES}']`);
    const listMs = Date.now() - started;
    console.log(`page load with 10,000 traces: ${listMs} ms (navigation to first rows shown)`);
    // Newest first, and virtualized.
    assert.match((await page.locator("[data-testid=trace-row]").first().textContent()) ?? "", /request 9999/);
    assert.ok((await page.locator("[data-testid=trace-row]").count()) < 100);
    // Scrolled to the bottom: the oldest trace is there.
    await page.locator("#trace-list").evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForSelector("[data-testid=trace-row]:has-text('request 0')");
    // Filters over all 10,000: errors only, then a session.
    await page.check("#f-errors");
    await page.waitForFunction(() => document.querySelector("[data-testid=status]")?.textContent?.startsWith("104 of 10,000"));
    await page.uncheck("#f-errors");
    await page.fill("#f-session", "s-7");
    await page.waitForFunction(() => document.querySelector("[data-testid=status]")?.textContent?.startsWith("100 of 10,000"));
    assert.match((await page.locator("[data-testid=group-totals]").textContent()) ?? "", /session s-7.*100 traces.*1,500 tok.*\$0\.0010/);
    await page.fill("#f-session", "");
    await page.locator("#trace-list").evaluate((el) => (el.scrollTop = 0));

    // One trace of 5,000 spans: a root, 50 chains, 99 LLM calls under each but the last (98).
    const traceId = hex(16);
    const root = hex(8);
    const start = BigInt(Date.now()) * 1_000_000n;
    const spans: SpanSpec[] = [{ traceId, spanId: root, name: "big run", startNanos: start, endNanos: start + 5_000_000_000n, attributes: { "openinference.span.kind": "AGENT" } }];
    for (let a = 0; a < 50; a++) {
      const agentId = hex(8);
      const agentStart = start + BigInt(a) * 100_000_000n;
      spans.push({ traceId, spanId: agentId, parentSpanId: root, name: `step ${a}`, startNanos: agentStart, endNanos: agentStart + 99_000_000n, attributes: { "openinference.span.kind": "CHAIN" } });
      for (let c = 0; c < 99; c++) {
        const callStart = agentStart + BigInt(c) * 1_000_000n;
        spans.push({
          traceId, spanId: hex(8), parentSpanId: agentId, name: `call ${a}.${c}`, startNanos: callStart, endNanos: callStart + 900_000n,
          attributes: { "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o-mini", "llm.token_count.prompt": 3, "llm.token_count.completion": 1, "llm.token_count.total": 4, "input.value": `question ${a}.${c}` },
        });
      }
    }
    spans.pop();
    assert.equal(spans.length, 5000);
    await postSpans(collect.url, spans, { service: "web-view-test" });
    const bigRow = page.locator("[data-testid=trace-row]", { hasText: "big run" });
    await bigRow.waitFor();
    started = Date.now();
    await bigRow.click();
    await page.waitForSelector(`#waterfall[data-trace='${traceId}'][data-spans='5000'] [data-testid=span-row]`);
    const traceMs = Date.now() - started;
    console.log(`open a 5,000-span trace: ${traceMs} ms (click to waterfall shown)`);
    assert.ok((await page.locator("[data-testid=span-row]").count()) < 200);
    assert.match((await page.locator("[data-testid=trace-totals]").textContent()) ?? "", /5,000 spans.*19,796 tok/);
    // The last span is reachable by keyboard.
    await page.locator("[data-testid=span-row]").first().click();
    await page.keyboard.press("End");
    await page.waitForSelector("[data-testid=span-name]:has-text('call 49.97')");
    assert.deepEqual(errors, []);
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { launch, openPage } from "./harness/browser.js";
import { Collect, runCalltree, tempDir } from "./harness/collect.js";
import { postSpans, randomHex as hex } from "@calltree-internal/otlp-receiver";
import type { SpanSpec } from "@calltree-internal/otlp-receiver";

const NAME = `<img src=x onerror="window.__pwned='name'">`;
const SCRIPT = `</script><script>window.__pwned='content'</script>`;
const JS_URL = "javascript:window.__pwned='url'";
const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** A trace whose every field tries to become markup or a script. */
function hostileSpans(): SpanSpec[] {
  const traceId = hex(16);
  const root = hex(8);
  const now = BigInt(Date.now()) * 1_000_000n;
  return [
    {
      traceId,
      spanId: root,
      name: NAME,
      startNanos: now,
      endNanos: now + 5_000_000n,
      attributes: { "openinference.span.kind": "AGENT", "session.id": "<b>sess</b>", "user.id": SCRIPT, "output.value": SCRIPT, "link.url": JS_URL },
    },
    {
      traceId,
      spanId: hex(8),
      parentSpanId: root,
      name: "llm <svg onload=alert(1)>",
      startNanos: now + 1_000_000n,
      endNanos: now + 4_000_000n,
      attributes: {
        "openinference.span.kind": "<LLM>",
        "llm.model_name": "<i>model</i>",
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.0.message.contents.0.message_content.type": "image",
        "llm.input_messages.0.message.contents.0.message_content.image.image.url": JS_URL,
        "llm.input_messages.0.message.contents.1.message_content.type": "image",
        "llm.input_messages.0.message.contents.1.message_content.image.image.url": PIXEL,
        "llm.input_messages.0.message.contents.2.message_content.type": "text",
        "llm.input_messages.0.message.contents.2.message_content.text": SCRIPT,
        "llm.output_messages.0.message.role": "assistant",
        "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "<b>tool</b>",
        "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": `{"q":"${"<script>x</script>".replace(/"/g, '\\"')}"}`,
      },
      error: { message: "<b>boom</b>", stack: `Error: <b>boom</b>\n    at <script>alert(1)</script>` },
    },
  ];
}

/** Opens the hostile trace and its LLM span, then checks nothing ran and everything shows as text. */
async function checkHostile(page: Page): Promise<void> {
  const row = page.locator("[data-testid=trace-row]").first();
  await row.waitFor();
  assert.equal(await row.locator(".name").textContent(), NAME);
  await row.click();
  await page.waitForSelector("#waterfall[data-spans='2']");
  await page.locator("[data-testid=span-row]").nth(1).click();
  await page.waitForSelector("[data-testid=chat-input]");

  const contents = await page.locator("[data-testid=chat-input] [data-testid=message-content]").allTextContents();
  assert.deepEqual(contents, [SCRIPT]);
  // A javascript: URL stays text; a data: image becomes a thumbnail.
  assert.equal(await page.locator("[data-testid=message-image-text]").textContent(), `image: ${JS_URL}`);
  assert.deepEqual(await page.locator("[data-testid=message-image]").evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src.slice(0, 22))), ["data:image/png;base64,"]);
  assert.match((await page.locator("[data-testid=tool-call]").textContent()) ?? "", /<b>tool<\/b>/);
  assert.match((await page.locator("[data-testid=exception]").textContent()) ?? "", /at <script>alert\(1\)<\/script>/);
  assert.equal(await page.locator("[data-testid=span-model]").textContent(), "<i>model</i>");

  await page.locator("[data-testid=span-row]").nth(0).click();
  await page.waitForSelector("[data-testid=span-name]:has-text('img src=x')");
  const attributes = (await page.locator("[data-testid=attributes-table]").textContent()) ?? "";
  assert.ok(attributes.includes(JS_URL) && attributes.includes(SCRIPT));

  // Nothing ran, and nothing became markup: two scripts (data and app), no element a span could have made.
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
  assert.equal(await page.locator("script").count(), 2);
  assert.equal(await page.locator("body svg, body b, body i, body a, img[src^='javascript'], img[src='x'], iframe").count(), 0);
}

describe("the web view shows hostile span values as text", () => {
  test("live, from calltree collect --ui", async () => {
    await using collect = await Collect.start(["--no-out"]);
    await postSpans(collect.url, hostileSpans(), { service: "web-view-test" });
    await collect.waitFor(() => collect.tracesPrinted === 1, "the trace");
    await using browser = await launch();
    const { page, errors } = await openPage(browser);
    await page.goto(collect.uiUrl);
    await checkHostile(page);
    assert.deepEqual(errors, []);
  });

  test("from the file calltree view --html writes", async () => {
    using dir = tempDir();
    const jsonl = join(dir.path, "traces.jsonl");
    const html = join(dir.path, "view.html");
    {
      await using collect = await Collect.start(["--out", jsonl]);
      await postSpans(collect.url, hostileSpans(), { service: "web-view-test" });
      await collect.waitFor(() => collect.tracesPrinted === 1, "the trace");
    }
    const run = await runCalltree(["view", jsonl, "--html", html]);
    assert.equal(run.code, 0, run.stderr);
    await using browser = await launch();
    const { page, errors } = await openPage(browser);
    await page.goto(pathToFileURL(html).href);
    await checkHostile(page);
    assert.deepEqual(errors, []);
  });

  test("the server answers only GET from loopback names, with no body", async () => {
    await using collect = await Collect.start(["--no-out"]);
    const ui = new URL(collect.uiUrl);
    assert.equal(ui.hostname, "127.0.0.1");
    const status = async (init: RequestInit & { host?: string }, path = "/"): Promise<number> => {
      const { request } = await import("node:http");
      return new Promise((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: ui.port, path, method: init.method ?? "GET", headers: { host: init.host ?? ui.host, ...(init.body ? { "content-length": String((init.body as string).length) } : {}) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end(init.body as string | undefined);
      });
    };
    assert.equal(await status({}), 200);
    assert.equal(await status({ host: "evil.example:80" }), 421);
    assert.equal(await status({ method: "POST", body: "x" }), 405);
    assert.equal(await status({ method: "GET", body: "x".repeat(10) }), 413);
    assert.equal(await status({}, `/${"a".repeat(5000)}`), 414);
    assert.equal(await status({}, "/api/traces/not-an-id"), 404);
  });
});

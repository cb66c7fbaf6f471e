import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openPage } from "./harness/browser.js";
import { Collect } from "./harness/collect.js";
import { runSeedScenario } from "./harness/seed.js";

// The screenshots docs/cli.md shows are rewritten with CALLTREE_SCREENSHOTS=update; other runs take them into a
// temporary folder, so a test run leaves the working tree as it was.
const IMAGES =
  process.env.CALLTREE_SCREENSHOTS === "update"
    ? fileURLToPath(new URL("../../../../docs/images/", import.meta.url))
    : `${mkdtempSync(join(tmpdir(), "calltree-web-view-"))}/`;

// The seed's scenario exported by register() over real OTLP/HTTP to `calltree collect --ui`, watched in a
// real Chromium: it arrives live, opens as a waterfall, its LLM span reads as a chat with its cost, and the
// list filters by session. The screenshots are the ones docs/cli.md shows.
describe("calltree collect --ui in Chromium", () => {
  test("shows the seed's trace live, its waterfall, the LLM chat and cost, and filters by session", async () => {
    await using collect = await Collect.start(["--no-out"]);
    await using browser = await launch();
    const { page, errors } = await openPage(browser);
    await page.goto(collect.uiUrl);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.locator("[data-testid=trace-row]").count(), 0);

    // Live: the page is open before the trace exists.
    await runSeedScenario(collect.url, "session-geo", "ada");
    const row = page.locator("[data-testid=trace-row]", { hasText: "Geographer.run" });
    await row.waitFor();
    assert.match((await row.textContent()) ?? "", /AGENT/);
    assert.match((await row.textContent()) ?? "", /5 spans/);

    // The waterfall: the call tree in order, with depth and kind.
    await row.click();
    await page.waitForSelector("#waterfall[data-spans='5']");
    const spans = page.locator("[data-testid=span-row]");
    const tree = await spans.evaluateAll((rows) =>
      rows.map((r) => `${r.getAttribute("aria-level")} ${r.getAttribute("data-kind")} ${r.querySelector(".name")?.textContent}`),
    );
    assert.deepEqual(tree, [
      "1 AGENT Geographer.run",
      "2 LLM Geographer.ask",
      "2 LLM Geographer.askStreaming",
      "2 AGENT summarizer",
      "3 TOOL Geographer.population",
    ]);
    // The streamed answer shows when its first token came.
    assert.equal(await page.locator("[data-testid=span-row][data-kind=LLM]:has-text('askStreaming') [data-testid=first-token]").count(), 1);
    const traceTotals = (await page.locator("[data-testid=trace-totals]").textContent()) ?? "";
    assert.match(traceTotals, /5 spans/);
    assert.match(traceTotals, /\d+ tok \(\d+ in, \d+ out\)/);
    assert.match((await page.locator("[data-testid=session-totals]").textContent()) ?? "", /session session-geo.*1 trace/);

    // The first LLM span: its messages as a chat, its model, tokens and cost.
    await spans.filter({ hasText: "Geographer.ask" }).first().click();
    await page.waitForSelector("[data-testid=chat-input]");
    const input = await page.locator("[data-testid=chat-input] [data-testid=message]").evaluateAll((messages) =>
      messages.map((m) => `${m.getAttribute("data-role")}: ${m.querySelector("[data-testid=message-content]")?.textContent}`),
    );
    assert.deepEqual(input, ["system: You answer with a city name.", "user: What's the capital of China? Just give me the name."]);
    const output = await page.locator("[data-testid=chat-output] [data-testid=message]").evaluateAll((messages) =>
      messages.map((m) => `${m.getAttribute("data-role")}: ${m.querySelector("[data-testid=message-content]")?.textContent}`),
    );
    assert.deepEqual(output, ["assistant: Beijing"]);
    assert.equal(await page.locator("[data-testid=span-model]").textContent(), "gpt-4o-mini");
    assert.match((await page.locator("[data-testid=span-tokens]").textContent()) ?? "", /^\d+ tok \(\d+ in, \d+ out\)$/);
    assert.match((await page.locator("[data-testid=span-cost]").textContent()) ?? "", /^\$\d/);
    assert.match((await page.locator("[data-testid=trace-cost]").textContent()) ?? "", /^\$\d/);
    // Every attribute is listed.
    assert.match((await page.locator("[data-testid=attributes-table]").textContent()) ?? "", /llm\.model_name/);
    mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: `${IMAGES}web-view-trace.png` });
    assert.ok(statSync(`${IMAGES}web-view-trace.png`).size > 10_000, "a screenshot with something on it");

    // Keyboard: back to the list, down the waterfall, the next span's detail.
    await page.keyboard.press("Escape");
    await page.keyboard.press("Enter");
    await page.waitForSelector("[data-testid=span-row][aria-selected=true][data-kind=AGENT]");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.waitForSelector("[data-testid=span-row][aria-selected=true]:has-text('askStreaming')");
    await page.waitForSelector("[data-testid=span-name]:has-text('Geographer.askStreaming')");
    assert.match((await page.locator("[data-testid=span-first-token]").textContent()) ?? "", /^first token after /);
    // ← steps out to the parent, then folds it; → unfolds it.
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector("[data-testid=span-row][aria-selected=true][aria-level='1']");
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector("[data-testid=span-row][aria-expanded=false]");
    assert.equal(await page.locator("[data-testid=span-row]").count(), 1);
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector("[data-testid=span-row][aria-expanded=true]");
    assert.equal(await page.locator("[data-testid=span-row]").count(), 5);

    // A second session; the session filter keeps one trace and totals that session.
    await runSeedScenario(collect.url, "session-other", "grace");
    await page.waitForSelector("[data-testid=status][data-count='2']");
    // The kind filter: both roots are agents.
    await page.selectOption("#f-kind", "LLM");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=trace-row]").length === 0);
    await page.selectOption("#f-kind", "AGENT");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=trace-row]").length === 2);
    await page.selectOption("#f-kind", "");
    await page.fill("#f-session", "session-other");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=trace-row]").length === 1);
    assert.match((await page.locator("[data-testid=trace-row]").textContent()) ?? "", /session-other/);
    const group = (await page.locator("[data-testid=group-totals]").textContent()) ?? "";
    assert.match(group, /session session-other/);
    assert.match(group, /1 trace(?!s)/);
    assert.match((await page.locator("[data-testid=group-cost]").textContent()) ?? "", /^\$\d/);
    await page.locator("[data-testid=trace-row]").click();
    await page.waitForSelector("#waterfall[data-spans='5']");
    // The tool span: its input and output, pretty-printed.
    await page.locator("[data-testid=span-row][data-kind=TOOL]").click();
    await page.waitForSelector("[data-testid=span-name]:has-text('Geographer.population')");
    assert.equal(await page.locator("[data-testid=input] pre").textContent(), JSON.stringify({ cities: ["Beijing", "Tokyo"] }, null, 2));
    await page.screenshot({ path: `${IMAGES}web-view-session.png` });
    assert.ok(statSync(`${IMAGES}web-view-session.png`).size > 10_000, "a screenshot with something on it");

    // The exporter's API key never reaches the page.
    assert.doesNotMatch(await page.content(), /sk-secret-key-web-view/);
    const api = await (await fetch(`${collect.uiUrl}api/traces`)).text();
    assert.doesNotMatch(api, /sk-secret-key-web-view/);
    assert.deepEqual(errors, []);
  });
});

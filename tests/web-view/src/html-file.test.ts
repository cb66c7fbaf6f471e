import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { launch, openPage } from "./harness/browser.js";
import { Collect, runCalltree, tempDir } from "./harness/collect.js";
import { runSeedScenario } from "./harness/seed.js";

// `calltree view FILE --html OUT`: the seed's trace as one file that opens from file:// with no request
// for anything but itself.
describe("calltree view --html", () => {
  test("writes one self-contained page that opens offline and shows the seed's trace", async () => {
    using dir = tempDir();
    const jsonl = join(dir.path, "traces.jsonl");
    const html = join(dir.path, "seed.html");
    {
      await using collect = await Collect.start(["--out", jsonl]);
      await runSeedScenario(collect.url, "session-file", "ada");
      await collect.waitFor(() => collect.tracesPrinted === 1, "the seed's trace");
    }
    const run = await runCalltree(["view", jsonl, "--html", html]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /wrote 1 trace\(s\) to .*seed\.html/);
    assert.equal(run.stdout, "");
    const size = statSync(html).size;
    console.log(`self-contained HTML for the seed scenario: ${size} bytes (${(size / 1024).toFixed(1)} KiB)`);
    assert.ok(size < 64 * 1024, "docs/cli.md promises a file under 64 KB for this trace");
    const text = readFileSync(html, "utf8");
    assert.doesNotMatch(text, /<script[^>]+src=|<link[^>]+stylesheet|https?:\/\/(?!127\.0\.0\.1)/i, "no external script, style or URL");
    assert.doesNotMatch(text, /sk-secret-key-web-view/);

    await using browser = await launch();
    const { page, errors } = await openPage(browser);
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector("body[data-ready=true]");
    await page.locator("[data-testid=trace-row]", { hasText: "Geographer.run" }).click();
    await page.waitForSelector("#waterfall[data-spans='5']");
    await page.locator("[data-testid=span-row]", { hasText: "Geographer.ask" }).first().click();
    await page.waitForSelector("[data-testid=chat-output]");
    assert.equal(await page.locator("[data-testid=chat-output] [data-testid=message-content]").textContent(), "Beijing");
    assert.match((await page.locator("[data-testid=span-cost]").textContent()) ?? "", /^\$\d/);
    // Only the file itself (and the empty data: icon) were ever requested.
    assert.deepEqual(
      requests.filter((url) => !url.startsWith("data:")),
      [pathToFileURL(html).href],
    );
    assert.deepEqual(errors, []);
  });
});

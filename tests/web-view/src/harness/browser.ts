import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";

/** Debian's Chromium (installed by scripts/setup-chromium.mjs); playwright-core never downloads one. */
const CHROMIUM = process.env.CALLTREE_CHROMIUM || "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A headless Chromium, closed on dispose. */
export async function launch(): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() });
}

/** A page that fails the test on any error the page script logs or throws. */
export async function openPage(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
  });
  return { page, errors };
}

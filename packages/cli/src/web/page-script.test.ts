import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PAGE_SCRIPT } from "./page-script.js";

test("src/web/page-script.ts is web/app.ts compiled (run `node web/bundle.mjs` after editing web/app.ts)", async () => {
  const compile = (await import(fileURLToPath(new URL("../../../web/compile.mjs", import.meta.url)))) as {
    compilePageScript(): string;
    pageScriptModule(script: string): string;
  };
  const fresh = compile.compilePageScript();
  assert.equal(PAGE_SCRIPT, fresh, "the embedded script is stale: run `node web/bundle.mjs` in packages/cli");
  const source = readFileSync(fileURLToPath(new URL("../../../src/web/page-script.ts", import.meta.url)), "utf8");
  assert.equal(source, compile.pageScriptModule(fresh));
});

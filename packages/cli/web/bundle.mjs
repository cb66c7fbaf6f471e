#!/usr/bin/env node
// Type-checks the web view's front end (web/app.ts, with the DOM library) and writes its compiled script
// into src/web/page-script.ts as a string, so the cli's ordinary build ships it. Run after editing
// web/app.ts: `node web/bundle.mjs` (src/web/page-script.test.ts fails while the two disagree).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compilePageScript, pageScriptModule } from "./compile.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const check = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(here, "tsconfig.json")], { stdio: "inherit" });
if (check.status !== 0) process.exit(check.status ?? 1);
writeFileSync(join(here, "../src/web/page-script.ts"), pageScriptModule(compilePageScript()));
console.log("wrote src/web/page-script.ts");

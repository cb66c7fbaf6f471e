import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("pnpm demo: one trace of five spans printed as a tree, and the answer", () => {
  const main = fileURLToPath(new URL("./main.js", import.meta.url));
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(PHOENIX_|OTEL_EXPORTER_OTLP_)/.test(k)) delete env[k];
  const r = spawnSync(process.execPath, [main], { encoding: "utf8", env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /answer: Beijing \(21\.9M\), Tokyo \(14\.1M\)/);
  // The answer goes to stdout; register()'s console exporter prints traces on stderr, away from program output.
  const out = r.stderr;
  assert.match(out, /AGENT\s+Geographer\.run/);
  assert.equal((out.match(/LLM\s+Geographer\.ask/g) ?? []).length, 2);
  assert.match(out, /AGENT\s+summarizer/);
  assert.equal((out.match(/TOOL\s+Geographer\.population/g) ?? []).length, 1);
  assert.match(out, /^trace [0-9a-f]{32}\s+5 spans\b/m);
  assert.equal((out.match(/trace [0-9a-f]{32}/g) ?? []).length, 1, "one trace");
});

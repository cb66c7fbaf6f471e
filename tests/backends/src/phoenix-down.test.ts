// Scenario 8: Phoenix down, answering 503, or never answering. The app (the seed scenario as a program configured by
// its environment) behaves exactly as without tracing; calltree prints its one-line report of what was dropped.
// Latencies are printed for the reader, never asserted.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import { startReceiver } from "@calltree-internal/otlp-receiver";
import type { OtlpReceiver } from "@calltree-internal/otlp-receiver";
import type { StandIn } from "@calltree-internal/llm-stand-in";
import { cleanEnv, runNode } from "./harness/app.js";
import { freePort } from "./harness/process.js";
import { report } from "./harness/report.js";

const main = fileURLToPath(new URL("./apps/seed-main.js", import.meta.url));
let standIn: StandIn;
let unavailable: OtlpReceiver;
let silent: OtlpReceiver;

before(async () => {
  standIn = await startStandIn();
  // What Phoenix answers when its ingestion queue is full.
  unavailable = await startReceiver({ kind: "status", status: 503, body: "Server busy" });
  // A Phoenix that accepts the connection and never answers.
  silent = await startReceiver("hang");
});

after(async () => {
  await Promise.all([unavailable.close(), silent.close()]);
  await standIn.close();
});

interface Outcome {
  code: number | null;
  answer: string;
  latenciesMs: number[];
  shutdownMs: number;
  stats?: { exportedSpans: number; droppedSpans: number };
  stderr: string;
}

async function runApp(extra: Record<string, string>): Promise<Outcome> {
  const before = standIn.requests.length;
  const out = await runNode(main, cleanEnv({ STAND_IN_OPENAI_URL: standIn.openaiBaseURL, RUNS: "3", PHOENIX_PROJECT_NAME: "hinbox", OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "3000", ...extra }));
  assert.equal(out.code, 0, out.stderr);
  const r = JSON.parse(out.stdout.trim().split("\n").at(-1)!) as Omit<Outcome, "code" | "stderr">;
  assert.equal(standIn.requests.length - before, 6, "the app made its six model calls");
  return { ...r, code: out.code, stderr: out.stderr };
}

test("Phoenix down, answering 503, or silent: the app's answers unchanged, one line reports the dropped spans", async () => {
  const baseline = await runApp({ TRACING: "off" });
  const cases: Record<string, string> = {
    "Phoenix down (connection refused)": `http://127.0.0.1:${await freePort()}`,
    "Phoenix answering 503": unavailable.origin,
    "Phoenix never answering": silent.origin,
  };
  const rows: Record<string, unknown> = { baseline: { answer: baseline.answer, latenciesMs: baseline.latenciesMs.map(Math.round) } };
  for (const [label, endpoint] of Object.entries(cases)) {
    const r = await runApp({ PHOENIX_COLLECTOR_ENDPOINT: endpoint });
    assert.equal(r.code, baseline.code, label);
    assert.equal(r.answer, baseline.answer, label);
    assert.deepEqual(r.stats && { exported: r.stats.exportedSpans, dropped: r.stats.droppedSpans }, { exported: 0, dropped: 15 }, label);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("[calltree]"));
    const dropLines = lines.filter((l) => /spans? (was|were) dropped/.test(l));
    assert.equal(dropLines.length, 1, `${label}: one report line\n${r.stderr}`);
    assert.match(dropLines[0]!, /^\[calltree\] 15 spans were dropped: 15 failed to export: /, label);
    rows[label] = { answer: r.answer, latenciesMs: r.latenciesMs.map(Math.round), shutdownMs: Math.round(r.shutdownMs), report: dropLines[0] };
  }
  report("scenario 8", rows);
});

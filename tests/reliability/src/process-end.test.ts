// How an app's process ends while calltree still holds spans: the event loop running dry, process.exit() inside a
// decorated call, SIGTERM and SIGINT in the middle of a burst of 10,000 spans (1,000 trees of ten). The app
// (fixtures/exit-app.js) exports to a real OTLP receiver in this process. What was finished must be delivered or
// counted as dropped (and said so on stderr), never lost silently, and the process must end as it would have
// without calltree: the same exit code, or death by the same signal.
//
// packages/otel/src/exit.test.ts covers the other half: spans made *before* the signal (the app then idles),
// an app with its own SIGTERM handler, an endpoint down or silent at exit, flushOnExit: false, the file
// exporter at process.exit(), a 100,000-span burst that never yields.
import { describe, test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TracingStats } from "@calltree/otel";
import { startReceiver } from "@calltree-internal/otlp-receiver";

const APP = fileURLToPath(new URL("./fixtures/exit-app.js", import.meta.url));
const TREES = 1_000;
const SPANS = TREES * 10;
const DROP_LINE = /^\[calltree\] (\d+) spans? (?:was|were) dropped: /m;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spans the app finished (its counting span processor). */
  finished: number;
  /** The app's own report at `exit` (absent when a signal killed it). */
  report?: { code: number; finished: number; stats: TracingStats };
  /** Spans the receiver acknowledged (distinct ids), and how many of them arrived more than once. */
  acknowledged: number;
  duplicates: number;
  /** Spans the app said on stderr it dropped (0 when it printed no such line). */
  droppedOnStderr: number;
  ms: number;
}

async function runApp(mode: string, env: Record<string, string>, signal?: NodeJS.Signals): Promise<Ended> {
  await using receiver = await startReceiver();
  const dir = mkdtempSync(join(tmpdir(), "calltree-exit-"));
  try {
    const countFile = join(dir, "finished");
    const started = Date.now();
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|PHOENIX_|CALLTREE_|NODE_TEST)/.test(k)));
    const child = spawn(process.execPath, [APP], {
      env: { ...base, CT_MODE: mode, CT_ENDPOINT: receiver.origin, CT_COUNT_FILE: countFile, CT_TREES: String(TREES), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (signal && !signalled && stdout.includes("started\n")) {
        signalled = true;
        child.kill(signal);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    // Only for a hang: a loaded machine may be slow, and a slow run is no failure here.
    const killer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    const [code, endSignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
    clearTimeout(killer);
    // Requests the app sent just before it ended are answered once their connections have closed.
    await receiver.idle();
    const line = stdout.split("\n").find((l) => l.startsWith("{"));
    const dropped = DROP_LINE.exec(stderr);
    const result: Ended = {
      code,
      signal: endSignal,
      stdout,
      stderr,
      finished: Number(readFileSync(countFile, "utf8").trim()),
      acknowledged: receiver.acknowledgedIds().size,
      duplicates: receiver.duplicateArrivals(),
      droppedOnStderr: dropped ? Number(dropped[1]) : 0,
      ms: Date.now() - started,
    };
    if (line) result.report = JSON.parse(line) as Ended["report"] & object;
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describeRun(r: Ended): string {
  return `${r.finished} finished, ${r.acknowledged} acknowledged by the receiver, ${r.droppedOnStderr} reported dropped; ` +
    `ended by ${r.signal ?? `exit code ${r.code}`} after ${r.ms} ms`;
}

/** Nothing lost silently: every finished span was acknowledged by the receiver or reported as dropped. */
function assertAccounted(r: Ended): void {
  assert.ok(r.acknowledged <= r.finished, "the receiver saw no span the app did not finish");
  assert.ok(
    r.acknowledged + r.droppedOnStderr >= r.finished,
    `${r.finished - r.acknowledged - r.droppedOnStderr} finished spans were neither delivered nor reported as dropped (${describeRun(r)})`,
  );
}

/** The start line, then at most one dropped-spans line: nothing else on stderr. */
function assertQuietStderr(r: Ended): void {
  const lines = r.stderr.trimEnd().split("\n");
  assert.match(lines[0] ?? "", /^\[calltree\] traces → http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(http\/protobuf, project "default"\)$/);
  assert.ok(lines.length <= 2, r.stderr);
  if (lines.length === 2) assert.match(lines[1]!, DROP_LINE);
}

const signalCases: Array<{ signal: NodeJS.Signals }> = [{ signal: "SIGTERM" }, { signal: "SIGINT" }];
const signalRuns = new Map<NodeJS.Signals, Ended>();

describe("the process ends while spans are pending", () => {
  test("normal end with exit code 5 after a burst of 10,000 spans: all delivered, exit code 5", async (t: TestContext) => {
    const r = await runApp("normal", { CT_EXIT_CODE: "5" });
    t.diagnostic(describeRun(r));
    assert.equal(r.code, 5);
    assert.equal(r.signal, null);
    assert.equal(r.finished, SPANS);
    assert.equal(r.acknowledged, SPANS);
    assert.equal(r.duplicates, 0);
    assert.deepEqual(r.report, { code: 5, finished: SPANS, stats: { exportedSpans: SPANS, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 } });
    assert.equal(r.droppedOnStderr, 0);
    assertQuietStderr(r);
  });

  test("process.exit(4) inside a decorated call, halfway through the burst: exit code 4, the rest delivered or reported dropped", async (t: TestContext) => {
    const r = await runApp("exit-inside", { CT_EXIT_CODE: "4" });
    t.diagnostic(describeRun(r));
    assert.equal(r.code, 4);
    assert.equal(r.signal, null);
    // 500 whole trees of ten, then steps 0–3 of tree 500; its step 4 (which exits) and its root never end.
    assert.equal(r.finished, 500 * 10 + 4);
    const stats = r.report?.stats;
    assert.ok(stats, "the app's exit report");
    assert.equal(stats.exportedSpans + stats.droppedSpans, r.finished, "exported + dropped = finished");
    assert.equal(stats.queuedSpans + stats.inFlightSpans, 0);
    // A request the receiver answered while the process was exiting is acknowledged there and counted as
    // dropped here: the app could not learn that it arrived. Such spans are counted twice, never lost.
    assert.ok(stats.exportedSpans <= r.acknowledged, `${stats.exportedSpans} exported, ${r.acknowledged} acknowledged`);
    assert.equal(r.droppedOnStderr, stats.droppedSpans, "the stderr line gives the full count");
    assertAccounted(r);
    assertQuietStderr(r);
  });

  for (const { signal } of signalCases) {
    test(`${signal} in the middle of the burst: what had ended when the signal came is delivered, and the process dies by ${signal}`, async (t: TestContext) => {
      const r = await runApp("signal", {}, signal);
      signalRuns.set(signal, r);
      t.diagnostic(describeRun(r));
      assert.equal(r.signal, signal);
      assert.equal(r.code, null);
      assert.doesNotMatch(r.stdout, /burst done/, "the signal came in the middle of the burst");
      assert.ok(r.finished >= 2_000, `${r.finished} spans finished before the end`);
      assert.equal(r.duplicates, 0);
      assertQuietStderr(r);
      // The first 200 trees ended before "started" was printed, so before the signal.
      assert.ok(r.acknowledged >= 2_000, describeRun(r));
    });

    test(
      `${signal} in the middle of the burst: every finished span delivered or reported dropped`,
      () => {
        const r = signalRuns.get(signal);
        assert.ok(r, "the run above");
        assertAccounted(r);
      },
    );
  }
});

import { describe, test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { closedPort, startReceiver } from "@calltree-internal/otlp-receiver";

const APP = fileURLToPath(new URL("./child-app.js", import.meta.url));

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** The JSON line the app prints at exit (absent when it was killed by a signal). */
  report?: { code: number; maxRssKb: number; rssAfterLoop: number; stats: { exportedSpans: number; droppedSpans: number } };
}

function runChild(
  args: string[],
  options: object,
  env: Record<string, string> = {},
  onReady?: (child: ReturnType<typeof spawn>) => void,
): Promise<ChildResult> {
  const started = Date.now();
  // The child's environment holds no calltree/OTel settings but the ones a test gives.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTEL_|PHOENIX_|CALLTREE_|NODE_TEST)/.test(k)));
  const child = spawn(process.execPath, [APP, ...args], {
    env: { ...base, CT_OPTIONS: JSON.stringify(options), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (onReady && stdout.includes("ready\n")) {
      const fire = onReady;
      onReady = undefined;
      fire(child);
    }
  });
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      const result: ChildResult = { code, signal, stdout, stderr, ms: Date.now() - started };
      if (line) result.report = JSON.parse(line) as ChildResult["report"] & object;
      resolve(result);
    });
  });
}

/** The fix the dropped-spans line gives when nothing listens at the endpoint. */
function refusedAdvice(port: number): string {
  return `nothing answers at http://127.0.0.1:${port}/v1/traces: start Phoenix (it listens on port 6006) or \`npx calltree collect\`, ` +
    "or point PHOENIX_COLLECTOR_ENDPOINT / register({ endpoint }) at your collector";
}

function assertAllSpans(spans: Array<{ spanId: string; traceId: string; parentSpanId: string }>, count: number): void {
  assert.equal(spans.length, count, "every span arrived");
  assert.equal(new Set(spans.map((s) => s.spanId)).size, count, "no span arrived twice");
  const roots = spans.filter((s) => s.parentSpanId === "");
  assert.equal(roots.length, Math.ceil(count / 10));
}


// The exit line's count: spans never sent ("still pending") and spans sent but not answered before the end
// ("sent, but … not confirmed"), each part present only when non-zero, the two adding up to the total.
const EXIT_LINE =
  /\[calltree\] (\d+) spans? (?:was|were) dropped: (?:(\d+) (?:was|were) still pending when the process ended)?(?:; )?(?:(\d+) (?:was|were) sent, but the process ended before the endpoint confirmed (?:it|them) \((?:it|they) may have arrived\))?\. /;
function exitDrops(text: string): { total: number; pending: number; unconfirmed: number } | undefined {
  const m = EXIT_LINE.exec(text);
  if (m === null) return undefined;
  const r = { total: Number(m[1]), pending: Number(m[2] ?? 0), unconfirmed: Number(m[3] ?? 0) };
  assert.equal(r.pending + r.unconfirmed, r.total, text);
  assert.ok(r.total > 0, text);
  return r;
}

describe("register() at process exit", () => {
  test("1,000 spans, batched, no shutdown(): all delivered on a normal exit", async () => {
    await using server = await startReceiver();
    const r = await runChild(["spans", "1000"], { endpoint: server.origin, logLevel: "silent" });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assertAllSpans(server.spans(), 1000);
    assert.deepEqual(r.report?.stats, { exportedSpans: 1000, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 });
  });

  test("1,000 spans, then SIGTERM: all delivered, then the process ends by SIGTERM as it would have", async () => {
    await using server = await startReceiver();
    const r = await runChild(["sigterm", "1000"], { endpoint: server.origin, logLevel: "silent" }, {}, (child) => child.kill("SIGTERM"));
    assert.equal(r.signal, "SIGTERM");
    assert.equal(r.code, null);
    assertAllSpans(server.spans(), 1000);
  });

  test("SIGINT: all delivered, then the process ends by SIGINT", async () => {
    await using server = await startReceiver();
    const r = await runChild(["sigterm", "300"], { endpoint: server.origin, logLevel: "silent" }, {}, (child) => child.kill("SIGINT"));
    assert.equal(r.signal, "SIGINT");
    assertAllSpans(server.spans(), 300);
  });

  test("SIGTERM while the app keeps working: every span that ended before the process died is delivered or reported dropped", async () => {
    await using server = await startReceiver();
    const r = await runChild(
      ["sigterm-busy", "3000"],
      { endpoint: server.origin, batch: { maxExportBatchSize: 256, scheduledDelayMillis: 20 } },
      {},
      (child) => child.kill("SIGTERM"),
    );
    assert.equal(r.signal, "SIGTERM");
    const made = Number([...r.stdout.matchAll(/^made (\d+)$/gm)].at(-1)?.[1]);
    const lines = r.stderr.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^\[calltree\] traces → /);
    const dropped = lines[1]?.startsWith("[calltree] ") === true ? exitDrops(lines[1]) : undefined;
    assert.equal(lines.length, dropped ? 2 : 1, r.stderr);
    const received = new Set(server.spans().map((s) => s.spanId)).size;
    assert.ok(received >= 3000, `the spans that had ended at the signal arrived (${received})`);
    assert.ok(received + (dropped?.total ?? 0) >= made, `${made} made, ${received} received, ${dropped?.total ?? 0} reported dropped`);
  });

  test("SIGTERM with the app's own handler: spans delivered, and the app's handler decides how the process ends", async () => {
    await using server = await startReceiver();
    const r = await runChild(["sigterm-handled", "500"], { endpoint: server.origin, logLevel: "silent" }, {}, (child) => child.kill("SIGTERM"));
    assert.equal(r.code, 7);
    assert.match(r.stdout, /app handler/);
    assertAllSpans(server.spans(), 500);
  });

  test("endpoint down: the process exits promptly with its own exit code and says once that spans were dropped", async () => {
    const port = await closedPort();
    const r = await runChild(["spans", "1000"], { endpoint: `http://127.0.0.1:${port}` }, { CT_EXIT_CODE: "3" });
    assert.equal(r.code, 3);
    const lines = r.stderr.trimEnd().split("\n");
    assert.deepEqual(lines, [
      `[calltree] traces → http://127.0.0.1:${port}/v1/traces (http/protobuf, project "default")`,
      `[calltree] 1000 spans were dropped: 1000 failed to export: connection refused (ECONNREFUSED) — ${refusedAdvice(port)}. ` +
        "Later drops are counted in tracing.stats().droppedSpans.",
    ]);
    assert.equal(r.report?.stats.droppedSpans, 1000);
  });

  test("endpoint down: await tracing.shutdown() ends the flush at once, its one line naming the cause and the fix, by default", async () => {
    const port = await closedPort();
    // A flush timeout the test would not outlast: shutdown() has to stop because of the refusal, not the deadline.
    const r = await runChild(["shutdown", "1000"], { endpoint: `http://127.0.0.1:${port}`, flushTimeoutMillis: 600_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^shut down$/m);
    assert.deepEqual(r.stderr.trimEnd().split("\n"), [
      `[calltree] traces → http://127.0.0.1:${port}/v1/traces (http/protobuf, project "default")`,
      `[calltree] 1000 spans were dropped: 1000 failed to export: connection refused (ECONNREFUSED) — ${refusedAdvice(port)}. ` +
        "Later drops are counted in tracing.stats().droppedSpans.",
    ]);
    assert.equal(r.report?.stats.droppedSpans, 1000);
  });

  test("a server that never answers: the process still exits, within flushTimeoutMillis", async () => {
    await using server = await startReceiver();
    server.defaultReply = "hang";
    const r = await runChild(["spans", "100"], { endpoint: server.origin, flushTimeoutMillis: 1_000 });
    assert.equal(r.code, 0);
    // Sent, never answered: told apart from spans that were never sent (the endpoint may have them).
    assert.match(
      r.stderr,
      /\[calltree\] 100 spans were dropped: 100 were sent, but the process ended before the endpoint confirmed them \(they may have arrived\)\. /,
    );
    assert.equal(r.report?.stats.droppedSpans, 100);
  });

  test("process.exit() right after the spans: the file exporter has written them all", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "calltree-exit-")), "t.jsonl");
    const r = await runChild(["process-exit", "1200"], { file: path, logLevel: "silent" });
    assert.equal(r.code, 0);
    const spans = readFileSync(path, "utf8").trim().split("\n")
      .flatMap((l) => (JSON.parse(l) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ spanId: string }> }> }> })
        .resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    assert.equal(spans.length, 1200);
    assert.equal(new Set(spans.map((s) => s.spanId)).size, 1200);
  });

  test("process.exit() with OTLP: spans that could not be sent are counted and reported once", async () => {
    await using server = await startReceiver();
    const r = await runChild(["process-exit", "100"], { endpoint: server.origin });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /\[calltree\] 100 spans were dropped: 100 were still pending when the process ended\./);
  });

  test("flushOnExit: false flushes nothing at exit, yet counts and reports the spans it did not send", async () => {
    await using server = await startReceiver();
    const r = await runChild(["spans", "1000"], { endpoint: server.origin, flushOnExit: false });
    assert.equal(r.code, 0);
    const dropped = r.report?.stats.droppedSpans ?? -1;
    assert.ok(dropped > 0, "some spans were still pending");
    // A batch the server received but did not answer before the exit counts as lost, as "sent, not confirmed".
    assert.ok(dropped <= 1000 && server.spans().length + dropped >= 1000, `${server.spans().length} received, ${dropped} dropped`);
    assert.equal(exitDrops(r.stderr)?.total, dropped, r.stderr);
  });

  test("flushOnExit: false, then SIGTERM: the spans it did not send are reported before the process dies by SIGTERM", async () => {
    await using server = await startReceiver();
    const r = await runChild(["sigterm", "1000"], { endpoint: server.origin, flushOnExit: false }, {}, (child) => child.kill("SIGTERM"));
    assert.equal(r.signal, "SIGTERM");
    const dropped = exitDrops(r.stderr);
    assert.ok(dropped, r.stderr);
    assert.ok(server.spans().length + dropped.total >= 1000, `${server.spans().length} received, ${dropped.total} reported dropped`);
  });

  test("burst: 100,000 spans in a loop that never yields, none lost, memory bounded", async (t: TestContext) => {
    await using server = await startReceiver();
    // Deadlines no busy machine reaches: the exit flush of 100,000 spans must not depend on how fast it is.
    const r = await runChild(["burst", "100000"], { endpoint: server.origin, logLevel: "silent", flushTimeoutMillis: 300_000, exportTimeoutMillis: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.report?.stats, { exportedSpans: 100_000, droppedSpans: 0, queuedSpans: 0, inFlightSpans: 0 });
    const spans = await server.waitForSpans(100_000);
    assert.equal(spans.length, 100_000);
    assert.equal(new Set(spans.map((s) => s.spanId)).size, 100_000);
    const peakMb = Math.round((r.report?.maxRssKb ?? 0) / 1024);
    t.diagnostic(`peak RSS ${peakMb} MB, RSS after the loop ${Math.round((r.report?.rssAfterLoop ?? 0) / 1048576)} MB, ${server.requests.length} requests, ${r.ms} ms`);
    assert.ok(peakMb < 250, `peak RSS ${peakMb} MB`);
  });

  test("spans that end after tracing.shutdown() are counted as dropped and reported in the one line", async () => {
    for (const options of [{ exporter: "memory" }, { exporter: "console" }]) {
      const r = await runChild(["after-shutdown", "25"], options);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.report?.stats.droppedSpans, 25, JSON.stringify(options));
      assert.match(
        r.stderr,
        /^\[calltree\] 25 spans were dropped: 25 ended after tracing\.shutdown\(\) \(shut down once the traced calls have finished\)\. Later drops are counted in tracing\.stats\(\)\.droppedSpans\.$/m,
      );
    }
  });

  test("the console exporter draws a span that ends after its root (fire-and-forget) in its root's tree", async () => {
    const r = await runChild(["fire-and-forget", "3"], { exporter: "console", color: false, logLevel: "error" });
    assert.equal(r.code, 0, r.stderr);
    const trees = r.stderr.trimEnd().split("\n\n");
    assert.equal(trees.length, 3, r.stderr);
    for (const tree of trees) {
      assert.match(tree, /^trace [0-9a-f]{32} {2}2 spans {2}\S+\nhandler {2}\S+\n└─ background job {2}\S+$/);
    }
    assert.doesNotMatch(r.stderr, /root span not received|more spans of trace/);
  });

  test("the start line: one line on stderr, secrets masked; logLevel silent prints nothing", async () => {
    await using server = await startReceiver();
    const url = `${server.origin}/v1/traces?api_key=sk-query-secret`;
    const r = await runChild(["spans", "10"], { endpoint: url, apiKey: "sk-secret-key", projectName: "demo", compression: "gzip" });
    assert.equal(r.stderr, `[calltree] traces → ${server.origin}/v1/traces?api_key=**** (http/protobuf, gzip, project "demo", headers: authorization)\n`);
    assert.equal(server.requests[0]?.headers.authorization, "Bearer sk-secret-key");
    const quiet = await runChild(["spans", "10"], { endpoint: server.origin, logLevel: "silent" });
    assert.equal(quiet.stderr, "");
  });

  test("the console exporter prints each trace once, without colour codes when stderr is not a terminal", async () => {
    const r = await runChild(["spans", "20"], {});
    assert.equal(r.code, 0);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines[0], '[calltree] traces → console, one tree per trace (project "default"); set PHOENIX_COLLECTOR_ENDPOINT or register({ endpoint }) to export them');
    assert.equal(lines.length, 1 + 2 * 12 - 1, "start line, then per trace: header, 10 spans, blank line");
    assert.equal(lines.filter((l) => /^trace [0-9a-f]{32} {2}10 spans {2}/.test(l)).length, 2);
    assert.equal(lines.filter((l) => /^AGENT agent\.run {2}/.test(l)).length, 2);
    assert.equal(lines.filter((l) => /^[├└]─ LLM llm\.call\.\d {2}[\d.]+(µs|ms) {2}\d+ tok$/.test(l)).length, 18);
    assert.doesNotMatch(r.stderr, /\u001b\[/);
  });
});

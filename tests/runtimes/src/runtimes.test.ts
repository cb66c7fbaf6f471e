// One decorated fetch-handler app (app/app.ts) served on every runtime calltree supports, each exporting over real
// OTLP/HTTP to a real receiver on 127.0.0.1: per runtime 1,000 requests, each request's 7 spans one trace rooted at
// the handler's span, and none lost. Prints `requests, spans, lost` per runtime, and fails when docs/runtimes.md's
// committed table differs from this run's (CALLTREE_RUNTIMES=update rewrites it). No time is asserted: the test
// waits for the responses and for the receiver's count.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { expectedAnswer, SPANS_PER_REQUEST } from "./app/app.js";
import { cells, pkgRoot } from "./harness/cells.js";
import type { Cell } from "./harness/cells.js";
import { startReceiver } from "./harness/receiver.js";

const REQUESTS = 1_000;
/** Requests in flight at once, per runtime. */
const CONCURRENCY = 16;
/** Runtimes tested at once. */
const PARALLEL = 4;
const NAMES = ["App.handle", "Assistant.ask", "Assistant.lookup", "Assistant.lookup", "Assistant.plan", "Assistant.run", "Assistant.stream"];

interface Row {
  cell: Cell;
  result: string;
  requests?: number;
  spans?: number;
  lost?: number;
}

async function send(url: string, q: string): Promise<string> {
  const response = await fetch(`${url}/?q=${encodeURIComponent(q)}`);
  const text = await response.text();
  assert.equal(response.status, 200, `GET ?q=${q}: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

/** Serves 1,000 requests on the cell's runtime and checks every trace; returns the counts. */
async function runPassing(cell: Cell): Promise<Row> {
  const receiver = await startReceiver();
  let server: Awaited<ReturnType<Cell["start"]>>;
  try {
    server = await cell.start(receiver.endpoint);
  } catch (error) {
    // A runtime that cannot start must not leave the receiver listening (the test process would never end).
    await receiver.close();
    throw error;
  }
  try {
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const q = `r${next++}`;
        assert.equal(await send(server.url, q), expectedAnswer(q));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const expected = REQUESTS * SPANS_PER_REQUEST;
    // Node, Bun and Deno have flushed before each body ended; Workers and the edge runtime flush in waitUntil, after
    // the response: the wait is for the receiver's count (or the runtime's end, which would mean spans are lost).
    await receiver.waitForSpans(expected, server.exited);
    await server.stop();
    const received = receiver.spanCount();
    const traces = receiver.traces();
    const lost = expected - received;
    console.log(`${cell.id}: requests ${REQUESTS}, spans ${received}, lost ${lost} (arrived twice: ${receiver.duplicates()})`);
    assert.equal(lost, 0, `${cell.id}: ${lost} spans lost\n${server.stderr()}`);
    assert.equal(traces.size, REQUESTS, `${cell.id}: one trace per request`);
    const questions = new Set<unknown>();
    for (const [traceId, spans] of traces) {
      assert.deepEqual(spans.map((s) => s.name).sort(), NAMES, `${cell.id}: trace ${traceId} has every span`);
      const roots = spans.filter((s) => s.parentSpanId === undefined);
      assert.deepEqual(roots.map((s) => s.name), ["App.handle"], `${cell.id}: trace ${traceId} is rooted at the handler's span`);
      const ids = new Set(spans.map((s) => s.spanId));
      for (const s of spans) if (s.parentSpanId !== undefined) assert.ok(ids.has(s.parentSpanId), `${cell.id}: ${s.name} has its parent in its trace`);
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const parentName = (name: string) => byId.get(spans.find((s) => s.name === name)!.parentSpanId!)?.name;
      assert.equal(parentName("Assistant.run"), "App.handle");
      assert.equal(parentName("Assistant.plan"), "Assistant.run");
      assert.equal(parentName("Assistant.lookup"), "Assistant.plan");
      assert.equal(parentName("Assistant.ask"), "Assistant.run");
      assert.equal(parentName("Assistant.stream"), "App.handle");
      questions.add(spans.find((s) => s.name === "Assistant.run")!.input);
    }
    assert.equal(questions.size, REQUESTS, `${cell.id}: each request is its own trace`);
    // An export whose answer came after its deadline (a starved machine) is counted as dropped by the app although
    // the receiver has its spans: the count above is what matters; the app's report is shown, not asserted.
    if (/dropped/.test(server.stderr())) console.log(`${cell.id} reported: ${server.stderr().trim()}`);
    return { cell, result: "✅ works", requests: REQUESTS, spans: received, lost };
  } finally {
    await server.stop();
    await receiver.close();
  }
}

/** A "not supported" cell: the first request fails, and the runtime says the documented fix. */
async function runUnsupported(cell: Cell): Promise<Row> {
  const receiver = await startReceiver();
  let said: string;
  try {
    const server = await cell.start(receiver.endpoint);
    try {
      const response = await fetch(`${server.url}/?q=r0`);
      await response.text();
      assert.notEqual(response.status, 200, `${cell.id}: the request fails`);
      said = server.stderr();
    } finally {
      await server.stop();
      said = server.stderr();
    }
  } catch (error) {
    // The runtime could not even start the app (the edge runtime evaluates it at start).
    said = (error as Error).message;
  } finally {
    await receiver.close();
  }
  for (const text of cell.mustSay ?? []) assert.ok(said.includes(text), `${cell.id}: the error says ${JSON.stringify(text)}:\n${said}`);
  return { cell, result: `❌ not supported: ${cell.advice}` };
}

const rows = new Map<string, Row>();

describe("runtimes: 1,000 requests each, one trace per request, 0 spans lost", () => {
  before(() => rmSync(join(pkgRoot, ".work"), { recursive: true, force: true }));
  after(() => rmSync(join(pkgRoot, ".work"), { recursive: true, force: true }));

  // Runtimes run a few at a time: each test starts its own at once, and waits for a free slot.
  let slots = PARALLEL;
  const queue: Array<() => void> = [];
  const slot = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (slots === 0) await new Promise<void>((resolve) => queue.push(resolve));
    else slots--;
    try {
      return await fn();
    } finally {
      const wake = queue.shift();
      if (wake) wake();
      else slots++;
    }
  };
  // The edge runtime is the slowest to serve these requests (its concurrent requests gain little over one at a
  // time), so it starts first and the others share the remaining slots meanwhile.
  const startOrder = [...cells].sort((a, b) => Number(b.id === "edge") - Number(a.id === "edge"));
  const runs = new Map(startOrder.map((cell) => [cell.id, slot(() => (cell.expect === "pass" ? runPassing(cell) : runUnsupported(cell)))]));
  for (const p of runs.values()) p.catch(() => undefined);

  for (const cell of cells) {
    test(`${cell.runtime}, ${cell.setup.replace(/`/g, "")}: ${cell.expect === "pass" ? "1,000 requests, one trace each, 0 spans lost" : "not supported, and says how to fix it"}`, async () => {
      rows.set(cell.id, await runs.get(cell.id)!);
    });
  }

  test("docs/runtimes.md shows the Worker, the edge function and the server these runs used, as they are", () => {
    const page = readFileSync(join(pkgRoot, "../../docs/runtimes.md"), "utf8");
    for (const file of ["serve.ts", "worker.ts", "edge.ts"]) {
      const lines = readFileSync(join(pkgRoot, "src/app", file), "utf8").split("\n");
      // The file's header comment is for this repository's readers; the docs show the code.
      const code = lines.slice(lines.findIndex((l) => !l.startsWith("//"))).join("\n").trimEnd();
      assert.ok(page.includes("```ts\n" + code + "\n```"), `docs/runtimes.md shows src/app/${file} as it is`);
    }
  });

  test("docs/runtimes.md's table is this run's", () => {
    assert.equal(rows.size, cells.length, "every cell ran");
    const START = "<!-- runtime-matrix:start (written by tests/runtimes; CALLTREE_RUNTIMES=update rewrites it) -->";
    const END = "<!-- runtime-matrix:end -->";
    const lines = [
      "| Runtime | Setup | Result | Requests | Spans | Lost |",
      "| --- | --- | --- | --- | --- | --- |",
      ...cells.map((cell) => {
        const row = rows.get(cell.id)!;
        const n = (v: number | undefined) => (v === undefined ? "—" : v.toLocaleString("en-US"));
        return `| ${cell.runtime} | ${cell.setup} | ${row.result} | ${n(row.requests)} | ${n(row.spans)} | ${n(row.lost)} |`;
      }),
    ];
    const generated = `${START}\n${lines.join("\n")}\n${END}`;
    const docsPage = join(pkgRoot, "../../docs/runtimes.md");
    const page = readFileSync(docsPage, "utf8");
    const at = page.indexOf(START);
    const end = page.indexOf(END);
    assert.ok(at >= 0 && end > at, "docs/runtimes.md has the runtime-matrix markers");
    const current = page.slice(at, end + END.length);
    if (process.env.CALLTREE_RUNTIMES === "update") writeFileSync(docsPage, page.replace(current, generated));
    else assert.equal(current, generated, "docs/runtimes.md's table differs from this run: rerun with CALLTREE_RUNTIMES=update and commit it");
  });
});

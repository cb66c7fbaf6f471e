import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createWriteStream, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { fromReadableSpan, renderTrace } from "@calltree/render";
import { agentTrace, runBin, Sdk, tempDir } from "./helpers.js";

const A = "0af7651916cd43dd8448eb211c80319c";
const B = "4bf92f3577b34da6a3ce929d0e0e4736";
const C = "5b8efff798038103d269b633813fc60c";
const T0 = 1_700_000_000_000_000_000n;

interface Def {
  trace: string;
  id: number;
  parent?: number;
  name: string;
  start: number;
  end: number;
  attributes?: Record<string, string | number | boolean>;
  error?: string;
}

function sid(n: number): string {
  return n.toString(16).padStart(16, "0");
}

function value(v: string | number | boolean): Record<string, unknown> {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

/** One OTLP/JSON ExportTraceServiceRequest line holding `defs`. Times are milliseconds from T0. */
function line(defs: Def[]): string {
  const spans = defs.map((d) => ({
    traceId: d.trace,
    spanId: sid(d.id),
    ...(d.parent ? { parentSpanId: sid(d.parent) } : {}),
    name: d.name,
    kind: 1,
    startTimeUnixNano: String(T0 + BigInt(d.start * 1e6)),
    endTimeUnixNano: String(T0 + BigInt(d.end * 1e6)),
    attributes: Object.entries(d.attributes ?? {}).map(([key, v]) => ({ key, value: value(v) })),
    status: d.error !== undefined ? { code: 2, message: d.error } : {},
  }));
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "demo" } }] }, scopeSpans: [{ scope: { name: "calltree" }, spans }] }],
  });
}

const LLM = { "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o-mini" };
// Trace A arrives over two batches (children first, as exporters send them), B in one, C has no root.
const FILE = [
  line([
    { trace: A, id: 3, parent: 2, name: "OpenAI Chat Completions", start: 20, end: 810, attributes: { ...LLM, "llm.token_count.prompt": 1000, "llm.token_count.completion": 234 } },
    { trace: A, id: 2, parent: 1, name: "Assistant.ask", start: 10, end: 822, attributes: { ...LLM, "llm.token_count.prompt": 1000, "llm.token_count.completion": 234, "llm.token_count.total": 1234, "llm.cost.total": 0.000123, "input.value": "sk-secret" } },
  ]),
  "",
  line([
    { trace: B, id: 1, name: "Pipeline.run", start: 2000, end: 2012, attributes: { "openinference.span.kind": "CHAIN" } },
    { trace: C, id: 9, parent: 8, name: "retrieve", start: 3000, end: 3001.5, attributes: { "openinference.span.kind": "RETRIEVER" } },
  ]),
  line([
    { trace: A, id: 4, parent: 1, name: "Assistant.weather", start: 830, end: 833, attributes: { "openinference.span.kind": "TOOL" }, error: "city not found" },
    { trace: A, id: 1, name: "Assistant.run", start: 0, end: 1240, attributes: { "openinference.span.kind": "AGENT" } },
  ]),
].join("\n");

const TREE_A = [
  `trace ${A}  4 spans  1.24s  1,234 tok (1,000 in, 234 out)  $0.000123  1 error`,
  "AGENT Assistant.run  1.24s",
  "├─ LLM Assistant.ask  812ms  gpt-4o-mini  1,234 tok (1,000 in, 234 out)  $0.000123",
  "│  └─ LLM OpenAI Chat Completions  790ms  gpt-4o-mini  1,234 tok (1,000 in, 234 out)",
  "└─ TOOL Assistant.weather  3.0ms  ERROR: city not found",
].join("\n");
const TREE_B = [`trace ${B}  1 span  12ms`, "CHAIN Pipeline.run  12ms"].join("\n");
const TREE_C = [`trace ${C}  1 span  1.5ms  (root span not received)`, "RETRIEVER retrieve  1.5ms  (orphan: parent 0000000000000008 missing)"].join("\n");

describe("calltree view", () => {
  test("renders every stored trace as a tree with its totals (golden)", async () => {
    using dir = tempDir();
    const file = join(dir.path, "traces.jsonl");
    writeFileSync(file, `${FILE}\n`);
    const r = await runBin(["view", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${TREE_A}\n\n${TREE_B}\n\n${TREE_C}\n`);
    assert.equal(r.stderr, "");
    assert.doesNotMatch(r.stdout, /sk-secret/);
  });

  test("--trace picks one trace by id or prefix; exits 1 when none matches", async () => {
    using dir = tempDir();
    const file = join(dir.path, "traces.jsonl");
    writeFileSync(file, FILE);
    let r = await runBin(["view", file, "--trace", A]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${TREE_A}\n`);
    r = await runBin(["view", "--trace", "4BF92F", file]);
    assert.equal(r.stdout, `${TREE_B}\n`);
    r = await runBin(["view", file, "--trace", "ffff"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `calltree view: no trace matching ffff in ${file}\n`);
    r = await runBin(["view", file, "--trace", "not-hex"]);
    assert.equal(r.code, 2);
  });

  test("--json prints normalized traces, one per line, with totals", async () => {
    using dir = tempDir();
    const file = join(dir.path, "traces.jsonl");
    writeFileSync(file, FILE);
    const r = await runBin(["view", file, "--json", "--trace", B]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0] as string), {
      traceId: B,
      totals: { durationNanos: "12000000", spanCount: 1, errorCount: 0 },
      spans: [
        {
          traceId: B,
          spanId: "0000000000000001",
          name: "Pipeline.run",
          startTimeUnixNano: "1700000002000000000",
          endTimeUnixNano: "1700000002012000000",
          attributes: { "openinference.span.kind": "CHAIN" },
          status: { code: 0 },
          events: [],
          resource: { "service.name": "demo" },
          scope: { name: "calltree" },
        },
      ],
    });
    const all = await runBin(["view", file, "--json"]);
    const traces = all.stdout.trim().split("\n").map((l) => JSON.parse(l) as { traceId: string; totals: { spanCount: number; cost?: number }; spans: Array<{ name: string; attributes: Record<string, unknown> }> });
    assert.deepEqual(
      traces.map((t) => [t.traceId, t.totals.spanCount]),
      [
        [A, 4],
        [B, 1],
        [C, 1],
      ],
    );
    assert.deepEqual(traces[0]?.spans.map((s) => s.name), ["Assistant.run", "Assistant.ask", "OpenAI Chat Completions", "Assistant.weather"]);
    assert.equal(traces[0]?.totals.cost, 0.000123);
    // JSON is the data itself: attributes are all there.
    assert.equal(traces[0]?.spans[1]?.attributes["input.value"], "sk-secret");
  });

  test("reads what the OTLP JSON serializer (the file exporter of @calltree/otel) writes", async () => {
    using dir = tempDir();
    const file = join(dir.path, "exported.jsonl");
    const sdk = new Sdk({});
    agentTrace(sdk);
    const spans = sdk.memory.getFinishedSpans();
    // One line per batch, batches split mid-trace.
    const body = [spans.slice(0, 2), spans.slice(2)].map((batch) => Buffer.from(JsonTraceSerializer.serializeRequest(batch) as Uint8Array).toString("utf8"));
    writeFileSync(file, `${body.join("\n")}\n`);
    await sdk.provider.shutdown();
    const r = await runBin(["view", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${renderTrace(spans.map(fromReadableSpan))}\n`);
    assert.match(r.stdout, /^AGENT Assistant\.run /m);
  });

  test("reads standard input with -", async () => {
    const r = await runBin(["view", "-", "--trace", B], { input: FILE });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${TREE_B}\n`);
  });

  test("skips lines that are not OTLP/JSON, says so on stderr, and still exits 0", async () => {
    using dir = tempDir();
    const file = join(dir.path, "traces.jsonl");
    writeFileSync(file, `{"resourceSpans":[]}\n{broken\n[1,2]\n${FILE}\r\n`);
    const r = await runBin(["view", file]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${TREE_A}\n\n${TREE_B}\n\n${TREE_C}\n`);
    const stderr = r.stderr.split("\n");
    assert.match(stderr[0] ?? "", new RegExp(`^calltree view: ${file}:2: not JSON \\(.*\\), skipped$`));
    assert.equal(stderr[1], `calltree view: ${file}:3: not an OTLP/JSON trace request (no resourceSpans), skipped`);
    assert.match(stderr[2] ?? "", /^calltree view: read 0\.0 MB, 6 spans, 3 traces in \d+\.\d\ds; 2 line\(s\) skipped$/);
  });

  test("folds deep and wide traces", async () => {
    using dir = tempDir();
    const file = join(dir.path, "big.jsonl");
    const deep: Def[] = Array.from({ length: 200 }, (_, i) => ({ trace: A, id: i + 1, ...(i > 0 ? { parent: i } : {}), name: `level ${i}`, start: i, end: 400 - i }));
    const wide: Def[] = [{ trace: B, id: 1, name: "fan-out", start: 0, end: 20_000 }];
    for (let i = 2; i <= 10_000; i++) wide.push({ trace: B, id: i, parent: 1, name: `call ${i}`, start: i, end: i + 1 });
    // Wide trace over many lines, as a batching exporter writes it.
    const lines = [line(deep)];
    for (let i = 0; i < wide.length; i += 512) lines.push(line(wide.slice(i, i + 512)));
    writeFileSync(file, `${lines.join("\n")}\n`);

    const r = await runBin(["view", file, "--max-depth", "3", "--max-children", "50"]);
    assert.equal(r.code, 0, r.stderr);
    const [deepTree, wideTree] = r.stdout.split("\n\n");
    assert.deepEqual(deepTree?.split("\n"), [
      `trace ${A}  200 spans  400ms`,
      "level 0  400ms",
      "└─ level 1  398ms",
      "   └─ level 2  396ms",
      "      └─ level 3  394ms",
      "         └─ … 196 more spans",
    ]);
    const wideLines = wideTree?.trim().split("\n") ?? [];
    assert.equal(wideLines.length, 53);
    assert.equal(wideLines[0], `trace ${B}  10,000 spans  20.00s`);
    assert.equal(wideLines[51], "├─ call 51  1.0ms");
    assert.equal(wideLines[52], "└─ … 9,949 more spans");

    const defaults = await runBin(["view", file]);
    // Default limits: 25 levels (depth 0-24) and 100 children, each tree with its header and fold line.
    const [deepDefault, wideDefault] = defaults.stdout.trimEnd().split("\n\n");
    assert.equal(deepDefault?.split("\n").length, 1 + 25 + 1);
    assert.equal(deepDefault?.split("\n").at(-1), `${"   ".repeat(24)}└─ … 175 more spans`);
    assert.equal(wideDefault?.split("\n").length, 1 + 1 + 100 + 1);
    assert.equal(wideDefault?.split("\n").at(-1), "└─ … 9,899 more spans");
  });

  test("streams a 100 MB file in a heap far smaller than the file", async () => {
    using dir = tempDir();
    const file = join(dir.path, "large.jsonl");
    const out = createWriteStream(file);
    const filler = "x".repeat(10_000);
    // 10,000 lines of one span with a 10 kB input: 1,000 traces of 10 spans, each trace on consecutive lines.
    for (let t = 0; t < 1000; t++) {
      const trace = (t + 1).toString(16).padStart(32, "0");
      for (let s = 1; s <= 10; s++) {
        const ok = out.write(
          `${line([{ trace, id: s, ...(s > 1 ? { parent: 1 } : {}), name: `span ${s}`, start: s, end: 20 - s, attributes: { "input.value": filler } }])}\n`,
        );
        if (!ok) await once(out, "drain");
      }
    }
    out.end();
    await once(out, "close");
    // Heap bounds with headroom for Node 24's collector on a busy machine (48 and 64 MB ran out there once each);
    // reading the file whole would take several times the file's 100 MB.
    const r = await runBin(["view", file], { nodeArgs: ["--max-old-space-size=64"], timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stdout.match(/^trace /gm) ?? []).length, 1000);
    assert.match(r.stdout, /^trace 0{29}3e8 {2}10 spans {2}18ms$/m);
    // A summary goes to stderr only when the run took over a second; when it does, it counts the whole file.
    const mb = (statSync(file).size / (1024 * 1024)).toFixed(1).replace(".", "\\.");
    assert.match(r.stderr, new RegExp(`^(calltree view: read ${mb} MB, 10,000 spans, 1,000 traces in \\d+\\.\\d\\ds\\n)?$`));
    // --json prints every attribute, so it holds full spans: still bounded.
    const json = await runBin(["view", file, "--json"], { nodeArgs: ["--max-old-space-size=96"], timeoutMs: 300_000, countStdoutOnly: true });
    assert.equal(json.code, 0, json.stderr);
    assert.ok(json.stdoutBytes > 100_000_000, `printed ${json.stdoutBytes} bytes`);
  });

  test("exits 1 for a missing or unreadable file and 2 for usage errors", async () => {
    using dir = tempDir();
    let r = await runBin(["view", join(dir.path, "nope.jsonl")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^calltree view: cannot read .*nope\.jsonl: ENOENT/);
    r = await runBin(["view", dir.path]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `calltree view: cannot read ${dir.path}: it is a directory\n`);
    for (const args of [["view"], ["view", "a", "b"], ["view", "a", "--bogus"], ["view", "a", "--max-lines", "-1"], ["frobnicate"], []]) {
      r = await runBin(args);
      assert.equal(r.code, 2, args.join(" "));
    }
  });

  test("an empty file is not an error", async () => {
    using dir = tempDir();
    const file = join(dir.path, "empty.jsonl");
    writeFileSync(file, "");
    const r = await runBin(["view", file]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `calltree view: no traces in ${file}\n`);
  });
});

// The examples' tests run each built example the way a user does (`node dist/esm/main.js`) and assert on what it
// prints: the trace trees of register()'s console exporter and the answer. Attributes the tree does not show
// (session ids, first-token events, documents) are read from a second run that exports to an OTLP/JSON file.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromOtlpJson, groupTraces } from "@calltree/render";
import type { RenderSpan, RenderTrace } from "@calltree/render";

export type { RenderSpan, RenderTrace };

/** What one run of an example printed. */
export interface ExampleRun {
  /** Exit code (`null` when killed, e.g. by the timeout). */
  status: number | null;
  stdout: string;
  stderr: string;
  /**
   * The printed trace trees, one entry per span line: two spaces per level of nesting, then `KIND name`
   * (e.g. `"  LLM Geographer.ask"`). Top-level spans have no indent, so each unindented entry starts a trace.
   */
  outline: string[];
  /** Lines calltree printed on stderr (`[calltree] …`) other than its start line: warnings and errors. */
  diagnostics: string[];
}

/** A run whose spans went to an OTLP/JSON file instead of the console. */
export interface ExportedRun extends ExampleRun {
  /** Every exported span, as `@calltree/render` normalizes OTLP/JSON. */
  spans: RenderSpan[];
  /** The same spans grouped into traces, in start order. */
  traces: RenderTrace[];
}

/** Options of {@link runExample}. */
export interface RunOptions {
  /** Extra environment variables for the example (after the cleaning described on {@link runExample}). */
  env?: Record<string, string>;
  /** Longest run, in ms (default 60,000). */
  timeoutMillis?: number;
}

// Variables that would send the example to a real provider or backend, change what calltree prints, or make the
// child think it runs under the test runner. The tests must see the offline default a user sees first.
const INHERITED_OUT = /^(PHOENIX_|OTEL_|CALLTREE_|OPENINFERENCE_|OPENAI_|ANTHROPIC_|COHERE_|NODE_TEST|NODE_OPTIONS$|FORCE_COLOR$|NO_COLOR$)/;

const KINDS = "AGENT|LLM|CHAIN|TOOL|RETRIEVER|RERANKER|EMBEDDING|GUARDRAIL|EVALUATOR|PROMPT|SPAN";
// Tree guides are three characters per level. The duration right after the name tells a span line from any other
// printed text; the separator is ` · ` or two spaces depending on the renderer.
const DURATION = String.raw`(?:\?|\d+(?:\.\d+)?(?:ns|µs|us|ms|s)|\d+m ?\d\ds|\d+h \d\dm)`;
const SPAN_LINE = new RegExp(String.raw`^((?:│  |   |├─ |└─ )*)(${KINDS}) (.+?)(?: · |  )${DURATION}(?:\s|$)`);
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * The span lines of trace trees found in `text`, as {@link ExampleRun.outline} entries. Lines that are not span
 * lines (answers, trace headers, calltree's start line) are skipped.
 */
export function outlineOf(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const m = SPAN_LINE.exec(raw.replace(ANSI, ""));
    if (m === null) continue;
    const depth = (m[1] ?? "").length / 3;
    out.push(`${"  ".repeat(depth)}${m[2]} ${m[3]}`);
  }
  return out;
}

/**
 * Runs the example at `main` (a built `.js` file) with the running node, synchronously, in a clean environment:
 * no `PHOENIX_*`, `OTEL_*`, `CALLTREE_*`, `OPENINFERENCE_*`, provider keys (`OPENAI_*`, `ANTHROPIC_*`,
 * `COHERE_*`) or test-runner variables, and `NO_COLOR=1`. So the model is the local stand-in and traces are
 * printed as trees, exactly what `pnpm start` shows a user without configuration.
 */
export function runExample(main: URL, options: RunOptions = {}): ExampleRun {
  const r = spawnSync(process.execPath, [fileURLToPath(main)], {
    encoding: "utf8",
    env: exampleEnv(options),
    timeout: options.timeoutMillis ?? 300_000,
  });
  return finish(r.status, r.stdout ?? "", r.stderr ?? "");
}

/**
 * {@link runExample} without blocking the event loop, for tests that serve the example over HTTP while it runs
 * (an OTLP receiver standing in for Phoenix).
 */
export function runExampleAsync(main: URL, options: RunOptions = {}): Promise<ExampleRun> {
  const child = spawn(process.execPath, [fileURLToPath(main)], {
    env: exampleEnv(options),
    stdio: ["ignore", "pipe", "pipe"],
    timeout: options.timeoutMillis ?? 300_000,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve(finish(status, stdout, stderr)));
  });
}

function exampleEnv(options: RunOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_OUT.test(key)) env[key] = value;
  }
  env.NO_COLOR = "1";
  return Object.assign(env, options.env);
}

function finish(status: number | null, stdout: string, stderr: string): ExampleRun {
  const diagnostics = stderr
    .split("\n")
    .filter((line) => line.startsWith("[calltree]") && !line.startsWith("[calltree] traces → "));
  // The console exporter writes to one stream; reading both keeps the tests about the tree, not the stream.
  return { status, stdout, stderr, outline: [...outlineOf(stderr), ...outlineOf(stdout)], diagnostics };
}

/**
 * Runs the example like {@link runExample}, with `OTEL_TRACES_EXPORTER=file`: every span is appended to an
 * OTLP/JSON lines file in a temporary folder, which is read back and removed.
 */
export function runExampleExporting(main: URL, options: RunOptions = {}): ExportedRun {
  const dir = mkdtempSync(join(tmpdir(), "calltree-example-"));
  try {
    const file = join(dir, "traces.jsonl");
    const run = runExample(main, { ...options, env: { ...options.env, OTEL_TRACES_EXPORTER: "file", CALLTREE_FILE: file } });
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // No file: the example exported nothing; the caller's assertions on `spans` say so.
    }
    const spans = text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .flatMap((line) => fromOtlpJson(JSON.parse(line)));
    return { ...run, spans, traces: groupTraces(spans) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The one span named `name`; throws (failing the test) when there is none or more than one. */
export function onlySpan(spans: readonly RenderSpan[], name: string): RenderSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one span named "${name}", found ${found.length} among: ${spans.map((s) => s.name).join(", ")}`);
  }
  return found[0] as RenderSpan;
}

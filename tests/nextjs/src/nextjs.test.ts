// A real Next.js app (next-app/: app router, a route handler and a server action that stream an AI SDK answer
// through @agent → @tool, @llm) built with `next build`, served with `next start` on 127.0.0.1, traced by
// calltree's register() called from instrumentation.ts and exporting OTLP/HTTP to a receiver on 127.0.0.1. The
// model is the local stand-in. Writes docs/runtimes.md's Next.js table; the test fails if the committed table
// differs from this run's (CALLTREE_NEXTJS=update rewrites it).
//
// No timing assertions: the test waits for the receiver to hold complete traces (an orphaned or split trace never
// completes, and the receiver's guard reports it). Times are only compared for order (a span ends after an event).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startStandIn } from "@calltree-internal/llm-stand-in";
import type { StandIn } from "@calltree-internal/llm-stand-in";
import { actionId, callAction } from "./support/action.js";
import { APP_DIR, next, PACKAGE_DIR, start } from "./support/next-app.js";
import type { Server } from "./support/next-app.js";
import { startReceiver } from "@calltree-internal/otlp-receiver";
import type { OtlpReceiver, ReceivedSpan } from "@calltree-internal/otlp-receiver";

const KIND = "openinference.span.kind";
const USAGE = { promptTokens: 11, completionTokens: 7 };
const TOTAL = USAGE.promptTokens + USAGE.completionTokens;
const HOLD = "[hold]";
const CONCURRENT = 12;
/** How long the receiver waits for complete traces before it reports which did not arrive: a guard, not a speed. */
const GUARD_MS = 300_000;

const rows = new Map<string, string>();

let standIn: StandIn;
let receiver: OtlpReceiver;
let server: Server;
let buildOutput = "";

/** The stand-in answers "You said: QUESTION" word by word; questions with [hold] stop after 3 events until release. */
function answerTo(question: string): string {
  return `You said: ${question}`;
}

async function readText(stream: ReadableStream<Uint8Array> | ReadableStream<string>, onChunk?: (text: string) => void): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
    const piece = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    text += piece;
    onChunk?.(piece);
  }
  return text;
}

interface Asking {
  /** Resolves when the client has read the first text. */
  first: Promise<void>;
  /** The text the client has read so far. */
  read: { text: string };
  /** Resolves with the whole text once the response has ended. */
  done: Promise<string>;
}

/** Starts a call of the route handler. */
function askRoute(question: string): Asking {
  let gotFirst!: () => void;
  const first = new Promise<void>((resolve) => (gotFirst = resolve));
  const read = { text: "" };
  const done = (async () => {
    const response = await fetch(`${server.url}/api/chat`, { method: "POST", body: JSON.stringify({ question }), headers: { "content-type": "application/json" } });
    assert.equal(response.status, 200);
    return readText(response.body!, (piece) => {
      read.text += piece;
      gotFirst();
    });
  })();
  return { first, read, done };
}

/** The same through the server action, called as the browser calls it. */
function askAction(question: string): Asking {
  let gotFirst!: () => void;
  const first = new Promise<void>((resolve) => (gotFirst = resolve));
  const read = { text: "" };
  const done = (async () => {
    const result = await callAction(`${server.url}/`, actionId(APP_DIR, "askAction"), [question]);
    assert.ok(result instanceof ReadableStream, "the action's result reaches the client as a ReadableStream");
    return readText(result as ReadableStream<string>, (piece) => {
      read.text += piece;
      gotFirst();
    });
  })();
  return { first, read, done };
}

function traceOf(spans: readonly ReceivedSpan[], traceId: string): ReceivedSpan[] {
  return spans.filter((s) => s.traceId === traceId);
}

function agentSpanOf(spans: readonly ReceivedSpan[], question: string): ReceivedSpan | undefined {
  return spans.find((s) => s.attributes[KIND] === "AGENT" && s.attributes["input.value"] === question);
}

/** A trace is complete when it has the request's root span, the agent, tool and LLM spans, and every parent. */
function complete(spans: readonly ReceivedSpan[], question: string): boolean {
  const agentSpan = agentSpanOf(spans, question);
  if (agentSpan === undefined) return false;
  const trace = traceOf(spans, agentSpan.traceId);
  const ids = new Set(trace.map((s) => s.spanId));
  return trace.some((s) => s.parentSpanId === "") &&
    trace.some((s) => s.attributes[KIND] === "LLM") &&
    trace.some((s) => s.attributes[KIND] === "TOOL") &&
    trace.every((s) => s.parentSpanId === "" || ids.has(s.parentSpanId));
}

interface Checked {
  /** Span names from the trace's root down to the agent span. */
  path: string[];
  trace: ReceivedSpan[];
  agent: ReceivedSpan;
  llm: ReceivedSpan;
  tool: ReceivedSpan;
  root: ReceivedSpan;
}

/** The assertions every request's trace must pass. */
function checkTrace(question: string, text: string): Checked {
  const spans = receiver.spans();
  const agentSpan = agentSpanOf(spans, question)!;
  const trace = traceOf(spans, agentSpan.traceId);
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  assert.equal(byId.size, trace.length, "each span arrives once");
  const roots = trace.filter((s) => s.parentSpanId === "");
  assert.equal(roots.length, 1, "one root per trace");
  for (const s of trace) if (s.parentSpanId !== "") assert.ok(byId.has(s.parentSpanId), `${s.name} has its parent in the trace`);
  assert.equal(trace.filter((s) => s.attributes[KIND] === "AGENT").length, 1, "one agent span: no other request's spans in this trace");
  const llm = trace.filter((s) => s.attributes[KIND] === "LLM");
  const tool = trace.filter((s) => s.attributes[KIND] === "TOOL");
  assert.equal(llm.length, 1);
  assert.equal(tool.length, 1);
  assert.equal(llm[0]!.parentSpanId, agentSpan.spanId);
  assert.equal(tool[0]!.parentSpanId, agentSpan.spanId);
  assert.equal(agentSpan.name, "Assistant.run");
  assert.equal(llm[0]!.name, "Assistant.ask");
  assert.equal(text, answerTo(question), "the client read the whole answer");
  assert.equal(llm[0]!.attributes["output.value"], text, "the LLM span's output is the streamed text, once");
  assert.equal(agentSpan.attributes["output.value"], text, "the agent span's output is the streamed text, once");
  assert.deepEqual(JSON.parse(String(tool[0]!.attributes["input.value"])), { topic: question });
  assert.equal(llm[0]!.attributes["llm.token_count.total"], TOTAL);
  const tokens = trace.reduce((sum, s) => sum + Number(s.attributes["llm.token_count.total"] ?? 0), 0);
  assert.equal(tokens, TOTAL, "tokens are counted once in the trace");
  const path: string[] = [];
  for (let s: ReceivedSpan | undefined = agentSpan; s !== undefined; s = byId.get(s.parentSpanId)) path.unshift(s.name);
  // The model call made through Next's patched fetch nests under the @llm span.
  const fetches = trace.filter((s) => s.scope === "next.js" && s.name.startsWith("fetch POST"));
  for (const f of fetches) assert.equal(f.parentSpanId, llm[0]!.spanId);
  return { path, trace, agent: agentSpan, llm: llm[0]!, tool: tool[0]!, root: roots[0]! };
}

describe("Next.js app router with calltree", { timeout: 600_000 }, () => {
  before(async () => {
    const build = await next(["build", "next-app"]);
    buildOutput = build.output;
    assert.equal(build.code, 0, `next build failed:\n${build.output}`);
    standIn = await startStandIn({
      usage: USAGE,
      fault: (request) => (JSON.stringify(request.body).includes(HOLD) ? { holdAfter: 3 } : undefined),
    });
    receiver = await startReceiver();
    server = await start(APP_DIR, {
      PHOENIX_COLLECTOR_ENDPOINT: receiver.origin,
      OPENAI_BASE_URL: standIn.openaiBaseURL,
      OPENAI_API_KEY: "sk-test-secret-key",
    });
  });

  after(async () => {
    await server?.stop();
    await receiver?.close();
    await standIn?.close();
  });

  test("the route handler and the server action stream the answer; the LLM span ends after the last chunk", async () => {
    // Both requests are held by the stand-in after its first events: the clients have read the first words, the
    // model has not finished. The rest of the answer is written only after release(), so an LLM span whose output is
    // the whole answer was still open when the last chunk came (a span that ended when the method returned would
    // hold at most the words before the hold: attributes written after a span's end are dropped).
    const routeQuestion = `${HOLD} How do route handlers stream?`;
    const actionQuestion = `${HOLD} How do server actions stream?`;
    const route = askRoute(routeQuestion);
    const action = askAction(actionQuestion);
    await Promise.all([route.first, action.first]);
    const beforeRelease = [route.read.text, action.read.text];
    // Date.now() and the spans' clock (OpenTelemetry anchors each span to Date.now()) count whole milliseconds.
    const releasedNs = (BigInt(Date.now()) - 1n) * 1_000_000n;
    standIn.release();
    const [routeText, actionText] = await Promise.all([route.done, action.done]);
    await receiver.waitFor((spans) => complete(spans, routeQuestion) && complete(spans, actionQuestion), GUARD_MS);

    const r = checkTrace(routeQuestion, routeText);
    const a = checkTrace(actionQuestion, actionText);
    [r, a].forEach((c, i) => {
      const early = beforeRelease[i]!;
      assert.ok(early.length > 0 && early.length < c.llm.attributes["output.value"]!.toString().length, `held after ${JSON.stringify(early)}`);
      assert.ok(BigInt(c.llm.endTimeUnixNano) >= releasedNs, "the LLM span ends after the stand-in wrote the last chunk");
      // The agent returned the answer as a stream too: its span also lasts until the response has been streamed.
      assert.ok(BigInt(c.agent.endTimeUnixNano) >= releasedNs, "the agent span ends after the last chunk");
      assert.ok(c.llm.events.some((e) => e.name === "First Token Stream Event"));
    });
    for (const c of [r, a]) {
      assert.equal(c.root.scope, "next.js");
      assert.equal(c.root.attributes["next.span_type"], "BaseServer.handleRequest");
    }
    const flow = (c: Checked) => c.path.map((n) => `\`${n}\``).join(" → ");
    // The response ends after the agent's stream (its body), so Next's span of the request covers the streaming; at
    // the clocks' millisecond resolution.
    const rootEnds = (c: Checked) =>
      BigInt(c.root.endTimeUnixNano) + 1_000_000n >= BigInt(c.agent.endTimeUnixNano) ? "ends after the stream" : "ends before the stream";
    rows.set(
      "Route handler streaming an AI SDK answer (`POST /api/chat`)",
      `✅ one trace per request: ${flow(r)} → \`Assistant.notes\` (tool), \`Assistant.ask\` (LLM) → Next's \`fetch POST …\`; Next's root span ${rootEnds(r)}`,
    );
    rows.set(
      "Server action streaming an AI SDK answer (a `ReadableStream` result)",
      `✅ one trace per request: ${flow(a)} → \`Assistant.notes\` (tool), \`Assistant.ask\` (LLM) → Next's \`fetch POST …\`; Next's root span ${rootEnds(a)}`,
    );
    rows.set(
      "`@llm` span of a streamed answer",
      "✅ ends after the last chunk (checked against a stream held by the model), output is the streamed text once, tokens counted once in the trace",
    );
  });

  test(`${CONCURRENT} concurrent requests (route handler and server action) give ${CONCURRENT} traces with no cross-talk`, async () => {
    const questions = Array.from({ length: CONCURRENT }, (_, i) => `Question ${i} from client ${i % 2 === 0 ? "route" : "action"} ${"x".repeat(i)}`);
    const calls = questions.map((q, i) => (i % 2 === 0 ? askRoute(q) : askAction(q)));
    const texts = await Promise.all(calls.map((c) => c.done));
    await receiver.waitFor((spans) => questions.every((q) => complete(spans, q)), GUARD_MS);
    const traceIds = new Set<string>();
    questions.forEach((q, i) => traceIds.add(checkTrace(q, texts[i]!).root.traceId));
    assert.equal(traceIds.size, CONCURRENT);
    rows.set(`${CONCURRENT} concurrent requests, route handler and server action mixed`, `✅ ${CONCURRENT} traces, each with its own request's spans only`);
  });

  test("next build minifies class names: a method's span is named by its `name` option, not its class", () => {
    const tool = receiver.spans().find((s) => s.attributes[KIND] === "TOOL")!;
    assert.match(tool.name, /\.notes$/);
    assert.notEqual(tool.name, "Assistant.notes", "the class name survived minification: the docs' advice is out of date");
    assert.equal(tool.attributes["tool.name"], "notes");
    rows.set(
      "Span names of decorated methods after `next build`",
      "⚠️ `next build` minifies server code, so `Assistant.notes` becomes a mangled name such as `xp.notes` (`tool.name` stays `notes`): give spans a `name` (`@agent({ name: \"Assistant.run\" })`)",
    );
  });

  test('decorators with "experimentalDecorators": true work in the app (tsconfig.json)', () => {
    const config = JSON.parse(readFileSync(join(APP_DIR, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    assert.equal(config.compilerOptions.experimentalDecorators, true);
    assert.ok(receiver.spans().some((s) => s.name === "Assistant.run"), "the decorated methods made spans");
    rows.set('Decorators, tsconfig `"experimentalDecorators": true`', "✅ works");
  });

  test("decorators without experimentalDecorators fail `next build` with calltree's advice", async () => {
    const build = await next(["build", "fixtures/standard-decorators"]);
    assert.notEqual(build.code, 0, "the build should fail: Next compiles these decorators as the 2018-09 proposal");
    assert.match(build.output, /UNSUPPORTED_DECORATOR_MODE|2018-09-proposal decorator/);
    assert.match(build.output, /"experimentalDecorators": true/);
    assert.match(build.output, /tool\.wrap\(fn\)/);
    rows.set(
      "Decorators, tsconfig without `experimentalDecorators` (standard decorators)",
      '❌ not supported: Next\'s SWC compiles them as the 2018-09 proposal; `next build` stops with calltree\'s message: set `"experimentalDecorators": true`, or use `kind.wrap(fn)`',
    );
  });

  test("calltree doctor: on the app, no failure and the advice on minified names; on standard decorators, the same fix as the build", () => {
    const doctor = (dir: string) => {
      const env = { ...process.env };
      for (const key of ["PHOENIX_COLLECTOR_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]) delete env[key];
      return spawnSync(process.execPath, [join(PACKAGE_DIR, "node_modules/@calltree/cli/dist/esm/bin.js"), "doctor", dir], { encoding: "utf8", env });
    };
    const app = doctor(APP_DIR);
    assert.equal(app.status, 0, app.stdout + app.stderr);
    assert.match(app.stdout, /legacy decorators \(experimentalDecorators\)/);
    assert.match(app.stdout, /minifies server code/);
    assert.doesNotMatch(app.stdout, /instrumentation\.ts/, "the app's instrumentation.ts loads calltree");
    const standard = doctor(join(PACKAGE_DIR, "fixtures/standard-decorators"));
    assert.equal(standard.status, 1, standard.stdout + standard.stderr);
    assert.match(standard.stdout, /FAIL {2}tsconfig\.json: a Next\.js project with standard decorators/);
    assert.match(standard.stdout, /fix: set "experimentalDecorators": true in tsconfig\.json, or use kind\.wrap\(fn\)/);
    assert.match(standard.stdout, /no instrumentation\.ts/);
    rows.set(
      "`npx calltree doctor` on a Next.js app",
      '✅ recognises Next.js (`next` in package.json or a `next.config.*`): standard decorators are a failure with the fix `"experimentalDecorators": true`; it warns about minified class names and a missing `instrumentation.ts`',
    );
  });

  test("Next's own traces outside requests (start-up, loading routes) hold no calltree span; register() ran before the first request", () => {
    const traces = new Map<string, ReceivedSpan[]>();
    for (const s of receiver.spans()) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
    const requestRoots: ReceivedSpan[] = [];
    let others = 0;
    for (const spans of traces.values()) {
      if (spans.some((s) => s.attributes[KIND] === "AGENT")) {
        requestRoots.push(spans.find((s) => s.parentSpanId === "")!);
        continue;
      }
      others++;
      for (const s of spans) assert.equal(s.scope, "next.js", `${s.name} outside a request trace is Next's`);
    }
    assert.ok(others > 0);
    const names = new Set(receiver.spans().filter((s) => !requestRoots.some((r) => r.traceId === s.traceId)).map((s) => s.name));
    assert.ok(names.has("load route module") && names.has("register instrumentation"), [...names].join(", "));
    const registered = receiver.spans().find((s) => s.name === "register instrumentation")!;
    const firstRequest = requestRoots.reduce((min, s) => (BigInt(s.startTimeUnixNano) < min ? BigInt(s.startTimeUnixNano) : min), BigInt(requestRoots[0]!.startTimeUnixNano));
    assert.ok(BigInt(registered.endTimeUnixNano) <= firstRequest + 1_000_000n, "instrumentation's register() had returned before the first request began");
    assert.match(readFileSync(join(APP_DIR, "next.config.mjs"), "utf8"), /^\/\*\* @type \{import\("next"\)\.NextConfig\} \*\/\nexport default \{\};\n$/, "next.config needs nothing for calltree");
  });

  test("docs/runtimes.md's Next.js recipe shows the app's files as they are", () => {
    const page = readFileSync(join(PACKAGE_DIR, "../../docs/runtimes.md"), "utf8");
    const marker = /<!-- not-checked: the file (next-app\/\S+) of tests\/nextjs, which next build compiles and the suite compares with this block -->\n```\w+\n([\s\S]*?)\n```\n/g;
    const shown = [...page.matchAll(marker)].map((m) => [m[1]!, m[2]!] as const);
    assert.deepEqual(shown.map(([file]) => file), [
      "next-app/instrumentation.ts",
      "next-app/tsconfig.json",
      "next-app/lib/assistant.ts",
      "next-app/app/api/chat/route.ts",
      "next-app/app/actions.ts",
    ]);
    for (const [file, code] of shown) assert.equal(`${code}\n`, readFileSync(join(PACKAGE_DIR, file), "utf8"), `docs/runtimes.md's ${file} differs from the app's`);
  });

  test("instrumentation.ts: register() runs once per server process, traces go to the OTLP endpoint", () => {
    assert.match(server.output(), /\[calltree\] traces → http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(http\/protobuf, project "nextjs-app"\)/);
    assert.equal(server.output().match(/\[calltree\] traces →/g)?.length, 1);
    assert.ok(receiver.requests.every((r) => r.contentType === "application/x-protobuf"));
    assert.ok(!JSON.stringify(receiver.spans().map((s) => s.attributes)).includes("sk-test-secret-key"), "the API key is in no span");
    assert.doesNotMatch(buildOutput, /\[calltree\]/, "next build itself does not register tracing");
    rows.set(
      "`register()` from `instrumentation.ts` (Node runtime)",
      "✅ called once per `next start` process, and returns before the first request; exports OTLP/HTTP protobuf; Next's own spans (scope `next.js`) go through it too and hold calltree's spans",
    );
  });

  test("docs/runtimes.md's Next.js table is this run's", () => {
    const order = [
      "Route handler streaming an AI SDK answer (`POST /api/chat`)",
      "Server action streaming an AI SDK answer (a `ReadableStream` result)",
      "`@llm` span of a streamed answer",
      `${CONCURRENT} concurrent requests, route handler and server action mixed`,
      "`register()` from `instrumentation.ts` (Node runtime)",
      'Decorators, tsconfig `"experimentalDecorators": true`',
      "Decorators, tsconfig without `experimentalDecorators` (standard decorators)",
      "Span names of decorated methods after `next build`",
      "`npx calltree doctor` on a Next.js app",
    ];
    const lines = ["| Next.js 16.5 (`next build` + `next start`, Node) | Result |", "| --- | --- |"];
    for (const name of order) lines.push(`| ${name} | ${rows.get(name) ?? "❌ failed in this run"} |`);
    const START = "<!-- nextjs-matrix:start (written by tests/nextjs; CALLTREE_NEXTJS=update rewrites it) -->";
    const END = "<!-- nextjs-matrix:end -->";
    const docsPage = join(PACKAGE_DIR, "../../docs/runtimes.md");
    const page = readFileSync(docsPage, "utf8");
    const from = page.indexOf(START);
    const to = page.indexOf(END);
    assert.ok(from >= 0 && to > from, "docs/runtimes.md has the nextjs-matrix markers");
    const current = page.slice(from, to + END.length);
    const generated = `${START}\n${lines.join("\n")}\n${END}`;
    if (process.env.CALLTREE_NEXTJS === "update") {
      writeFileSync(docsPage, page.replace(current, generated));
      return;
    }
    assert.equal(current, generated, "docs/runtimes.md's Next.js table differs from this run: rerun with CALLTREE_NEXTJS=update and commit it");
  });
});

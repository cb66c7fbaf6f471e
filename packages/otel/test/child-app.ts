// A small app run as a child process by the exit tests: `node child-app.js <mode> <spans>`, with register()'s
// options as JSON in CT_OPTIONS. It prints "ready" on stdout when its spans are made, and, at exit, a JSON line
// with its peak memory and calltree's counters.
import { trace } from "@opentelemetry/api";
import { TRACER_NAME } from "@calltree/core/sdk";
import { register } from "@calltree/otel";

const mode = process.argv[2] ?? "spans";
const count = Number(process.argv[3] ?? "0");
const tracing = register(JSON.parse(process.env.CT_OPTIONS ?? "{}") as never);
const tracer = trace.getTracer(TRACER_NAME);

/** `n` spans in traces of ten: a root with nine children. Synchronous, so all are pending at the end. */
function makeSpans(n: number): void {
  for (let made = 0; made < n; ) {
    tracer.startActiveSpan("agent.run", { attributes: { "openinference.span.kind": "AGENT" } }, (root) => {
      made++;
      for (let i = 0; i < 9 && made < n; i++, made++) {
        const child = tracer.startSpan(`llm.call.${i}`, { attributes: { "openinference.span.kind": "LLM", "input.value": `question ${made}` } });
        child.setAttribute("llm.token_count.total", made);
        child.end();
      }
      root.end();
    });
  }
}

let rssAfterLoop = 0;
process.on("exit", (code) => {
  process.stdout.write(`${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS, rssAfterLoop, stats: tracing.stats() })}\n`);
});

if (process.env.CT_EXIT_CODE) process.exitCode = Number(process.env.CT_EXIT_CODE);

switch (mode) {
  case "spans":
    makeSpans(count);
    break;
  case "burst": {
    // One span per iteration, never yielding: the case that loses spans with OpenTelemetry's default processor.
    for (let i = 0; i < count; i++) {
      const span = tracer.startSpan("burst", { attributes: { "openinference.span.kind": "CHAIN", "input.value": `item ${i}` } });
      span.end();
    }
    rssAfterLoop = process.memoryUsage().rss;
    break;
  }
  case "sigterm":
    makeSpans(count);
    setInterval(() => {}, 1_000);
    process.stdout.write("ready\n");
    break;
  case "sigterm-busy": {
    // Like a server: work goes on after the signal, while calltree flushes. Each round's total goes to stdout
    // (synchronous on a pipe), so the parent knows how many spans ended even when the signal kills the process.
    let made = count;
    makeSpans(count);
    setInterval(() => {
      makeSpans(10);
      made += 10;
      process.stdout.write(`made ${made}\n`);
    }, 1);
    process.stdout.write(`made ${made}\nready\n`);
    break;
  }
  case "sigterm-handled":
    // The app has its own SIGTERM handler: calltree flushes but leaves the ending to it.
    process.on("SIGTERM", () => {
      process.stdout.write("app handler\n");
      setTimeout(() => process.exit(7), 300);
    });
    makeSpans(count);
    setInterval(() => {}, 1_000);
    process.stdout.write("ready\n");
    break;
  case "after-shutdown": {
    // Calls still running when the app shuts tracing down: their spans end after shutdown() resolved.
    const running = Array.from({ length: count }, (_, i) => tracer.startSpan(`still-running.${i}`));
    void tracing.shutdown().then(() => {
      for (const span of running) span.end();
    });
    break;
  }
  case "shutdown":
    // The app shuts tracing down itself, then ends normally.
    makeSpans(count);
    void tracing.shutdown().then(() => process.stdout.write("shut down\n"));
    break;
  case "fire-and-forget":
    // A handler that starts a job and does not await it: the job's span ends after the handler's (its root).
    for (let i = 0; i < count; i++) {
      tracer.startActiveSpan("handler", (root) => {
        const job = tracer.startSpan("background job");
        root.end();
        setImmediate(() => setImmediate(() => job.end()));
      });
    }
    break;
  case "process-exit":
    makeSpans(count);
    process.exit(0);
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}

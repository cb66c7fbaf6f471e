// Shared fixtures for the cli tests: the real `calltree` binary as a child process, and a plain
// OpenTelemetry SDK pointed at it. Every fixture cleans up after itself (`await using`).
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { context, trace } from "@opentelemetry/api";
import type { Span, Tracer } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";

const BIN = fileURLToPath(new URL("../dist/esm/bin.js", import.meta.url));

/** A temporary directory removed on dispose. */
export function tempDir(): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), "calltree-cli-"));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `calltree ...args` to completion, optionally feeding `input` on stdin. */
export function runBin(
  args: string[],
  options: { input?: string | Buffer; cwd?: string; timeoutMs?: number; nodeArgs?: string[]; countStdoutOnly?: boolean } = {},
): Promise<Finished & { stdoutBytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], { cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stdoutBytes = 0;
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdoutBytes += d.length;
      if (!options.countStdoutOnly) stdout += d.toString("utf8");
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`calltree ${args.join(" ")} did not finish; stderr: ${stderr}`));
    }, options.timeoutMs ?? 300_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stdoutBytes, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** `calltree collect` running as a child process on a free port. */
export class CollectProcess {
  stdout = "";
  stderr = "";
  url = "";
  private readonly exited: Promise<Finished>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      child.on("close", (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Starts it and waits for the startup line, from which it reads the URL. */
  static async start(args: string[]): Promise<CollectProcess> {
    const child = spawn(process.execPath, [BIN, "collect", "--port", "0", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    const collect = new CollectProcess(child);
    await collect.waitFor(() => /listening on (\S+)/.test(collect.stderr), "the startup line", 120_000);
    collect.url = /listening on (\S+)/.exec(collect.stderr)?.[1] ?? "";
    return collect;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`calltree collect exited (${this.child.exitCode}) while waiting for ${what}: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Number of trace headers printed so far. */
  get tracesPrinted(): number {
    return (this.stdout.match(/^trace [0-9a-f]{32}/gm) ?? []).length;
  }

  stop(signal: NodeJS.Signals = "SIGINT"): Promise<Finished> {
    if (this.alive) this.child.kill(signal);
    return this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.alive) this.child.kill("SIGKILL");
    await this.exited;
  }
}

export type Protocol = "protobuf" | "json";
type ProtoConfig = NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>;

/** A plain OTel SDK (not registered globally) exporting to `url` over OTLP/HTTP. */
export class Sdk {
  readonly provider: NodeTracerProvider;
  readonly tracer: Tracer;
  readonly memory = new InMemorySpanExporter();

  constructor(options: { url?: string; protocol?: Protocol; gzip?: boolean; batch?: boolean; urls?: Array<{ url: string; protocol: Protocol }>; service?: string }) {
    const targets = options.urls ?? (options.url ? [{ url: options.url, protocol: options.protocol ?? "protobuf" }] : []);
    const processors: SpanProcessor[] = [new SimpleSpanProcessor(this.memory)];
    for (const target of targets) {
      const config = { url: target.url, ...(options.gzip ? { compression: "gzip" as NonNullable<ProtoConfig["compression"]> } : {}) };
      const exporter = target.protocol === "protobuf" ? new ProtoExporter(config) : new JsonExporter(config);
      processors.push(options.batch ? new BatchSpanProcessor(exporter, { maxExportBatchSize: 100, scheduledDelayMillis: 50 }) : new SimpleSpanProcessor(exporter));
    }
    this.provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ "service.name": options.service ?? "cli-test", "openinference.project.name": "calltree" }),
      spanProcessors: processors,
    });
    this.tracer = this.provider.getTracer("calltree-cli-test", "0.0.1");
  }

  /** Starts a span as a child of `parent` (explicit context: nothing is registered globally). */
  start(name: string, parent?: Span, attributes: Record<string, string | number | boolean | string[]> = {}, startTime?: Date): Span {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    return this.tracer.startSpan(name, { attributes, ...(startTime ? { startTime } : {}) }, ctx);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.provider.forceFlush();
    await this.provider.shutdown();
  }
}

/**
 * The agent → llm → tool trace used across tests; returns its trace id. Times are explicit: the SDK
 * clock ticks in milliseconds, and siblings started in the same one would tie.
 */
export function agentTrace(sdk: Sdk): string {
  const t0 = Date.now();
  const at = (ms: number) => new Date(t0 + ms);
  const root = sdk.start("Assistant.run", undefined, { "openinference.span.kind": "AGENT", "input.value": "sk-secret-input" }, at(0));
  const llm = sdk.start("Assistant.ask", root, {
    "openinference.span.kind": "LLM",
    "llm.model_name": "gpt-4o-mini",
    "llm.token_count.prompt": 1000,
    "llm.token_count.completion": 234,
    "llm.token_count.total": 1234,
    "llm.cost.total": 0.000123,
  }, at(1));
  llm.end(at(5));
  const tool = sdk.start("Assistant.weather", root, { "openinference.span.kind": "TOOL" }, at(6));
  tool.setStatus({ code: 2, message: "city not found" });
  tool.end(at(9));
  root.end(at(10));
  return root.spanContext().traceId;
}

/** Removes durations (they vary run to run) from rendered trees. */
export function withoutDurations(text: string): string {
  return text.replace(/ {2}(\d+(\.\d+)?(ns|µs|ms|s)|\d+m \d+s|\d+h \d+m)(?= {2}|$)/gm, "  <d>");
}

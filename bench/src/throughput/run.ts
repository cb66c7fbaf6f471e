import { fileURLToPath } from "node:url";
import { lastJsonLine, runNode } from "../child-process.js";
import { startReceiver } from "@calltree-internal/otlp-receiver";
import type { OtlpReceiver } from "@calltree-internal/otlp-receiver";
import type { ChildReport, Scenario } from "./scenario.js";

/** A throughput scenario's results. */
export interface ThroughputResult {
  id: string;
  title: string;
  pipeline: Scenario["pipeline"];
  exporter: Scenario["exporter"];
  loop: Scenario["loop"];
  spans: number;
  /** Present when the scenario did not run or failed. */
  skipped?: string;
  loopSeconds?: number;
  totalSeconds?: number;
  /** Spans made per second, the final flush included. */
  spansPerSecond?: number;
  peakRssMB?: number;
  /** Spans that reached the exporter (discard) or the OTLP receiver. */
  delivered?: number;
  dropped?: number;
  /** Why spans were dropped, as the pipeline reported it. */
  dropReason?: string;
  pipelineDropped?: number;
  otlpRequests?: number;
  otlpMegabytes?: number;
}

const CHILD = fileURLToPath(new URL("./child.js", import.meta.url));

function describe(s: Omit<Scenario, "id" | "spans">): string {
  const pipeline = s.pipeline === "register" ? "register() default batch pipeline" : "SDK BatchSpanProcessor defaults (no register())";
  const exporter = s.exporter === "discard" ? "discarding exporter" : "OTLP/HTTP protobuf to 127.0.0.1";
  const loop = s.loop === "async"
    ? "awaited async loop"
    : s.loop === "sync"
      ? "sync loop that never yields"
      : "awaited loop yielding every 1,000 calls";
  return `${pipeline} → ${exporter}, ${loop}`;
}

/**
 * The scenarios of item 6 of the issue (register(), awaited and sync loops), a loop that lets the event loop
 * turn as servers do, and the same three without register() (the SDK's BatchSpanProcessor) for comparison.
 */
function scenarios(spans: number): Scenario[] {
  const list: Scenario[] = [];
  for (const pipeline of ["register", "sdk"] as const) {
    // The SDK's scenarios are a comparison with no bar of their own: a quarter of the spans shows the same rate
    // (the loop runs at a steady rate after its first thousands of calls) and the same drops, in a quarter of the
    // time (they took 56 of the throughput part's 144 s).
    const n = pipeline === "sdk" ? Math.max(1, Math.round(spans / SDK_SHARE)) : spans;
    for (const exporter of ["discard", "otlp"] as const) {
      for (const loop of ["async", "sync", "yielding"] as const) list.push({ id: `${pipeline}.${exporter}.${loop}`, pipeline, exporter, loop, spans: n });
    }
  }
  return list;
}
const SDK_SHARE = 4;

async function runChild(scenario: Scenario, log: (line: string) => void): Promise<{ report?: ChildReport; error?: string }> {
  const { code, stdout, stderr } = await runNode([CHILD, JSON.stringify(scenario)], { log });
  try {
    const report = lastJsonLine<ChildReport>(stdout);
    // What the pipeline printed about drops (register() prints one line at `error` level).
    for (const line of stderr.split("\n")) if (/drop/i.test(line)) report.messages.push(line.trim());
    return { report };
  } catch {
    const why = stderr.split("\n").find((l) => /Error|error:/.test(l)) ?? stderr.trim().split("\n").pop();
    return { error: `child exited with ${code}: ${why?.trim() || "no report"}` };
  }
}

function dropReason(s: Scenario, dropped: number, report: ChildReport): string | undefined {
  if (dropped <= 0) return undefined;
  const said = report.messages[0];
  if (s.pipeline === "sdk") {
    const loop = s.loop === "sync"
      ? "this loop never yields"
      : s.loop === "yielding"
      ? "this loop lets the event loop turn only every 1,000 calls"
      : "this loop awaits promises that are already resolved, which runs microtasks only, never the event loop";
    const needs = s.exporter === "otlp" ? "an HTTP response, which needs the event loop" : "the event loop";
    const lost = s.loop === "yielding" ? "spans made while 2,048 were waiting were dropped" : "every span past the queue was dropped";
    return `the SDK's BatchSpanProcessor holds at most 2,048 spans (maxQueueSize) and starts an export only after ` +
      `the previous one completed, which takes ${needs}; ${loop}, so ${lost}${said ? ` ("${said}")` : ""}`;
  }
  return said ?? "no reason reported by the pipeline";
}

/**
 * Runs each scenario in a child process (peak RSS is then the scenario's own) against one OTLP receiver on
 * 127.0.0.1 hosted here, in this process, which otherwise only waits.
 */
export async function runThroughput(spans: number, log: (line: string) => void): Promise<ThroughputResult[]> {
  // Counting, not decoding: the receiver shares the two cores with the process it measures.
  const receiver: OtlpReceiver = await startReceiver(200, { decode: "count" });
  const results: ThroughputResult[] = [];
  try {
    for (const base of scenarios(spans)) {
      const scenario: Scenario = base.exporter === "otlp" ? { ...base, endpoint: receiver.origin } : base;
      receiver.reset();
      const result: ThroughputResult = {
        id: scenario.id,
        title: describe(scenario),
        pipeline: scenario.pipeline,
        exporter: scenario.exporter,
        loop: scenario.loop,
        spans: scenario.spans,
      };
      const { report, error } = await runChild(scenario, log);
      if (report === undefined) {
        result.skipped = error ?? "failed";
      } else {
        const delivered = scenario.exporter === "discard" ? (report.discarded ?? 0) : receiver.spanCount;
        const dropped = scenario.spans - delivered;
        Object.assign(result, {
          loopSeconds: report.loopSeconds,
          totalSeconds: report.totalSeconds,
          spansPerSecond: scenario.spans / report.totalSeconds,
          peakRssMB: report.maxRssKiB / 1024,
          delivered,
          dropped,
        });
        const reason = dropReason(scenario, dropped, report);
        if (reason !== undefined) result.dropReason = reason;
        if (report.pipelineDropped !== undefined) result.pipelineDropped = report.pipelineDropped;
        if (scenario.exporter === "otlp") {
          result.otlpRequests = receiver.requestCount;
          result.otlpMegabytes = receiver.bytes / 2 ** 20;
        }
      }
      log(`  throughput.${scenario.id}: ${result.skipped ?? `${Math.round(result.spansPerSecond ?? 0)} spans/s`}`);
      results.push(result);
    }
  } finally {
    await receiver.close();
  }
  return results;
}

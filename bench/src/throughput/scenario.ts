/** One throughput scenario, run in a child process of its own so that its peak RSS is its own. */
export interface Scenario {
  id: string;
  /** `register`: calltree's `register()` with its default batch pipeline. `sdk`: the SDK's BatchSpanProcessor defaults. */
  pipeline: "register" | "sdk";
  exporter: "discard" | "otlp";
  /**
   * `async`: `await` every call (the promises are already resolved, so only microtasks run: the event loop, and
   * with it any I/O, waits until the loop ends). `sync`: one synchronous loop that never yields. `yielding`: an
   * awaited loop that lets the event loop turn (`setImmediate`) every 1,000 calls, as a busy server does.
   */
  loop: "async" | "sync" | "yielding";
  spans: number;
  /** OTLP receiver base URL, for `exporter: "otlp"`. */
  endpoint?: string;
}

/** What the child reports on its last stdout line. */
export interface ChildReport {
  /** The loop making the spans, and the loop plus the final flush, in seconds. */
  loopSeconds: number;
  totalSeconds: number;
  /** `process.resourceUsage().maxRSS`: the child's peak resident set, in KiB. */
  maxRssKiB: number;
  /** Spans the discarding exporter was handed (discard scenarios). */
  discarded?: number;
  /** What the pipeline says it exported and dropped (`tracing.stats()` for register, diag messages for the SDK). */
  pipelineExported?: number;
  pipelineDropped?: number;
  /** Drop messages the pipeline logged. */
  messages: string[];
}

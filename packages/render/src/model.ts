/**
 * The normalized span every renderer input is turned into. It carries no OpenTelemetry SDK type, so
 * spans read from an SDK `ReadableSpan`, an OTLP/JSON request or a decoded OTLP/protobuf request all
 * look the same ({@link fromReadableSpan}, {@link fromOtlpJson}).
 *
 * Optional keys are left out, never set to `undefined`, so two spans normalized from different sources
 * compare equal with `assert.deepStrictEqual`.
 */
export interface RenderSpan {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** 16 lowercase hex characters; absent on a root span. */
  parentSpanId?: string | undefined;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** OTel attribute values: string, number, boolean or arrays of them (OTLP `kvlistValue` becomes an object). */
  attributes: Record<string, unknown>;
  /** `code`: 0 UNSET, 1 OK, 2 ERROR. */
  status: { code: 0 | 1 | 2; message?: string | undefined };
  events: Array<{ name: string; timeUnixNano: bigint; attributes: Record<string, unknown> }>;
  resource?: Record<string, unknown>;
  scope?: { name: string; version?: string | undefined };
}

/** One span in a trace tree, with its children ordered by start time. */
export interface RenderNode {
  span: RenderSpan;
  children: RenderNode[];
  /**
   * True when the span names a parent that is not among the spans of its trace (the parent never
   * arrived, or arrived in another batch not given here). An orphan is shown at the top level.
   */
  orphan: boolean;
}

/** The spans of one trace arranged as a tree ({@link groupTraces}). */
export interface RenderTrace {
  traceId: string;
  /**
   * Top-level nodes: spans without a parent first, then orphans, each group ordered by start time.
   * Every span of the trace is reachable from exactly one of them.
   */
  roots: RenderNode[];
  /** Number of distinct spans in the trace. */
  spanCount: number;
  /** True when at least one span without a parent (a true root) is present. */
  hasRoot: boolean;
}

/** Totals of one trace ({@link traceTotals}). */
export interface TraceTotals {
  /** From the earliest span start to the latest span end, in nanoseconds (0 when empty). */
  durationNanos: bigint;
  spanCount: number;
  /** Spans with status ERROR. */
  errorCount: number;
  /**
   * Token counts summed over the spans that carry `llm.token_count.*`, counting a span only when none
   * of its descendants carries token counts, so a wrapper that repeats its child's numbers is not
   * counted twice. `undefined` when no span carries token counts.
   */
  tokens?: { prompt: number; completion: number; total: number } | undefined;
  /**
   * Sum of `llm.cost.total`, counted the same way as tokens. `undefined` when no span carries a cost:
   * a cost is never invented.
   */
  cost?: number | undefined;
}

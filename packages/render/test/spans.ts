// Builders for test spans with fixed ids and times, so rendered output can be compared exactly.
import type { RenderSpan } from "../dist/esm/model.js";

export const TRACE_A = "0af7651916cd43dd8448eb211c80319c";
export const TRACE_B = "4bf92f3577b34da6a3ce929d0e0e4736";

/** Span id from a small number: `id(1)` → `0000000000000001`. */
export function id(n: number): string {
  return n.toString(16).padStart(16, "0");
}

export interface TestSpan {
  trace?: string;
  id: number;
  parent?: number | undefined;
  name: string;
  /** Milliseconds from the trace start. */
  start: number;
  end: number;
  attributes?: Record<string, unknown>;
  error?: string | undefined;
}

const EPOCH = 1_700_000_000_000_000_000n;

export function span(s: TestSpan): RenderSpan {
  return {
    traceId: s.trace ?? TRACE_A,
    spanId: id(s.id),
    ...(s.parent !== undefined ? { parentSpanId: id(s.parent) } : {}),
    name: s.name,
    startTimeUnixNano: EPOCH + BigInt(Math.round(s.start * 1e6)),
    endTimeUnixNano: EPOCH + BigInt(Math.round(s.end * 1e6)),
    attributes: s.attributes ?? {},
    status: s.error !== undefined ? { code: 2, ...(s.error ? { message: s.error } : {}) } : { code: 0 },
    events: [],
  };
}

/** The agent → llm → SDK, tool trace the docs show. */
export function agentTrace(trace = TRACE_A): RenderSpan[] {
  return [
    span({ trace, id: 1, name: "Assistant.run", start: 0, end: 1240, attributes: { "openinference.span.kind": "AGENT" } }),
    span({
      trace,
      id: 2,
      parent: 1,
      name: "Assistant.ask",
      start: 10,
      end: 822,
      attributes: {
        "openinference.span.kind": "LLM",
        "llm.model_name": "gpt-4o-mini",
        "llm.token_count.prompt": 1000,
        "llm.token_count.completion": 234,
        "llm.token_count.total": 1234,
        "llm.cost.total": 0.000123,
      },
    }),
    span({
      trace,
      id: 3,
      parent: 2,
      name: "OpenAI Chat Completions",
      start: 20,
      end: 810,
      attributes: {
        "openinference.span.kind": "LLM",
        "llm.model_name": "gpt-4o-mini",
        "llm.token_count.prompt": 1000,
        "llm.token_count.completion": 234,
      },
    }),
    span({ trace, id: 4, parent: 1, name: "Assistant.weather", start: 830, end: 833, attributes: { "openinference.span.kind": "TOOL" }, error: "city not found" }),
  ];
}

/** A root with `n - 1` direct children. */
export function wideTrace(n: number): RenderSpan[] {
  const spans = [span({ id: 1, name: "root", start: 0, end: n })];
  for (let i = 2; i <= n; i++) spans.push(span({ id: i, parent: 1, name: `child ${i}`, start: i, end: i + 0.5 }));
  return spans;
}

/** A chain `depth` spans deep. */
export function deepTrace(depth: number): RenderSpan[] {
  const spans: RenderSpan[] = [];
  for (let i = 1; i <= depth; i++) {
    spans.push(span({ id: i, parent: i > 1 ? i - 1 : undefined, name: `level ${i - 1}`, start: i, end: 2 * depth - i }));
  }
  return spans;
}

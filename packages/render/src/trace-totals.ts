import type { RenderNode, RenderSpan, RenderTrace, TraceTotals } from "./model.js";
import { costOf, tokensOf } from "./internal/attributes.js";

/** Every span of a grouped trace, in tree order (iterative: deep trees do not overflow the stack). */
export function spansOf(trace: RenderTrace): RenderSpan[] {
  const out: RenderSpan[] = [];
  const stack: RenderNode[] = [...trace.roots].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    out.push(node.span);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as RenderNode);
  }
  return out;
}

/**
 * Totals over the spans of one trace (or of several, summed): wall-clock duration from the earliest
 * start to the latest end, span count, error count, and the token counts and cost described on
 * {@link TraceTotals} (innermost spans that carry them; no cost when none is recorded).
 * Duplicate spans (same trace and span id) count once.
 */
export function traceTotals(input: Iterable<RenderSpan> | RenderTrace): TraceTotals {
  const spans = new Map<string, RenderSpan>();
  for (const span of isTrace(input) ? spansOf(input) : input) {
    const key = `${span.traceId}/${span.spanId}`;
    if (!spans.has(key)) spans.set(key, span);
  }
  let start: bigint | undefined;
  let end: bigint | undefined;
  let errorCount = 0;
  const withTokens: string[] = [];
  const withCost: string[] = [];
  for (const [key, span] of spans) {
    if (start === undefined || span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (end === undefined || span.endTimeUnixNano > end) end = span.endTimeUnixNano;
    if (span.status.code === 2) errorCount++;
    if (tokensOf(span)) withTokens.push(key);
    if (costOf(span) !== undefined) withCost.push(key);
  }

  let tokens: TraceTotals["tokens"];
  for (const key of innermost(withTokens, spans)) {
    const t = tokensOf(spans.get(key) as RenderSpan);
    if (!t) continue;
    tokens ??= { prompt: 0, completion: 0, total: 0 };
    tokens.prompt += t.prompt;
    tokens.completion += t.completion;
    tokens.total += t.total;
  }
  let cost: number | undefined;
  for (const key of innermost(withCost, spans)) {
    cost = (cost ?? 0) + (costOf(spans.get(key) as RenderSpan) ?? 0);
  }

  const durationNanos = start !== undefined && end !== undefined && end > start ? end - start : 0n;
  const totals: TraceTotals = { durationNanos, spanCount: spans.size, errorCount };
  if (tokens) totals.tokens = tokens;
  if (cost !== undefined) totals.cost = cost;
  return totals;
}

function isTrace(input: Iterable<RenderSpan> | RenderTrace): input is RenderTrace {
  return typeof input === "object" && input !== null && "roots" in input && Array.isArray(input.roots);
}

/**
 * The keys among `marked` with no marked descendant. Each marked span marks its ancestors; the walk
 * up stops at the first ancestor already marked, so the whole pass is linear in the span count.
 */
function innermost(marked: string[], spans: Map<string, RenderSpan>): string[] {
  if (marked.length <= 1) return marked;
  const hasMarkedDescendant = new Set<string>();
  for (const key of marked) {
    let span = spans.get(key);
    while (span?.parentSpanId !== undefined) {
      const parentKey = `${span.traceId}/${span.parentSpanId}`;
      if (hasMarkedDescendant.has(parentKey)) break;
      hasMarkedDescendant.add(parentKey);
      span = spans.get(parentKey);
    }
  }
  return marked.filter((key) => !hasMarkedDescendant.has(key));
}

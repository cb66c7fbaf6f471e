import type { RenderNode, RenderSpan, RenderTrace } from "./model.js";

/**
 * Start time, then end time, then span id: SDK clocks often tick in whole milliseconds, so siblings
 * tie, and the tie must not be broken by arrival order, which differs between runs and transports.
 */
function byStart(a: RenderNode, b: RenderNode): number {
  const x = a.span;
  const y = b.span;
  if (x.startTimeUnixNano !== y.startTimeUnixNano) return x.startTimeUnixNano < y.startTimeUnixNano ? -1 : 1;
  if (x.endTimeUnixNano !== y.endTimeUnixNano) return x.endTimeUnixNano < y.endTimeUnixNano ? -1 : 1;
  return x.spanId < y.spanId ? -1 : x.spanId > y.spanId ? 1 : 0;
}

/**
 * Groups spans into traces and each trace into a tree.
 *
 * - Traces are ordered by their earliest span start (ties: by trace id).
 * - In a trace, spans without a parent come first, then orphans (spans whose parent is not among the
 *   given spans), each marked `orphan: true`; children are ordered by start time (ties: by end time,
 *   then span id). The result does not depend on the order the spans are given in.
 * - A span id seen twice in one trace is kept once (the first one): exporters may retry a batch.
 * - Malformed parent links (a span its own parent, or a cycle) cannot hide spans: the cycle is cut and
 *   its earliest span becomes an orphan, so every span appears exactly once.
 *
 * Iterative throughout: a trace 100,000 spans deep does not overflow the stack.
 */
export function groupTraces(spans: Iterable<RenderSpan>): RenderTrace[] {
  const byTrace = new Map<string, Map<string, RenderNode>>();
  for (const span of spans) {
    let nodes = byTrace.get(span.traceId);
    if (!nodes) {
      nodes = new Map();
      byTrace.set(span.traceId, nodes);
    }
    if (!nodes.has(span.spanId)) nodes.set(span.spanId, { span, children: [], orphan: false });
  }
  const traces: Array<{ trace: RenderTrace; start: bigint }> = [];
  for (const [traceId, nodes] of byTrace) {
    traces.push({ trace: buildTree(traceId, nodes), start: earliestStart(nodes) });
  }
  traces.sort((a, b) =>
    a.start !== b.start ? (a.start < b.start ? -1 : 1) : a.trace.traceId < b.trace.traceId ? -1 : a.trace.traceId > b.trace.traceId ? 1 : 0,
  );
  return traces.map((t) => t.trace);
}

function earliestStart(nodes: Map<string, RenderNode>): bigint {
  let min: bigint | undefined;
  for (const node of nodes.values()) {
    if (min === undefined || node.span.startTimeUnixNano < min) min = node.span.startTimeUnixNano;
  }
  return min ?? 0n;
}

function buildTree(traceId: string, nodes: Map<string, RenderNode>): RenderTrace {
  const roots: RenderNode[] = [];
  const orphans: RenderNode[] = [];
  const parentOf = new Map<RenderNode, RenderNode>();
  for (const node of nodes.values()) {
    const parentId = node.span.parentSpanId;
    if (parentId === undefined) {
      roots.push(node);
      continue;
    }
    const parent = nodes.get(parentId);
    if (parent && parent !== node) {
      parent.children.push(node);
      parentOf.set(node, parent);
    } else {
      node.orphan = true;
      orphans.push(node);
    }
  }
  roots.sort(byStart);
  orphans.sort(byStart);

  const seen = new Set<RenderNode>();
  const visit = (top: RenderNode): void => {
    const stack = [top];
    for (let node = stack.pop(); node; node = stack.pop()) {
      seen.add(node);
      for (const child of node.children) stack.push(child);
    }
  };
  for (const top of roots) visit(top);
  for (const top of orphans) visit(top);

  if (seen.size < nodes.size) {
    // What is left hangs in parent cycles (or below one). Cut each cycle at its earliest span.
    const stranded = [...nodes.values()].filter((n) => !seen.has(n)).sort(byStart);
    const cut: RenderNode[] = [];
    for (const start of stranded) {
      if (seen.has(start)) continue;
      const path = new Set<RenderNode>();
      let node: RenderNode | undefined = start;
      while (node && !path.has(node)) {
        path.add(node);
        node = parentOf.get(node);
      }
      if (!node) continue;
      // `node` is on the cycle: walk it once to find its earliest member.
      let earliest = node;
      for (let n = parentOf.get(node); n && n !== node; n = parentOf.get(n)) {
        if (n.span.startTimeUnixNano < earliest.span.startTimeUnixNano) earliest = n;
      }
      const parent = parentOf.get(earliest);
      if (parent) parent.children = parent.children.filter((c) => c !== earliest);
      parentOf.delete(earliest);
      earliest.orphan = true;
      cut.push(earliest);
      visit(earliest);
    }
    orphans.push(...cut);
    orphans.sort(byStart);
  }

  for (const node of nodes.values()) {
    if (node.children.length > 1) node.children.sort(byStart);
  }
  return { traceId, roots: [...roots, ...orphans], spanCount: nodes.size, hasRoot: roots.length > 0 };
}

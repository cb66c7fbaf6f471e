import type { RenderNode, RenderSpan, RenderTrace } from "./model.js";
import { groupTraces } from "./group-traces.js";
import { traceTotals } from "./trace-totals.js";
import { costOf, errorMessageOf, kindOf, modelOf, tokensOf } from "./internal/attributes.js";
import type { Paint, Palette } from "./internal/ansi.js";
import { COLOR, NO_COLOR } from "./internal/ansi.js";
import { formatCost, formatDuration, groupDigits, plural, sanitize } from "./format.js";

/** How a trace is drawn. Every limit folds what it hides into one `… N more spans` line. */
export interface RenderOptions {
  /** ANSI colours. Default `false`; callers decide (e.g. `process.stdout.isTTY`). */
  color?: boolean | undefined;
  /** Deepest level drawn; top-level spans are depth 0. Deeper spans fold. Default 24. */
  maxDepth?: number | undefined;
  /** Children drawn per span, in start order; the rest fold. Default 100. */
  maxChildren?: number | undefined;
  /** Lines per trace, header and fold lines included (at least 2). Default 500. */
  maxLines?: number | undefined;
}

/** The limits used when {@link RenderOptions} leaves them out. */
export const DEFAULT_RENDER_OPTIONS: Readonly<Required<RenderOptions>> = Object.freeze({
  color: false,
  maxDepth: 24,
  maxChildren: 100,
  maxLines: 500,
});

const MAX_NAME = 120;
const MAX_MODEL = 60;
const MAX_ERROR = 160;

/**
 * Renders one trace as a text tree: a header line (`trace <id>`, span count, duration, tokens, cost,
 * errors) and one line per span (tree guides, kind, name, duration, model, tokens, cost, error
 * message; orphans are marked). Prints nothing else from a span: no input, output or other attribute.
 *
 * Given spans rather than a grouped trace, it groups them first; spans of several traces render as
 * {@link renderTraces} would. Returns the lines joined by `\n`, without a trailing newline, or `""`
 * when there are no spans. Output is deterministic for the same spans and options.
 */
export function renderTrace(input: RenderTrace | Iterable<RenderSpan>, options?: RenderOptions): string {
  if (isTrace(input)) return renderOne(input, options);
  return renderTraces(groupTraces(input), options);
}

/**
 * Renders several traces (grouped, or as spans to group) with {@link renderTrace}, separated by an
 * empty line.
 */
export function renderTraces(input: Iterable<RenderTrace> | Iterable<RenderSpan>, options?: RenderOptions): string {
  const items = [...input] as Array<RenderTrace | RenderSpan>;
  const traces = items.every(isTrace) ? (items as RenderTrace[]) : groupTraces(items as RenderSpan[]);
  return traces
    .map((trace) => renderOne(trace, options))
    .filter((text) => text !== "")
    .join("\n\n");
}

function isTrace(value: unknown): value is RenderTrace {
  return typeof value === "object" && value !== null && Array.isArray((value as RenderTrace).roots);
}

function limit(value: number | undefined, fallback: number, min: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback;
  return Math.max(min, Math.floor(value));
}

function renderOne(trace: RenderTrace, options: RenderOptions | undefined): string {
  if (trace.spanCount === 0 || trace.roots.length === 0) return "";
  const palette = options?.color ? COLOR : NO_COLOR;
  const maxDepth = limit(options?.maxDepth, DEFAULT_RENDER_OPTIONS.maxDepth, 0);
  const maxChildren = limit(options?.maxChildren, DEFAULT_RENDER_OPTIONS.maxChildren, 1);
  const maxLines = limit(options?.maxLines, DEFAULT_RENDER_OPTIONS.maxLines, 2);

  const out = [header(trace, palette)];
  const spansPerLine = [0];
  let shownSpans = 0;
  for (const line of treeLines(trace, palette, maxDepth, maxChildren)) {
    if (out.length === maxLines) {
      // No room left: the last line becomes the note for everything not shown.
      out.pop();
      shownSpans -= spansPerLine.pop() ?? 0;
      out.push(foldNote("", trace.spanCount - shownSpans, palette));
      break;
    }
    out.push(line.text);
    spansPerLine.push(line.spans);
    shownSpans += line.spans;
  }
  return out.join("\n");
}

function header(trace: RenderTrace, p: Palette): string {
  const totals = traceTotals(trace);
  const parts = [p.bold(`trace ${trace.traceId}`), plural(totals.spanCount, "span"), p.dim(formatDuration(totals.durationNanos))];
  if (totals.tokens) {
    const t = totals.tokens;
    parts.push(`${groupDigits(t.total)} tok (${groupDigits(t.prompt)} in, ${groupDigits(t.completion)} out)`);
  }
  if (totals.cost !== undefined) parts.push(p.green(formatCost(totals.cost)));
  if (totals.errorCount > 0) parts.push(p.red(plural(totals.errorCount, "error")));
  if (!trace.hasRoot) parts.push(p.yellow("(root span not received)"));
  return parts.join("  ");
}

// A Map, not an object literal: a kind read from a span ("constructor", "toString") must not find Object's own
// properties.
const KIND_COLORS: ReadonlyMap<string, keyof Palette> = new Map([
  ["AGENT", "blue"],
  ["LLM", "magenta"],
  ["TOOL", "yellow"],
  ["CHAIN", "cyan"],
  ["RETRIEVER", "green"],
  ["RERANKER", "green"],
  ["EMBEDDING", "green"],
  ["GUARDRAIL", "red"],
  ["EVALUATOR", "cyan"],
  ["PROMPT", "cyan"],
]);

function spanLine(node: RenderNode, p: Palette): string {
  const span = node.span;
  const kind = kindOf(span);
  const color = kind ? KIND_COLORS.get(kind) : undefined;
  const paintKind: Paint = color !== undefined ? p[color] : p.bold;
  let head = sanitize(span.name, MAX_NAME) || "(unnamed)";
  if (kind) head = `${paintKind(sanitize(kind, 20))} ${head}`;
  const parts = [head, p.dim(formatDuration(span.endTimeUnixNano - span.startTimeUnixNano))];
  const model = modelOf(span);
  if (model) parts.push(p.cyan(sanitize(model, MAX_MODEL)));
  const tokens = tokensOf(span);
  if (tokens) {
    parts.push(
      tokens.split
        ? `${groupDigits(tokens.total)} tok (${groupDigits(tokens.prompt)} in, ${groupDigits(tokens.completion)} out)`
        : `${groupDigits(tokens.total)} tok`,
    );
  }
  const cost = costOf(span);
  if (cost !== undefined) parts.push(p.green(formatCost(cost)));
  const error = errorMessageOf(span);
  if (error !== undefined) parts.push(p.red(error ? `ERROR: ${sanitize(error, MAX_ERROR)}` : "ERROR"));
  if (node.orphan) parts.push(p.yellow(`(orphan: parent ${span.parentSpanId ?? "?"} missing)`));
  return parts.join("  ");
}

function foldNote(prefix: string, count: number, p: Palette): string {
  return p.dim(`${prefix}… ${plural(count, "more span")}`);
}

interface Line {
  text: string;
  /** How many spans the line stands for: 1 for a span, N for a fold note. */
  spans: number;
}

type Frame =
  | { node: RenderNode; depth: number; prefix: string; childPrefix: string }
  | { note: number; prefix: string };

/** Sizes of every subtree, computed bottom-up without recursion. */
function subtreeSizes(trace: RenderTrace): Map<RenderNode, number> {
  const order: RenderNode[] = [];
  const stack = [...trace.roots];
  for (let node = stack.pop(); node; node = stack.pop()) {
    order.push(node);
    for (const child of node.children) stack.push(child);
  }
  const sizes = new Map<RenderNode, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as RenderNode;
    let size = 1;
    for (const child of node.children) size += sizes.get(child) ?? 1;
    sizes.set(node, size);
  }
  return sizes;
}

function* treeLines(trace: RenderTrace, p: Palette, maxDepth: number, maxChildren: number): Generator<Line> {
  const sizes = subtreeSizes(trace);
  const stack: Frame[] = [];
  for (let i = trace.roots.length - 1; i >= 0; i--) {
    stack.push({ node: trace.roots[i] as RenderNode, depth: 0, prefix: "", childPrefix: "" });
  }
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    if ("note" in frame) {
      yield { text: foldNote(frame.prefix, frame.note, p), spans: frame.note };
      continue;
    }
    const { node, depth, childPrefix } = frame;
    yield { text: p.dim(frame.prefix) + spanLine(node, p), spans: 1 };
    const children = node.children;
    if (children.length === 0) continue;
    if (depth >= maxDepth) {
      stack.push({ note: (sizes.get(node) ?? 1) - 1, prefix: `${childPrefix}└─ ` });
      continue;
    }
    const shown = Math.min(children.length, maxChildren);
    if (shown < children.length) {
      let hidden = 0;
      for (let i = shown; i < children.length; i++) hidden += sizes.get(children[i] as RenderNode) ?? 1;
      stack.push({ note: hidden, prefix: `${childPrefix}└─ ` });
    }
    for (let i = shown - 1; i >= 0; i--) {
      const last = i === children.length - 1;
      stack.push({
        node: children[i] as RenderNode,
        depth: depth + 1,
        prefix: `${childPrefix}${last ? "└─ " : "├─ "}`,
        childPrefix: `${childPrefix}${last ? "   " : "│  "}`,
      });
    }
  }
}

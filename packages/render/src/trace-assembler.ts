import type { RenderSpan } from "./model.js";

/** A trace handed out by {@link TraceAssembler}. */
export interface AssembledTrace {
  traceId: string;
  spans: RenderSpan[];
  /** True when spans of this trace were already handed out before (they arrived after it was printed). */
  late: boolean;
}

/** Options of {@link TraceAssembler}; times are in the unit of the clock passed to `add` and `takeDue`. */
export interface AssemblerOptions {
  /** Wait after the last span of a trace whose root and every parent are in. */
  settle: number;
  /**
   * Wait after the last span of a trace that is still missing its root or some parent (`Infinity`: never). Spans
   * of a trace already handed out wait `settle`.
   */
  quiet: number;
  /** Above this many pending spans, the trace seen least recently is handed out early. */
  maxPendingSpans: number;
}

interface Pending {
  spans: RenderSpan[];
  ids: Set<string>;
  /** Spans waiting for their parent, by the parent's id: kept as they arrive, so no check walks the spans. */
  waitingOn: Map<string, number>;
  missingParents: number;
  hasRoot: boolean;
  /** Spans of a trace already handed out. */
  late: boolean;
  lastSeen: number;
}

/** How many handed-out trace ids are remembered to mark their stragglers as late. */
const REMEMBERED = 10_000;

/**
 * Collects spans per trace until the trace looks complete, on a clock the caller supplies (milliseconds for a
 * receiver or an exporter, spans read for a file viewer). A trace is due `settle` after its last span when its
 * root and every parent it names are present, else `quiet` after its last span. Waiting `settle` after the root
 * is what keeps a span that ends just after its root (a fire-and-forget call) in the same tree; a span that comes
 * later still is handed out on its own, marked `late` ({@link lateSpansNote}).
 */
export class TraceAssembler {
  private readonly pending = new Map<string, Pending>();
  private readonly handedOut = new Set<string>();
  private pendingSpans = 0;

  constructor(private readonly options: AssemblerOptions) {}

  /** Traces pending. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Adds spans seen at time `now`; returns traces pushed out by the memory cap. `isLocalRoot` tells which spans
   * are roots although they name a parent (an exporter knows a span whose parent is in another process).
   */
  add(spans: Iterable<RenderSpan>, now: number, isLocalRoot?: (span: RenderSpan) => boolean): AssembledTrace[] {
    for (const span of spans) {
      let entry = this.pending.get(span.traceId);
      if (entry) {
        // Re-insert so the map stays ordered by last activity, oldest first.
        this.pending.delete(span.traceId);
      } else {
        // Spans of a trace handed out already wait only `settle`: their root and parents were handed out with it.
        const late = this.handedOut.has(span.traceId);
        entry = { spans: [], ids: new Set(), waitingOn: new Map(), missingParents: 0, hasRoot: late, late, lastSeen: now };
      }
      this.pending.set(span.traceId, entry);
      entry.lastSeen = now;
      if (entry.ids.has(span.spanId)) continue;
      entry.ids.add(span.spanId);
      entry.spans.push(span);
      const waiting = entry.waitingOn.get(span.spanId);
      if (waiting !== undefined) {
        entry.waitingOn.delete(span.spanId);
        entry.missingParents -= waiting;
      }
      const parent = span.parentSpanId;
      if (parent === undefined || isLocalRoot?.(span) === true) entry.hasRoot = true;
      else if (!entry.late && !entry.ids.has(parent)) {
        entry.waitingOn.set(parent, (entry.waitingOn.get(parent) ?? 0) + 1);
        entry.missingParents++;
      }
      this.pendingSpans++;
    }
    const evicted: AssembledTrace[] = [];
    while (this.pendingSpans > this.options.maxPendingSpans && this.pending.size > 0) {
      const oldest = this.pending.keys().next().value as string;
      evicted.push(this.take(oldest));
    }
    return evicted;
  }

  /** Hands out, oldest activity first, every trace due at `now`. */
  takeDue(now: number): AssembledTrace[] {
    const due: AssembledTrace[] = [];
    const soonest = Math.min(this.options.settle, this.options.quiet);
    for (const [traceId, entry] of this.pending) {
      if (entry.lastSeen + soonest > now) break;
      if (entry.lastSeen + this.waitFor(entry) <= now) due.push(this.take(traceId));
    }
    return due;
  }

  /** Hands out, oldest activity first, every trace whose root and parents are all in, however recent. */
  takeComplete(): AssembledTrace[] {
    const complete: AssembledTrace[] = [];
    for (const [traceId, entry] of this.pending) {
      if (entry.hasRoot && entry.missingParents === 0) complete.push(this.take(traceId));
    }
    return complete;
  }

  /** Hands out every pending trace, ordered by last activity. */
  takeAll(): AssembledTrace[] {
    return [...this.pending.keys()].map((traceId) => this.take(traceId));
  }

  /** The time at which the next trace may become due, if any trace is pending. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const entry of this.pending.values()) {
      const at = entry.lastSeen + this.waitFor(entry);
      if (Number.isFinite(at) && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  private waitFor(entry: Pending): number {
    return entry.hasRoot && entry.missingParents === 0 ? this.options.settle : this.options.quiet;
  }

  private take(traceId: string): AssembledTrace {
    const entry = this.pending.get(traceId) as Pending;
    this.pending.delete(traceId);
    this.pendingSpans -= entry.spans.length;
    const late = this.handedOut.has(traceId);
    if (!late) {
      this.handedOut.add(traceId);
      if (this.handedOut.size > REMEMBERED) this.handedOut.delete(this.handedOut.values().next().value as string);
    }
    return { traceId, spans: entry.spans, late };
  }
}

/** The line printed above the spans of a trace that arrived after the trace was printed (`late`). */
export function lateSpansNote(traceId: string): string {
  return `(more spans of trace ${traceId}, which was printed above)`;
}

import type { RenderSpan } from "@calltree/render";

/** How a trace was completed when it is handed out. */
export interface AssembledTrace {
  traceId: string;
  spans: RenderSpan[];
  /** True when spans of this trace were already handed out before (they arrived after it was printed). */
  late: boolean;
}

export interface AssemblerOptions {
  /** Wait after the last span of a trace whose root and every parent are in. */
  settle: number;
  /** Wait after the last span of a trace that is still missing its root or some parent. */
  quiet: number;
  /** Above this many pending spans, the trace seen least recently is handed out early. */
  maxPendingSpans: number;
}

interface Pending {
  spans: RenderSpan[];
  ids: Set<string>;
  hasRoot: boolean;
  lastSeen: number;
}

/** How many handed-out trace ids are remembered to mark their stragglers as late. */
const REMEMBERED = 10_000;

/**
 * Collects spans per trace until the trace looks complete, on a clock the caller supplies (milliseconds
 * for the receiver, spans read for the file viewer). A trace is due `settle` after its last span when
 * its root and every parent it names are present, else `quiet` after its last span.
 */
export class TraceAssembler {
  private readonly pending = new Map<string, Pending>();
  private readonly handedOut = new Set<string>();
  private pendingSpans = 0;

  constructor(private readonly options: AssemblerOptions) {}

  get size(): number {
    return this.pending.size;
  }

  /** Adds spans seen at time `now`; returns traces pushed out by the memory cap. */
  add(spans: Iterable<RenderSpan>, now: number): AssembledTrace[] {
    for (const span of spans) {
      let entry = this.pending.get(span.traceId);
      if (entry) {
        // Re-insert so the map stays ordered by last activity, oldest first.
        this.pending.delete(span.traceId);
      } else {
        entry = { spans: [], ids: new Set(), hasRoot: false, lastSeen: now };
      }
      this.pending.set(span.traceId, entry);
      entry.lastSeen = now;
      if (entry.ids.has(span.spanId)) continue;
      entry.ids.add(span.spanId);
      entry.spans.push(span);
      if (span.parentSpanId === undefined) entry.hasRoot = true;
      this.pendingSpans++;
    }
    const evicted: AssembledTrace[] = [];
    while (this.pendingSpans > this.options.maxPendingSpans && this.pending.size > 1) {
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

  /** Hands out every pending trace, ordered by last activity. */
  takeAll(): AssembledTrace[] {
    return [...this.pending.keys()].map((traceId) => this.take(traceId));
  }

  private waitFor(entry: Pending): number {
    if (!entry.hasRoot) return this.options.quiet;
    for (const span of entry.spans) {
      if (span.parentSpanId !== undefined && !entry.ids.has(span.parentSpanId)) return this.options.quiet;
    }
    return this.options.settle;
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

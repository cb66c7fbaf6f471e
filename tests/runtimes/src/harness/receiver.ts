// The OTLP receiver the runtimes export to, behind the small interface the test needs. It is `calltree collect`'s
// receiver (startCollector of @calltree/cli): real OTLP/HTTP on 127.0.0.1, protobuf and JSON.
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { startCollector } from "@calltree/cli";
import type { RenderNode } from "@calltree/render";

/** One span as received. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: unknown;
  input: unknown;
}

export interface Receiver {
  /** The URL to give register({ endpoint }). */
  readonly endpoint: string;
  /** Spans accepted so far (each acknowledged request's spans). */
  spanCount(): number;
  /** Resolves when `count` spans are in, or when `stop` resolves first. */
  waitForSpans(count: number, stop: Promise<unknown>): Promise<void>;
  /** Every span received, grouped by trace id (call after the count is reached). */
  traces(): Map<string, ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const collector = await startCollector({ port: 0, quietMs: 60_000, settleMs: 60_000 });
  const byTrace = new Map<string, Map<string, ReceivedSpan>>();
  collector.onTrace((trace) => {
    let spans = byTrace.get(trace.traceId);
    if (spans === undefined) byTrace.set(trace.traceId, (spans = new Map()));
    const walk = (node: RenderNode) => {
      const s = node.span;
      spans.set(s.spanId, {
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        name: s.name,
        kind: s.attributes[SemanticConventions.OPENINFERENCE_SPAN_KIND],
        input: s.attributes[SemanticConventions.INPUT_VALUE],
      });
      node.children.forEach(walk);
    };
    trace.roots.forEach(walk);
  });
  const waiters = new Set<() => void>();
  // The collector has no per-request event; a short poll of its counter is how the wait sees it (no time is asserted).
  const poll = setInterval(() => waiters.forEach((w) => w()), 50);
  poll.unref();
  return {
    endpoint: collector.url,
    spanCount: () => collector.stats.acceptedSpans,
    waitForSpans: (count, stop) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (collector.stats.acceptedSpans >= count) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        void stop.finally(() => {
          waiters.delete(check);
          resolve();
        });
        check();
      }),
    traces: () => {
      collector.flush();
      return new Map([...byTrace].map(([id, spans]) => [id, [...spans.values()]]));
    },
    close: async () => {
      clearInterval(poll);
      await collector.close();
    },
  };
}

// The OTLP receiver the runtimes export to, behind the small interface the test needs: the suites' shared receiver
// (@calltree-internal/otlp-receiver), real OTLP/HTTP on 127.0.0.1, protobuf and JSON decoded with the official
// definitions.
import { SemanticConventions } from "@arizeai/openinference-semantic-conventions";
import { startReceiver as startOtlpReceiver } from "@calltree-internal/otlp-receiver";

/** One span as received. */
interface ReceivedSpan {
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
  /** Distinct spans acknowledged so far (a span a retry delivered twice counts once). */
  spanCount(): number;
  /** Arrivals of a span beyond its first (retries). */
  duplicates(): number;
  /** Resolves when `count` distinct spans are in, when `stop` resolves first, or at the receiver's guard against a hang. */
  waitForSpans(count: number, stop: Promise<unknown>): Promise<void>;
  /** Every span received, once, grouped by trace id. */
  traces(): Map<string, ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver = await startOtlpReceiver();
  return {
    endpoint: receiver.origin,
    spanCount: () => receiver.acknowledgedIds().size,
    duplicates: () => receiver.duplicateArrivals(),
    waitForSpans: async (count, stop) => {
      // The shared receiver counts arrivals; a retried span would arrive twice, so the wait is for distinct ids.
      const arrived = receiver.waitFor(() => receiver.acknowledgedIds().size >= count).then(() => undefined, () => undefined);
      await Promise.race([arrived, stop]);
    },
    traces: () => {
      const out = new Map<string, ReceivedSpan[]>();
      for (const [traceId, spans] of receiver.traces()) {
        const once = new Map<string, ReceivedSpan>();
        for (const s of spans) {
          once.set(s.spanId, {
            traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId === "" ? undefined : s.parentSpanId,
            name: s.name,
            kind: s.attributes[SemanticConventions.OPENINFERENCE_SPAN_KIND],
            input: s.attributes[SemanticConventions.INPUT_VALUE],
          });
        }
        out.set(traceId, [...once.values()]);
      }
      return out;
    },
    close: () => receiver.close(),
  };
}

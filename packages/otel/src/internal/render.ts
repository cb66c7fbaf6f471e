// The console exporter's rendering: @calltree/render draws the trees (the same ones `calltree view` prints) and
// groups spans into traces (as `calltree collect` does), and spans are slimmed as they arrive, so an unfinished trace
// holds only what its tree shows.
import { fromReadableSpan, lateSpansNote, renderTrace as renderSpans, slimSpan, TraceAssembler } from "@calltree/render";
import type { AssembledTrace, RenderSpan } from "@calltree/render";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

export type { AssembledTrace, RenderSpan };
export { lateSpansNote, TraceAssembler };

/** What the tree needs of `span` (not its inputs and outputs, which can be large). */
export function toRenderSpan(span: ReadableSpan): RenderSpan {
  return slimSpan(fromReadableSpan(span));
}

/** The spans of one trace as a text tree, without a trailing newline; no escape codes unless `color`. */
export function renderTrace(spans: readonly RenderSpan[], options: { color: boolean }): string {
  return renderSpans(spans, { color: options.color });
}

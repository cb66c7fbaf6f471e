import { defineKind } from "@calltree/core/kind";
import type { CommonOptions, Kind } from "@calltree/core/kind";
import { OpenInferenceSpanKind } from "@arizeai/openinference-semantic-conventions";

/** Options of `@chain`: the {@link CommonOptions} every kind takes. */
export type ChainOptions = CommonOptions;

/**
 * `@chain`, `@chain(options)` and `chain.wrap(fn, options)`: a CHAIN span per call, for any step that links other
 * calls (a pipeline, a request handler, a prompt-then-parse step).
 *
 * The span starts when the method is called (as a child of the active span) and the method runs inside it, so
 * the calls it makes nest under it. It ends when the result is complete: at return, when a returned Promise
 * settles, or when a returned stream has been read to its end, broken off or failed. Captured: `input.value`
 * (the arguments) and `output.value` (the result; for streams the collected chunks), with their MIME types,
 * the context attributes (session, user, metadata, tags) and the code location. Errors are recorded (status
 * ERROR, an `exception` event) and rethrown unchanged.
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/chain.md
 */
export const chain: Kind<{}, never> = defineKind({
  name: "chain",
  spanKind: OpenInferenceSpanKind.CHAIN,
});

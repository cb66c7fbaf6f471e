import { defineKind, truncateText } from "@calltree/core/kind";
import type { CommonOptions, Kind } from "@calltree/core/kind";
import type { Attributes } from "@opentelemetry/api";
import { OpenInferenceSpanKind } from "@arizeai/openinference-semantic-conventions";
import { z } from "zod";

// OpenInference defines the GUARDRAIL span kind but no guardrail attributes (spec/semantic_conventions.md as of
// semantic-conventions 2.12.0), so the verdict goes under calltree's own namespace.

/** `calltree.guardrail.passed` (boolean): whether the checked content passed the guardrail. */
export const GUARDRAIL_PASSED = "calltree.guardrail.passed";
/** `calltree.guardrail.reason` (string): why it passed or not, e.g. the policy that was hit. */
export const GUARDRAIL_REASON = "calltree.guardrail.reason";
/** `calltree.guardrail.score` (number): the guardrail's score, e.g. a toxicity probability. */
export const GUARDRAIL_SCORE = "calltree.guardrail.score";

/** A guardrail's verdict, as given to `guardrail.record()` or returned by the `verdict` option. */
export interface GuardrailVerdict {
  /** Whether the checked content passed (true: allowed as is). */
  passed: boolean;
  /** Why: the policy that was hit, the category found, or why it passed. */
  reason?: string;
  /** A score, e.g. the probability of a category; recorded when it is a finite number. */
  score?: number;
}

// Each option is written once, its check beside its TSDoc; the options type is an interface over this shape's input
// (an interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of
// an object literal's properties, not of the type z.object() maps them to.
const guardrailOptionsShape = {
  /**
   * Reads the verdict from the guardrail's result when it is not `true`/`false` or `{ passed, … }`, e.g.
   * `verdict: (r) => ({ passed: !r.flagged, reason: r.categories.join(", ") })`. Returning `undefined` records no
   * verdict. Runs inside a guard: if it throws, no verdict is recorded and the call goes on.
   */
  verdict: z
    .custom<(result: any) => GuardrailVerdict | undefined>((v) => typeof v === "function", {
      message: "expected a function from the guardrail's result to { passed, reason?, score? }",
    })
    .optional(),
};

/** The options only `@guardrail` has; see {@link GuardrailOptions}. */
export interface GuardrailKindOptions extends z.input<z.ZodObject<typeof guardrailOptionsShape>> {}

/** Options of `@guardrail(options)` and `guardrail.wrap(fn, options)`: {@link GuardrailKindOptions} plus {@link CommonOptions}. */
export type GuardrailOptions = GuardrailKindOptions & CommonOptions;

interface GuardrailCallData {
  recorded: boolean;
}

function verdictAttributes(verdict: unknown): Attributes | undefined {
  if (typeof verdict !== "object" || verdict === null) return undefined;
  const v = verdict as Partial<Record<keyof GuardrailVerdict, unknown>>;
  if (typeof v.passed !== "boolean") return undefined;
  const attributes: Attributes = { [GUARDRAIL_PASSED]: v.passed };
  if (typeof v.reason === "string") attributes[GUARDRAIL_REASON] = truncateText(v.reason);
  if (typeof v.score === "number" && Number.isFinite(v.score)) attributes[GUARDRAIL_SCORE] = v.score;
  return attributes;
}

/** The verdict a result shows by itself: a boolean, or an object with a boolean `passed`. */
function verdictOf(result: unknown): unknown {
  return typeof result === "boolean" ? { passed: result } : result;
}

/**
 * `@guardrail`, `@guardrail(options)` and `guardrail.wrap(fn, options)`: a GUARDRAIL span per call of a check
 * that guards a model's input or output (moderation, PII detection, jailbreak or topic filters).
 *
 * The span starts when the method is called (as a child of the active span) and ends when the result is
 * complete (at return, when a returned Promise settles, when a returned stream ends). Captured: `input.value`
 * (the content checked: the arguments) and `output.value` (the guardrail's result, its verdict), with their MIME
 * types, the context attributes and the code location. The verdict is also recorded as
 * {@link GUARDRAIL_PASSED}, {@link GUARDRAIL_REASON} and {@link GUARDRAIL_SCORE}: from `guardrail.record()`
 * during the call if it was used, else from the `verdict` option, else from the result itself when it is a
 * boolean or an object with a boolean `passed` (and optional `reason`, `score`). A failed check is not an
 * error: the span's status stays unset. A guardrail that blocks by throwing is recorded as an error (status
 * ERROR, an `exception` event) and the error is rethrown unchanged.
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/guardrail.md
 */
export const guardrail: Kind<GuardrailKindOptions, GuardrailVerdict> = defineKind<GuardrailKindOptions, GuardrailVerdict, GuardrailCallData>({
  name: "guardrail",
  spanKind: OpenInferenceSpanKind.GUARDRAIL,
  options: z.object(guardrailOptionsShape),
  // The reason is words about the checked content: `captureOutput: false` leaves it off; the verdict stays.
  dataKeys: { output: [GUARDRAIL_REASON] },
  onResult(result, call) {
    if (call.data?.recorded === true) return undefined;
    const read = call.options.verdict;
    return verdictAttributes(read !== undefined ? read(result) : verdictOf(result));
  },
  record(data, call) {
    const attributes = verdictAttributes(data);
    if (attributes !== undefined) call.data = { recorded: true };
    return attributes;
  },
});

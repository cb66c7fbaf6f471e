import type { Attributes } from "@opentelemetry/api";
import { defineKind, isRecord, read, safeJson, truncateText } from "@calltree/core/kind";
import type { CallStart, CommonOptions, Kind } from "@calltree/core/kind";
import { OpenInferenceSpanKind, SemanticConventions as SC } from "@arizeai/openinference-semantic-conventions";
import { z } from "zod";

/** The judge kinds OpenInference names; any other non-empty string is allowed too. */
export type AnnotatorKind = "HUMAN" | "LLM" | "CODE" | (string & {});

// A non-empty string, typed as AnnotatorKind (zod has no type for "these names or any other string").
const annotatorKindSchema = z.custom<AnnotatorKind>((v) => typeof v === "string" && v !== "", {
  error: 'must be a non-empty string: "CODE", "LLM", "HUMAN" or a custom kind',
});

// Each option is written once, its check beside its TSDoc; the options type is an interface over this shape's input
// (an interface, so that it is shown by name). The shape is a constant of its own: a .d.ts keeps the doc comments of
// an object literal's properties, not of the type z.object() maps them to.
const evaluatorOptionsShape = {
  /**
   * The criterion or metric, recorded as `evaluation.name` when the result does not name one. Default: the
   * `name` option, else the method or function name.
   */
  metric: z.string().min(1).optional(),
  /** Who judged: `"CODE"`, `"LLM"`, `"HUMAN"` or a custom kind; recorded as `evaluation.annotator_kind`. */
  annotatorKind: annotatorKindSchema.optional(),
};

/** Options of `@evaluator`: the {@link CommonOptions} every kind takes, plus these. */
export interface EvaluatorOptions extends z.input<z.ZodObject<typeof evaluatorOptionsShape>> {}

/**
 * One evaluation result. Field names of common eval libraries are read too: `key` (LangSmith, openevals) for
 * `name`; `comment` (LangSmith), `reason` and `reasoning` for `explanation`; `value` for `label` when it is a
 * string and for `score` when it is a number or boolean; `annotator_kind` for `annotatorKind`.
 */
export interface EvaluationResult {
  /** The criterion or metric (`evaluation.name`). */
  name?: string;
  /** Numeric result (`evaluation.score`); `true`/`false` count as `1`/`0`. */
  score?: number | boolean | null;
  /** Categorical result (`evaluation.label`). */
  label?: string | null;
  /** Reason or evidence (`evaluation.explanation`). */
  explanation?: string | null;
  /** Who judged (`evaluation.annotator_kind`). */
  annotatorKind?: AnnotatorKind;
  /** A stable id for results with the same name and target (`evaluation.identifier`). */
  identifier?: string;
  /** More data about the result or the judge, recorded as a JSON string (`evaluation.metadata`). */
  metadata?: Record<string, unknown>;
}

/** What `evaluator.record()` takes: one result or several. */
export type EvaluatorRecord = EvaluationResult | readonly EvaluationResult[];

interface EvaluatorState {
  count: number;
  /** `record()` was called: the results come from it, not from the return value. */
  manual: boolean;
}

/** Most results recorded from one call, so a runaway list cannot flood the span. */
const MAX_RESULTS = 100;

function state(call: CallStart<EvaluatorOptions, EvaluatorState>): EvaluatorState {
  return (call.data ??= { count: 0, manual: false });
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? truncateText(value) : undefined;
}

function scoreOf(value: unknown): number | undefined {
  if (typeof value === "boolean") return value ? 1 : 0;
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function firstText(obj: object, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const found = text(read(obj, key));
    if (found !== undefined) return found;
  }
  return undefined;
}

interface Flat {
  name?: string;
  score?: number;
  label?: string;
  explanation?: string;
  annotatorKind?: string;
  identifier?: string;
  metadata?: string;
}

/**
 * One result from what an evaluator returns: a number (score), a boolean (score 1/0 and label
 * `"true"`/`"false"`), a string (label), or an object ({@link EvaluationResult}). `undefined` when it holds no
 * score, label or explanation: OpenInference requires at least one.
 */
function toResult(value: unknown): Flat | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? { score: value } : undefined;
  if (typeof value === "boolean") return { score: value ? 1 : 0, label: String(value) };
  if (typeof value === "string") return value === "" ? undefined : { label: truncateText(value) };
  if (!isRecord(value)) return undefined;
  const flat: Flat = {};
  const name = firstText(value, ["name", "key"]);
  if (name !== undefined) flat.name = name;
  const raw = read(value, "value");
  const score = scoreOf(read(value, "score")) ?? (typeof raw === "string" ? undefined : scoreOf(raw));
  if (score !== undefined) flat.score = score;
  const label = text(read(value, "label")) ?? text(raw);
  if (label !== undefined) flat.label = label;
  const explanation = firstText(value, ["explanation", "comment", "reason", "reasoning"]);
  if (explanation !== undefined) flat.explanation = explanation;
  const annotator = firstText(value, ["annotatorKind", "annotator_kind"]);
  if (annotator !== undefined) flat.annotatorKind = annotator;
  const identifier = text(read(value, "identifier"));
  if (identifier !== undefined) flat.identifier = identifier;
  const metadata = read(value, "metadata");
  if (isRecord(metadata)) flat.metadata = safeJson(metadata);
  if (flat.score === undefined && flat.label === undefined && flat.explanation === undefined) return undefined;
  return flat;
}

function key(index: number, field: string): string {
  return `${SC.EVALUATIONS}.${index}.${field}`;
}

function defaultName(call: CallStart<EvaluatorOptions, EvaluatorState>): string {
  return call.options.metric ?? call.options.name ?? call.methodName;
}

function writeResults(call: CallStart<EvaluatorOptions, EvaluatorState>, values: readonly unknown[]): Attributes {
  const s = state(call);
  const attrs: Attributes = {};
  for (const value of values) {
    if (s.count >= MAX_RESULTS) break;
    let flat: Flat | undefined;
    try {
      flat = toResult(value);
    } catch {
      flat = undefined;
    }
    if (flat === undefined) continue;
    const i = s.count++;
    attrs[key(i, SC.EVALUATION_NAME)] = flat.name ?? defaultName(call);
    if (flat.score !== undefined) attrs[key(i, SC.EVALUATION_SCORE)] = flat.score;
    if (flat.label !== undefined) attrs[key(i, SC.EVALUATION_LABEL)] = flat.label;
    if (flat.explanation !== undefined) attrs[key(i, SC.EVALUATION_EXPLANATION)] = flat.explanation;
    const annotator = flat.annotatorKind ?? call.options.annotatorKind;
    if (annotator !== undefined) attrs[key(i, SC.EVALUATION_ANNOTATOR_KIND)] = annotator;
    if (flat.identifier !== undefined) attrs[key(i, SC.EVALUATION_IDENTIFIER)] = flat.identifier;
    if (flat.metadata !== undefined) attrs[key(i, SC.EVALUATION_METADATA)] = flat.metadata;
  }
  return attrs;
}

/** The results in a return value: an array of results, an object with a `results` array, or one result. */
function resultList(result: unknown): readonly unknown[] {
  if (Array.isArray(result)) return result;
  if (isRecord(result)) {
    const list = read(result, "results");
    if (Array.isArray(list)) return list;
  }
  return [result];
}

/**
 * `@evaluator`, `@evaluator(options)` and `evaluator.wrap(fn, options)`: an EVALUATOR span per call, for a step
 * that judges an output (relevance, correctness, hallucination; by code, an LLM judge or a person).
 *
 * The span starts when the method is called, as a child of the active span, and ends when the result is
 * complete (at return, or when a returned Promise settles). Captured automatically: the arguments as
 * `input.value`, the result as `output.value`, and each evaluation result in the return value as
 * `evaluations.N.evaluation.{name,score,label,explanation,annotator_kind,identifier,metadata}` (OpenInference's
 * evaluation terminology). The return value may be a number (score), a boolean (score 1/0, label
 * `"true"`/`"false"`), a string (label), an {@link EvaluationResult} object, an array of them, or an object with a
 * `results` array. A result needs a score, a label or an explanation; its name defaults to the `metric` option,
 * the `name` option, then the method name. Other values record no evaluation and are returned unchanged.
 * Errors are recorded (status ERROR, an `exception` event) and rethrown unchanged.
 *
 * `evaluator.record(result)` records results the return value does not show; once it has been called in a call,
 * results are no longer read from that call's return value.
 *
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/evaluator.md
 */
export const evaluator: Kind<EvaluatorOptions, EvaluatorRecord> = defineKind<EvaluatorOptions, EvaluatorRecord, EvaluatorState>({
  name: "evaluator",
  spanKind: OpenInferenceSpanKind.EVALUATOR,
  options: z.object(evaluatorOptionsShape),
  onResult(result, call) {
    if (state(call).manual) return undefined;
    return writeResults(call, resultList(result));
  },
  record(data, call) {
    state(call).manual = true;
    return writeResults(call, Array.isArray(data) ? data : [data]);
  },
});

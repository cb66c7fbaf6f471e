// Public API of @calltree/evaluator. Listed by name on purpose: nothing else is public.
export { evaluator } from "./evaluator.js";
export type { AnnotatorKind, EvaluationResult, EvaluatorOptions, EvaluatorRecord } from "./evaluator.js";

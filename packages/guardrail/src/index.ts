// Public API of @calltree/guardrail. Listed by name on purpose: nothing else is public.
export { guardrail, GUARDRAIL_PASSED, GUARDRAIL_REASON, GUARDRAIL_SCORE } from "./guardrail.js";
export type { GuardrailKindOptions, GuardrailOptions, GuardrailVerdict } from "./guardrail.js";

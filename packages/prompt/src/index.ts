// Public API of @calltree/prompt. Listed by name on purpose: nothing else is public.
export { prompt } from "./prompt.js";
export type { PromptOptions, PromptRecord } from "./prompt.js";

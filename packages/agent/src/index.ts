// Public API of @calltree/agent. Listed by name on purpose: nothing else is public.
export { agent } from "./agent.js";
export type { AgentOptions } from "./agent.js";

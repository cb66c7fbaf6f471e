// Public API of @calltree/llm.
import { createLlmFetch } from "./fetch.js";
import { llmKind } from "./llm.js";
import type { LlmKind } from "./llm.js";

/**
 * `@llm`, `@llm(options)` and `llm.wrap(fn, options)`: an LLM span per call, with the model, provider, messages,
 * tools, invocation parameters, token counts and cost read from what the method takes and returns.
 *
 * The span starts when the method is called (as a child of the active span) and ends when the result is
 * complete: at return, when a returned Promise settles, or, for a streamed answer (the openai SDK's `Stream`,
 * an async iterable of OpenAI chunks or Anthropic events, the Vercel AI SDK's stream parts), when the stream has
 * been read to its end, broken off or failed; the first chunk's time is a `First Token Stream Event`.
 * Requests and responses of OpenAI chat completions, responses and legacy completions, Anthropic messages, the
 * Vercel AI SDK and plain strings are read automatically. Cost comes from the price catalog when the model is
 * known (no cost attribute otherwise). When another LLM span starts inside the call (an auto-instrumentation of
 * the SDK, or a nested `@llm`), token counts and cost are left to that span so trace totals count them once.
 *
 * - `llm.record({...})` adds what the return value does not show (model, messages, token counts, cost…).
 * - `llm.fetch` is a `fetch` for SDK clients that records the request and response they exchange.
 *
 * Errors are recorded (status ERROR, `exception` event) and rethrown unchanged.
 * @see https://github.com/calltree/calltree/blob/main/docs/kinds/llm.md
 */
export const llm: LlmKind & {
  /**
   * A `fetch` for SDK clients (`new OpenAI({ fetch: llm.fetch })`): inside an `@llm` call it records the request
   * and response the SDK exchanges on that call's span; elsewhere it is the global `fetch`.
   */
  readonly fetch: typeof globalThis.fetch;
} = Object.assign(llmKind, { fetch: createLlmFetch(llmKind) });

export { agentsModel, agentsModelProvider } from "./agents.js";
export type { AgentsModel, AgentsModelOptions, AgentsModelProvider } from "./agents.js";
export type { LlmKind, LlmMessage, LlmOptions, LlmRecord, LlmTokenCount } from "./llm.js";
export { clearModelPrices, setModelPrices } from "./internal/cost/index.js";
export { LLM_INPUT_MESSAGES_OMITTED, LLM_OUTPUT_MESSAGES_OMITTED, MESSAGE_ATTRIBUTES } from "./internal/extract/model.js";
export type { ModelPrice } from "./internal/cost/index.js";

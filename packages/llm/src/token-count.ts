// The one token-count type of @calltree/llm.
/**
 * Token counts of one LLM call, with OpenInference's meaning (the `llm.token_count.*` attributes): `prompt`
 * includes the cache reads, cache writes and audio tokens, and `completion` includes the reasoning and audio
 * tokens. (OpenAI reports usage that way; Anthropic's `input_tokens` leaves cache reads and writes out, so they are
 * added.) Every count is optional; one that is missing, not a finite number, or negative is not recorded or priced.
 * The one token-count type of @calltree/llm: `llm.record({ tokenCount })` takes it, and the extractors and the cost
 * computation use it.
 */
export interface LlmTokenCount {
  prompt?: number;
  completion?: number;
  total?: number;
  cacheRead?: number;
  cacheWrite?: number;
  promptAudio?: number;
  reasoning?: number;
  completionAudio?: number;
}

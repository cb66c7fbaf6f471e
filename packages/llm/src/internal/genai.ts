// OpenTelemetry GenAI (`gen_ai.*`) attribute names this package reads on nested spans of other libraries
// (Anthropic's own telemetry, AI SDK 7). They are the values of `@opentelemetry/semantic-conventions/incubating`'s
// ATTR_GEN_AI_* constants, kept here because that entry has no types under the CommonJS build's module
// resolution; genai.test.ts proves each equals the package's constant.
export const GEN_AI = Object.freeze({
  OPERATION_NAME: "gen_ai.operation.name",
  REQUEST_MODEL: "gen_ai.request.model",
  RESPONSE_MODEL: "gen_ai.response.model",
  USAGE_INPUT_TOKENS: "gen_ai.usage.input_tokens",
  USAGE_OUTPUT_TOKENS: "gen_ai.usage.output_tokens",
  USAGE_PROMPT_TOKENS: "gen_ai.usage.prompt_tokens",
  USAGE_COMPLETION_TOKENS: "gen_ai.usage.completion_tokens",
  USAGE_CACHE_READ_INPUT_TOKENS: "gen_ai.usage.cache_read.input_tokens",
  USAGE_CACHE_CREATION_INPUT_TOKENS: "gen_ai.usage.cache_creation.input_tokens",
  USAGE_REASONING_OUTPUT_TOKENS: "gen_ai.usage.reasoning.output_tokens",
});

// The LLM extractors: pure functions from SDK request/response/stream shapes to OpenInference
// attributes. Internal to @calltree/llm; the decorator wires them to spans.
export { extractLlmRequest, requestAttributeList } from "./request.js";
export { answerMessagesOf, readLlmResponse, sdkAnswerMessagesOf } from "./response.js";
export { createStreamAggregator } from "./stream.js";
export type { StreamAggregator } from "./stream.js";
